//! Browser suite (headless Chromium and Firefox; also runs natively): adapter invariants, replay
//! determinism, batch sizing against the measured tick, and well-formed wire results per workload.

use harness_wasm::adapter::RuntimeAdapter;
use harness_wasm::clock::{cross_origin_isolated, measure_tick_ns, PageClock};
use harness_wasm::engine::{each, Engine, EngineConfig};
use harness_wasm::error::AdapterError;
use harness_wasm::invariants::Invariants;
use harness_wasm::pace::{complete, NoPause};
use harness_wasm::schedule::{ScheduleSpec, StormSpec};
use harness_wasm::workloads::{cold, run, RunConfig};
use reference_adapter::cancel::{CancelToken, Phase};
use reference_adapter::ReferenceAdapter;
use scenarios::protocol::{probes_for, MIN_TICKS_PER_BATCH};
use scenarios::wire::{ClockInfo, SampleUnit, WireResult};
use scenarios::{Framework, Probe, Workload};
use std::rc::Rc;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn clock_info() -> ClockInfo {
    ClockInfo {
        tick_ns: measure_tick_ns(&PageClock, 20, 50_000_000).expect("clock advances"),
        cross_origin_isolated: cross_origin_isolated(),
    }
}

fn cfg(workload: Workload, seed: u64) -> RunConfig {
    RunConfig {
        workload,
        framework: Framework::VanillaJs,
        seed,
        iterations: 20,
        warmup: 5,
        user_agent: "test".into(),
        clock: clock_info(),
        slowdown_pct: None,
    }
}

#[wasm_bindgen_test]
fn no_task_outlives_a_closed_scope() {
    let inv = Rc::new(Invariants::default());
    let exec = reference_adapter::executor::Executor::new(1, inv.clone());
    let scope = exec.scope();
    let joined = scope.spawn(async { 7 });
    let _dropped = scope.spawn(futures::future::pending::<()>()); // cancelled when dropped
    drop(_dropped);
    assert_eq!(joined.join().unwrap(), 7);
    scope.close().expect("all tasks ended");
    let r = inv.report();
    assert_eq!((r.tasks_spawned, r.tasks_ended, r.orphans), (2, 2, 0));

    // A detached task that never ends is an orphan: close must fail and count it.
    let scope = exec.scope();
    scope.spawn(futures::future::pending::<()>()).detach();
    let err = scope.close().expect_err("orphan must be reported");
    assert!(matches!(err, AdapterError::Invariant(_)), "{err}");
    assert_eq!(inv.report().orphans, 1);
    assert!(inv.report().check_quiescent().is_err());
}

#[wasm_bindgen_test]
fn every_permit_is_sent_or_dropped() {
    let mut a = ReferenceAdapter::start(42).unwrap();
    for v in 0..100u64 {
        assert_eq!(a.reserve_send(v).unwrap(), v);
    }
    let spec = StormSpec::from_seed(42);
    let storm = a.start_storm(&spec).unwrap();
    assert_eq!(
        a.invariants().permits_outstanding(),
        u64::from(spec.tasks),
        "storm tasks in flight hold permits"
    );
    assert_eq!(a.cancel_storm(storm).unwrap(), spec.tasks as usize);
    let got = a.stream(vec![vec![1u8; 64].into(); 50]).unwrap();
    assert_eq!(got.len(), 50);
    let r = a.invariants();
    assert_eq!(r.permits_reserved, 150 + u64::from(spec.tasks));
    assert_eq!(r.permits_sent, 150);
    assert_eq!(r.permits_aborted, u64::from(spec.tasks));
    r.check_quiescent().unwrap();
}

/// Storms across real event-loop turns (browser only: the wheel's host wake-up is `setTimeout`).
#[cfg(target_arch = "wasm32")]
mod event_loop {
    use super::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    #[wasm_bindgen]
    extern "C" {
        type Global;
        #[wasm_bindgen(method, js_name = setTimeout)]
        fn set_timeout(this: &Global, cb: &js_sys::Function, ms: i32) -> JsValue;
    }

    /// Resolves after `ms` through the browser's event loop.
    async fn sleep_ms(ms: i32) {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            let g: Global = js_sys::global().unchecked_into();
            g.set_timeout(&resolve, ms);
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }

    #[wasm_bindgen_test]
    async fn a_storm_whose_timers_fired_across_event_loop_turns_still_cancels_cleanly() {
        let mut a = ReferenceAdapter::start(11).unwrap();
        let spec = StormSpec::from_seed(11);
        let storm = a.start_storm(&spec).unwrap();
        // Event-loop turns pass: the wheel's setTimeout fires and wakes the timer tasks (now ready,
        // not yet polled) while the running and receiving tasks stay in flight.
        sleep_ms(i32::try_from(spec.timer_ms).unwrap() + 20).await;
        assert_eq!(a.timers().armed(), 0, "the timers fired during the turns");
        assert_eq!(a.cancel_storm(storm).unwrap(), spec.tasks as usize);
        let r = a.invariants();
        assert_eq!(r.cancels_finalized, u64::from(spec.tasks));
        assert_eq!(r.phase_violations, 0);
        r.check_quiescent().unwrap();
    }
}

#[wasm_bindgen_test]
fn cancel_goes_request_drain_finalize() {
    let mut a = ReferenceAdapter::start(7).unwrap();
    let spec = StormSpec::from_seed(7);
    for _ in 0..5 {
        let storm = a.start_storm(&spec).unwrap();
        a.cancel_storm(storm).unwrap();
    }
    let r = a.invariants();
    let n = 5 * u64::from(spec.tasks);
    assert_eq!(
        (r.cancels_requested, r.cancels_finalized, r.phase_violations),
        (n, n, 0)
    );
    assert_eq!(
        a.timers().armed(),
        0,
        "cancelled timer tasks disarm their timers"
    );

    // Phases observed by a token, and a skipped phase is caught.
    let inv = Rc::new(Invariants::default());
    let t = CancelToken::new(inv.clone());
    t.request();
    assert_eq!(t.phase(), Phase::Requested);
    assert!(t.checkpoint().is_err());
    assert_eq!(t.phase(), Phase::Observed);
    t.advance(Phase::Finalized); // skips Drained
    assert_eq!(inv.report().phase_violations, 1);
}

#[wasm_bindgen_test]
fn timeouts_arm_and_cancel_without_leaks() {
    let mut a = ReferenceAdapter::start(3).unwrap();
    for d in [1u32, 5, 600, 2000, 1] {
        a.timeout_arm_cancel(d).unwrap();
    }
    assert_eq!(a.timers().armed(), 0);
}

#[cfg(feature = "trace")]
#[wasm_bindgen_test]
fn replay_is_deterministic() {
    let spec = ScheduleSpec::from_seed(42);
    let mut a = ReferenceAdapter::start(42).unwrap();
    let t1 = a.record_schedule(&spec).unwrap();
    let t2 = a.record_schedule(&spec).unwrap();
    assert_eq!(t1, t2, "same seed, same trace");
    let live = a.run_schedule(&spec).unwrap();
    assert_eq!(
        a.replay_schedule(&spec, &t1).unwrap(),
        live,
        "replay follows the trace"
    );

    let other = ScheduleSpec { seed: 29, ..spec };
    let t3 = a.record_schedule(&other).unwrap();
    assert_ne!(t1, t3, "different seed, different trace");
    assert_ne!(a.run_schedule(&other).unwrap(), live);
    // A trace of another schedule is refused rather than silently followed.
    assert!(a.replay_schedule(&spec, &t3).is_err());
    // A trace choosing past the ready queue diverges at that step.
    let mut bad = harness_wasm::schedule::Trace::decode(&t1).unwrap();
    bad.decisions[0] = spec.tasks + 5;
    let err = a.replay_schedule(&spec, &bad.encode()).unwrap_err();
    assert_eq!(
        err,
        AdapterError::ReplayDiverged {
            step: 0,
            index: spec.tasks + 5,
            ready: spec.tasks as usize
        }
    );
    // A trace whose choices ran other tasks than recorded is caught by the id hash.
    let mut forged = harness_wasm::schedule::Trace::decode(&t1).unwrap();
    forged.id_hash ^= 1;
    assert_eq!(
        a.replay_schedule(&spec, &forged.encode()),
        Err(AdapterError::ReplayMismatch)
    );
    // A reordered trace does not reproduce the live run.
    let mut swapped = harness_wasm::schedule::Trace::decode(&t1).unwrap();
    let last = swapped.decisions.len() - 1;
    swapped.decisions.swap(0, last);
    assert_ne!(a.replay_schedule(&spec, &swapped.encode()).ok(), Some(live));
    // Failed replays leave nothing behind, and the good trace still replays.
    assert_eq!(a.replay_schedule(&spec, &t1).unwrap(), live);
    a.invariants().check_quiescent().unwrap();
}

#[cfg(not(feature = "trace"))]
#[wasm_bindgen_test]
fn replay_needs_the_trace_feature() {
    let mut a = ReferenceAdapter::start(42).unwrap();
    let err = a.record_schedule(&ScheduleSpec::from_seed(42)).unwrap_err();
    assert_eq!(err.to_string(), "profile built without `trace`");
    // streaming-io still measures reserve-send; replay-step is left out (the collector records
    // M-PERF-04D as skip for such a build).
    let wire = complete(run::<ReferenceAdapter, _, _>(
        &cfg(Workload::StreamingIo, 11),
        PageClock,
        NoPause,
    ))
    .unwrap();
    let probes: Vec<Probe> = wire.probes.iter().map(|p| p.probe).collect();
    assert_eq!(probes, vec![Probe::ReserveSend]);
}

#[wasm_bindgen_test]
fn batches_span_at_least_min_ticks_of_the_measured_clock() {
    let clock = clock_info();
    assert!(clock.tick_ns > 0.0 && clock.tick_ns.is_finite());
    let engine = Engine::new(
        PageClock,
        EngineConfig {
            iterations: 9,
            warmup: 50,
            tick_ns: clock.tick_ns,
            extra_work: 0.0,
            speed_reference: true,
        },
    );
    let mut a = ReferenceAdapter::start(11).unwrap();
    let r = complete(engine.measure(
        Probe::ReserveSend,
        |_| Ok(()),
        each(|_: &mut (), i| a.reserve_send(u64::from(i))),
    ))
    .unwrap();
    let min = MIN_TICKS_PER_BATCH * clock.tick_ns;
    let mut s = r.samples.clone();
    s.sort_by(f64::total_cmp);
    assert!(r.batch_size >= 1);
    assert!(
        s[s.len() / 2] >= min,
        "median batch {} ns < {min} ns (batch {})",
        s[4],
        r.batch_size
    );
    assert!(r.loop_overhead_ns >= 0.0);
    // The machine-speed reference beside it: real batches, each spanning the minimum.
    let speed = r.speed_reference.expect("a machine-speed reference");
    assert!(speed.samples.len() >= 5, "{speed:?}");
    assert!(speed.samples.iter().all(|t| *t >= min), "{speed:?}");
    assert!(scenarios::speed::across_seeds(&[Some(&speed)]).is_some_and(|ns| ns > 0.0));
}

fn check_wire(w: &WireResult, workload: Workload) {
    w.check().unwrap();
    let json = serde_json::to_string(w).unwrap();
    let back: WireResult = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, w);
    let probes: Vec<Probe> = w.probes.iter().map(|p| p.probe).collect();
    assert_eq!(probes, probes_for(workload));
    for p in &w.probes {
        assert_eq!(p.samples.len(), 20, "{}", p.probe);
        assert!(p.batch_size >= 1);
    }
}

#[wasm_bindgen_test]
fn steady_throughput_wire() {
    let w = complete(run::<ReferenceAdapter, _, _>(
        &cfg(Workload::SteadyThroughput, 11),
        PageClock,
        NoPause,
    ))
    .unwrap();
    check_wire(&w, Workload::SteadyThroughput);
}

#[wasm_bindgen_test]
fn cancellation_storm_wire() {
    let w = complete(run::<ReferenceAdapter, _, _>(
        &cfg(Workload::CancellationStorm, 29),
        PageClock,
        NoPause,
    ))
    .unwrap();
    check_wire(&w, Workload::CancellationStorm);
}

#[cfg(feature = "trace")]
#[wasm_bindgen_test]
fn streaming_io_wire() {
    let w = complete(run::<ReferenceAdapter, _, _>(
        &cfg(Workload::StreamingIo, 42),
        PageClock,
        NoPause,
    ))
    .unwrap();
    check_wire(&w, Workload::StreamingIo);
    let replay = &w.probes[1];
    assert_eq!(replay.baseline_samples.as_ref().map(Vec::len), Some(20));
}

#[wasm_bindgen_test]
fn memory_pressure_wire() {
    let w = complete(run::<ReferenceAdapter, _, _>(
        &cfg(Workload::MemoryPressure, 73),
        PageClock,
        NoPause,
    ))
    .unwrap();
    check_wire(&w, Workload::MemoryPressure);
    let heap = &w.probes[0];
    assert_eq!(heap.unit, SampleUnit::Bytes);
    assert_eq!(heap.components.len(), 2);
    if cfg!(target_arch = "wasm32") {
        assert!(heap.samples.iter().all(|b| *b >= 65536.0));
    }
}

#[wasm_bindgen_test]
fn cold_start_probe_and_assembly() {
    let m = cold::probe::<ReferenceAdapter>(101).unwrap();
    assert!(m.runtime_start_ms >= 0.0 && m.first_task_ms >= 0.0);
    let mut c = cfg(Workload::ColdStart, 101);
    c.iterations = 2;
    c.warmup = 50; // capped
    let plan = cold::plan(c.iterations, c.warmup).unwrap();
    assert_eq!(
        (plan.warmup, plan.samples),
        (cold::MAX_WARMUP, cold::MAX_WARMUP + 2)
    );
    let phases = |compile: f64, instantiate: f64| {
        cold::Phases::from([
            ("compile_ms".to_owned(), compile),
            ("instantiate_ms".to_owned(), instantiate),
            ("runtime_start_ms".to_owned(), 0.25),
            ("first_task_ms".to_owned(), 0.75),
            // Transfer: kept as a component, never in the gate value.
            ("fetch_ms".to_owned(), 500.0),
        ])
    };
    let mut measured = vec![phases(99.0, 99.0); cold::MAX_WARMUP as usize];
    measured.extend([phases(1.0, 2.0), phases(-0.5, 4.0)]);
    let w = cold::assemble_cold(&c, "ref", &measured, true, 5).unwrap();
    let p = &w.probes[0];
    assert_eq!(
        (p.probe, p.batch_size, w.warmup),
        (Probe::ColdInit, 1, cold::MAX_WARMUP)
    );
    assert_eq!(
        w.cold_frame_gc,
        Some(true),
        "the page's frame collection is recorded"
    );
    assert_eq!(
        w.cold_seeds_in_turn,
        Some(5),
        "how many seeds took turns is recorded"
    );
    assert_eq!(
        p.samples,
        vec![4e6, 5e6],
        "warm-up dropped, ms -> ns, negative phase clamped, transfer not counted"
    );
    assert_eq!(p.components["compile_ns"], vec![1e6, 0.0]);
    assert_eq!(p.components["fetch_ns"], vec![5e8, 5e8]);
    let no_first_task: Vec<cold::Phases> = measured
        .iter()
        .map(|m| {
            let mut m = m.clone();
            m.remove("first_task_ms");
            m
        })
        .collect();
    let err = cold::assemble_cold(&c, "ref", &no_first_task, true, 1).unwrap_err();
    assert!(err.to_string().contains("first_task_ms"), "{err}");
    assert!(
        cold::assemble_cold(&c, "ref", &measured[1..], true, 1).is_err(),
        "a sample short"
    );
    assert!(
        cold::plan(0, 5).is_err(),
        "0 iterations is refused up front"
    );
    assert!(
        complete(run::<ReferenceAdapter, _, _>(&c, PageClock, NoPause)).is_err(),
        "cold-start is page-driven"
    );
}

#[cfg(target_arch = "wasm32")]
#[path = "browser/oracle.rs"]
mod oracle;

#[cfg(target_arch = "wasm32")]
#[path = "browser/pacing.rs"]
mod pacing;
