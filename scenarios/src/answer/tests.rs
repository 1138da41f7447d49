//! A page's answer checked against the question: what is refused, and what a faithful answer is.
use std::collections::BTreeMap;

use super::*;
use crate::wire::{ClockInfo, ProbeResult, WIRE_VERSION};

fn probe(p: Probe, n: usize) -> ProbeResult {
    ProbeResult {
        probe: p,
        unit: sample_unit(p),
        batch_size: 100,
        loop_overhead_ns: 10.0,
        samples: vec![600_000.0; n],
        baseline_samples: None,
        components: BTreeMap::new(),
        rejected_batches: 0,
        warmup_batches: 0,
        warmup_unsteady: false,
        per_op_samples: (sample_unit(p) == SampleUnit::Ns).then(|| vec![0.0; n]),
        speed_reference: None,
    }
}

fn asked() -> Asked {
    Asked {
        workload: Workload::SteadyThroughput,
        framework: Framework::VanillaJs,
        profile: Profile::CoreMin,
        seed: 11,
        iterations: 200,
        warmup: 50,
        slowdown_pct: None,
    }
}

fn wire() -> WireResult {
    WireResult {
        wire_version: WIRE_VERSION,
        harness_version: "0".into(),
        adapter: "a".into(),
        adapter_crate: None,
        workload: Workload::SteadyThroughput,
        framework: Framework::VanillaJs,
        profile: Profile::CoreMin,
        seed: 11,
        iterations: 200,
        warmup: 50,
        clock: ClockInfo {
            tick_ns: 5000.0,
            cross_origin_isolated: true,
        },
        injected_slowdown_pct: None,
        built_slowdown_pct: None,
        yield_every_ms: Some(100.0),
        cold_frame_gc: None,
        cold_seeds_in_turn: None,
        user_agent: "ua".into(),
        probes: vec![probe(Probe::ReserveSend, 200), probe(Probe::SpawnJoin, 200)],
    }
}

fn refused(w: &WireResult, needle: &str) -> bool {
    let errs = check_answer(w, &asked());
    errs.iter().any(|e| e.contains(needle))
}

#[test]
fn a_faithful_answer_passes() {
    assert_eq!(check_answer(&wire(), &asked()), Vec::<String>::new());
}

#[test]
fn a_batched_answer_must_say_how_the_engine_yielded() {
    for bad in [None, Some(0.0), Some(f64::NAN), Some(5_000.0)] {
        let mut w = wire();
        w.yield_every_ms = bad;
        assert!(refused(&w, "yield_every_ms is"), "{bad:?}");
    }
}

#[test]
fn too_few_or_too_many_samples_are_refused() {
    for n in [3, 1_000_000] {
        let mut w = wire();
        w.probes[0] = probe(Probe::ReserveSend, n);
        assert!(refused(&w, &format!("{n} samples, 200 were asked")));
    }
}

#[test]
fn a_huge_loop_overhead_is_refused() {
    let mut w = wire();
    w.probes[1].loop_overhead_ns = 1e15;
    assert!(refused(&w, "clamped to 0"));
}

#[test]
fn another_framework_or_seed_is_refused() {
    let mut w = wire();
    w.framework = Framework::React;
    assert!(refused(&w, "answered for core-min react"));
    let mut w = wire();
    w.seed = 29;
    assert!(refused(&w, "seed 29"));
}

#[test]
fn empty_extra_or_duplicate_probe_lists_are_refused() {
    for probes in [
        vec![],
        vec![probe(Probe::ReserveSend, 200)],
        vec![
            probe(Probe::ReserveSend, 200),
            probe(Probe::SpawnJoin, 200),
            probe(Probe::Heap, 200),
        ],
        vec![
            probe(Probe::ReserveSend, 200),
            probe(Probe::ReserveSend, 200),
        ],
    ] {
        let mut w = wire();
        w.probes = probes;
        assert!(refused(&w, "the probes are ["), "{:?}", w.probes.len());
    }
}

#[test]
fn implausible_values_and_clock_are_refused() {
    let mut w = wire();
    w.probes[0].samples[0] = 1e13;
    assert!(refused(&w, "beyond any real reading"));
    let mut w = wire();
    w.clock.tick_ns = 0.0;
    assert!(refused(&w, "tick_ns"));
}

#[test]
fn batches_shorter_than_the_minimum_span_are_refused() {
    let mut w = wire();
    w.probes[0].samples[7] = 400_000.0; // 80 ticks of 5 µs
    assert!(refused(&w, "1 timed batches span fewer than 100 ticks"));
    let mut w = wire();
    w.probes[0].speed_reference = Some(crate::wire::SpeedReference {
        batch_size: 8192,
        samples: vec![1_000_000.0, 400_000.0],
    });
    assert!(refused(&w, "1 speed-reference batches span fewer"));
}

#[test]
fn a_batch_of_one_operation_is_held_to_the_minimum_span_too() {
    // A storm's single cancel spans many ticks, so the engine times it in batches of 1: each one
    // still spans 100 ticks (the engine rejects shorter ones), and the answer is checked for it.
    let mut w = wire();
    w.probes[0].batch_size = 1;
    w.probes[0].samples[3] = 400_000.0; // 80 ticks of 5 µs
    assert!(refused(&w, "1 timed batches span fewer than 100 ticks"));
    w.probes[0].samples[3] = 600_000.0;
    w.probes[0].per_op_samples = None;
    assert!(refused(&w, "no per_op_samples"));
}

#[test]
fn a_single_operation_probe_is_one_operation_per_sample_with_no_overhead() {
    // Cold init is timed by the page, one fresh instance per sample: no batch can lengthen it, so
    // it is not held to 100 ticks, but it must be what the protocol says it is.
    let mut a = asked();
    a.workload = Workload::ColdStart;
    let mut w = wire();
    w.workload = Workload::ColdStart;
    w.yield_every_ms = None;
    w.cold_frame_gc = Some(true);
    w.cold_seeds_in_turn = Some(1);
    let mut p = probe(Probe::ColdInit, 200);
    (p.batch_size, p.loop_overhead_ns, p.per_op_samples) = (1, 0.0, None);
    p.samples = vec![100_000.0; 200]; // 20 ticks: a short cold start is still a real one
    w.probes = vec![p];
    assert_eq!(check_answer(&w, &a), Vec::<String>::new());
    for (batch, overhead) in [(4, 0.0), (1, 10.0)] {
        w.probes[0].batch_size = batch;
        w.probes[0].loop_overhead_ns = overhead;
        let errs = check_answer(&w, &a);
        assert!(
            errs.iter().any(|e| e.contains("one operation per sample")),
            "{errs:?}"
        );
    }
}

#[test]
fn live_batches_of_a_paired_probe_are_held_to_the_minimum_span_too() {
    // 04D: the replay batches are `samples`, the live ones `baseline_samples`; both are timed.
    let mut a = asked();
    (a.workload, a.profile) = (Workload::StreamingIo, Profile::CoreTrace);
    let mut w = wire();
    (w.workload, w.profile) = (Workload::StreamingIo, Profile::CoreTrace);
    let mut replay = probe(Probe::ReplayStep, 200);
    replay.per_op_samples = None;
    replay.baseline_samples = Some(vec![550_000.0; 200]);
    w.probes = vec![probe(Probe::ReserveSend, 200), replay];
    assert_eq!(check_answer(&w, &a), Vec::<String>::new());
    if let Some(live) = w.probes[1].baseline_samples.as_mut() {
        live[9] = 400_000.0; // 80 ticks of 5 µs
    }
    let errs = check_answer(&w, &a);
    let want = "1 live (baseline) batches span fewer than 100 ticks";
    assert!(errs.iter().any(|e| e.contains(want)), "{errs:?}");
}

#[test]
fn a_latency_probe_without_its_per_operation_view_is_refused() {
    let mut w = wire();
    w.probes[0].per_op_samples = None;
    assert!(refused(&w, "no per_op_samples"));
    w.probes[0].per_op_samples = Some(vec![0.0; 3]);
    assert!(refused(&w, "3 per-operation samples for 200 samples"));
}

#[test]
fn only_a_cold_start_result_says_whether_frames_were_collected() {
    let mut w = wire();
    w.cold_frame_gc = Some(true);
    assert!(refused(&w, "cold_frame_gc is Some(true)"));
}

#[test]
fn only_a_cold_start_result_says_how_many_seeds_took_turns() {
    let mut w = wire();
    w.cold_seeds_in_turn = Some(5);
    assert!(refused(&w, "cold_seeds_in_turn is Some(5)"));
}

#[test]
fn an_unasked_or_missing_slowdown_is_refused() {
    let mut w = wire();
    w.injected_slowdown_pct = Some(10.0);
    assert!(refused(&w, "injected_slowdown_pct"));
}

#[test]
fn replay_is_expected_only_where_the_profile_has_it() {
    assert_eq!(
        expected_probes(Workload::StreamingIo, Profile::CoreMin),
        vec![Probe::ReserveSend]
    );
    assert_eq!(
        expected_probes(Workload::StreamingIo, Profile::CoreTrace),
        vec![Probe::ReserveSend, Probe::ReplayStep]
    );
    assert_eq!(expected_samples(Probe::Heap, 2000), 500);
}
