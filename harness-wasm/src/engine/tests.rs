//! Unit tests of the engine on a fake clock: batch spans, rejection, injected slowdown, errors, pacing.
use super::*;
use crate::clock::fake::FakeClock;
use crate::pace::complete;
use std::cell::Cell;

fn engine(clock: &FakeClock, tick: f64) -> Engine<&FakeClock> {
    Engine::new(clock, config(10, tick))
}

/// `iterations` timed batches, 3 warm-up operations, a `tick` ns clock, no slowdown, no reference.
fn config(iterations: u32, tick: f64) -> EngineConfig {
    EngineConfig {
        iterations,
        warmup: 3,
        tick_ns: tick,
        extra_work: 0.0,
        speed_reference: false,
    }
}

/// `e` measures `reserve-send` with an operation that costs `op_ns` on `clock`.
fn reserve_send_at<P: Pacer>(
    e: &Engine<&FakeClock, P>,
    clock: &FakeClock,
    op_ns: u64,
) -> ProbeResult {
    complete(e.measure(
        Probe::ReserveSend,
        |_| Ok(()),
        each(|_: &mut (), _| {
            clock.advance(op_ns);
            Ok(())
        }),
    ))
    .unwrap()
}

#[test]
fn batches_span_at_least_min_ticks() {
    for (tick, op_ns) in [
        (100_000u64, 40u64),
        (1_000_000, 900),
        (5_000, 3_000),
        (20_000, 1),
    ] {
        let clock = FakeClock {
            now_ns: Cell::new(0),
            tick_ns: tick,
            read_cost_ns: 0,
        };
        let e = engine(&clock, tick as f64);
        let r = reserve_send_at(&e, &clock, op_ns);
        assert_eq!(r.samples.len(), 10);
        let span = f64::from(r.batch_size) * op_ns as f64;
        assert!(
            span >= MIN_TICKS_PER_BATCH * tick as f64,
            "tick {tick} op {op_ns}: {span}"
        );
        assert!(r
            .samples
            .iter()
            .all(|s| *s >= MIN_TICKS_PER_BATCH * tick as f64));
        // Doubling never overshoots by more than 2x the margin.
        assert!(
            span < 2.0 * CALIBRATION_MARGIN * MIN_TICKS_PER_BATCH * tick as f64
                + 2.0 * op_ns as f64
        );
    }
}

#[test]
fn injected_slowdown_adds_that_share_of_operations_to_every_batch() {
    let per_op = |extra_work: f64| {
        let clock = FakeClock {
            now_ns: Cell::new(0),
            tick_ns: 100_000,
            read_cost_ns: 0,
        };
        let mut e = engine(&clock, 100_000.0);
        e.cfg.extra_work = extra_work;
        let r = reserve_send_at(&e, &clock, 1000);
        r.per_op()[0]
    };
    // Batches are thousands of operations: the added share is exact to one operation in a batch.
    let base = per_op(0.0);
    assert!((base / 1000.0 - 1.0).abs() < 5e-3, "{base}");
    for (x, want) in [(0.1, 1.1), (0.2, 1.2)] {
        let ratio = per_op(x) / base;
        assert!((ratio / want - 1.0).abs() < 5e-3, "{x}: {ratio}");
    }
}

#[test]
fn short_timed_batches_are_rejected_and_counted() {
    let clock = FakeClock {
        now_ns: Cell::new(0),
        tick_ns: 1_000,
        read_cost_ns: 0,
    };
    let mut e = engine(&clock, 1_000.0);
    e.cfg.iterations = 100;
    let batches = Cell::new(0u32);
    let cost = Cell::new(50u64);
    let r = complete(e.measure(
        Probe::ReserveSend,
        |_| {
            // Every 50th batch is (impossibly) free: it spans no tick and must not be kept.
            batches.set(batches.get() + 1);
            cost.set(if batches.get() % 50 == 0 { 0 } else { 50 });
            Ok(())
        },
        each(|_: &mut (), _| {
            clock.advance(cost.get());
            Ok(())
        }),
    ))
    .unwrap();
    assert_eq!(r.samples.len(), 100);
    assert!(r.rejected_batches >= 1, "{}", r.rejected_batches);
    assert!(r
        .samples
        .iter()
        .all(|t| *t >= MIN_TICKS_PER_BATCH * 1_000.0));
}

#[test]
fn a_paired_probe_keeps_a_pair_only_when_both_batches_span_the_minimum() {
    let clock = FakeClock {
        now_ns: Cell::new(0),
        tick_ns: 1_000,
        read_cost_ns: 0,
    };
    let mut e = engine(&clock, 1_000.0);
    e.cfg.iterations = 100;
    let live_batches = Cell::new(0u32);
    let live_cost = Cell::new(40u64);
    let r = complete(e.measure_paired(
        Probe::ReplayStep,
        |_| Ok(()),
        each(|_: &mut (), _| {
            clock.advance(50);
            Ok(())
        }),
        |_| {
            // Every 50th live batch is (impossibly) free: it spans no tick, so its pair must go.
            live_batches.set(live_batches.get() + 1);
            live_cost.set(if live_batches.get() % 50 == 0 { 0 } else { 40 });
            Ok(())
        },
        each(|_: &mut (), _| {
            clock.advance(live_cost.get());
            Ok(())
        }),
    ))
    .unwrap();
    let live = r.baseline_samples.clone().unwrap_or_default();
    assert_eq!((r.samples.len(), live.len()), (100, 100));
    assert!(r.rejected_batches >= 1, "{}", r.rejected_batches);
    let min = MIN_TICKS_PER_BATCH * 1_000.0;
    assert!(r.samples.iter().chain(&live).all(|t| *t >= min), "{live:?}");
}

#[test]
fn frozen_clock_is_an_error_not_a_hang() {
    let clock = FakeClock {
        now_ns: Cell::new(0),
        tick_ns: 1_000,
        read_cost_ns: 0,
    };
    let e = engine(&clock, 1_000.0);
    let r = complete(e.measure(Probe::SpawnJoin, |_| Ok(()), |_: &mut (), _| Ok(())));
    assert!(matches!(r, Err(HarnessError::Clock(_))));
}

#[test]
fn operation_errors_propagate() {
    let clock = FakeClock {
        now_ns: Cell::new(0),
        tick_ns: 1_000,
        read_cost_ns: 10,
    };
    let e = engine(&clock, 1_000.0);
    let r = complete(e.measure(
        Probe::SpawnJoin,
        |_| Ok(()),
        each(|_: &mut (), _| Err::<(), _>(AdapterError::ChannelClosed)),
    ));
    assert!(matches!(
        r,
        Err(HarnessError::Adapter(AdapterError::ChannelClosed))
    ));
}

/// Records every report (phase, done, total, values, attempt, restart); its pause returns at once.
#[derive(Default)]
struct Recorder(std::cell::RefCell<Vec<Report>>);

type Report = (
    crate::pace::Phase,
    u32,
    u32,
    usize,
    u32,
    Option<crate::pace::Restart>,
);

impl crate::pace::Pacer for &Recorder {
    fn pause(&self, p: &crate::pace::Progress<'_>) -> crate::pace::Pause {
        self.0.borrow_mut().push((
            p.phase,
            p.done,
            p.total,
            p.values_ns.len(),
            p.attempt,
            p.restart,
        ));
        Box::pin(std::future::ready(Ok(())))
    }
}

#[test]
fn yields_between_batches_reporting_each_value_once() {
    use crate::pace::{Phase, YIELD_EVERY_MS};
    let clock = FakeClock {
        now_ns: Cell::new(0),
        tick_ns: 1_000,
        read_cost_ns: 0,
    };
    let recorder = Recorder::default();
    let cfg = config(400, 1_000.0);
    let e = Engine::with_pacer(&clock, cfg, &recorder);
    // 1 ms per operation: batches of 256 (≥ 150 ticks) take 0.256 s, so every batch boundary is due.
    let r = reserve_send_at(&e, &clock, 1_000_000);
    let reports = recorder.0.borrow();
    let timed: Vec<_> = reports
        .iter()
        .filter(|(p, ..)| *p == Phase::TimedBatches)
        .collect();
    assert!(!timed.is_empty(), "{reports:?}");
    // Each report's values are the samples taken since the previous one: their sum is `done`.
    let mut seen = 0u32;
    for (_, done, total, fresh, attempt, restart) in &timed {
        assert_eq!((*attempt, *restart), (0, None), "no restart here");
        seen += *fresh as u32;
        assert_eq!(seen, *done);
        assert_eq!(*total, 400);
    }
    assert!(r.samples.len() == 400 && seen < 400);
    assert!(reports.iter().any(|(p, ..)| *p == Phase::PerOperation));
    // A batch of 0.256 s is longer than the interval, so no more than one yield per batch.
    assert!(timed.len() <= 400 && YIELD_EVERY_MS < 256.0);
}

/// An operation that gets 8x cheaper over its first `cold` calls (a JIT tiering up), then holds.
fn warming_op(clock: &FakeClock, calls: &Cell<u64>, cold: u64) -> u64 {
    let c = calls.get();
    calls.set(c + 1);
    let cost = if c < cold { 800 - 700 * c / cold } else { 100 };
    clock.advance(cost);
    cost
}

#[test]
fn warm_up_runs_until_the_cost_is_steady_and_regrows_the_batch() {
    let clock = FakeClock {
        now_ns: Cell::new(0),
        tick_ns: 1_000,
        read_cost_ns: 0,
    };
    let mut e = engine(&clock, 1_000.0);
    e.cfg.iterations = 50;
    e.cfg.warmup = 0;
    let calls = Cell::new(0u64);
    let r = complete(e.measure(
        Probe::ReserveSend,
        |_| Ok(()),
        each(|_: &mut (), _| Ok(warming_op(&clock, &calls, 20_000))),
    ))
    .unwrap();
    assert!(!r.warmup_unsteady);
    // Calibrated while slow (800 ns → ~256 ops), the batch doubled as the operation sped up, and
    // no timed batch was short: the warm state was reached before timing.
    assert!(r.batch_size >= 1024, "{}", r.batch_size);
    assert_eq!(r.rejected_batches, 0);
    assert!(
        r.warmup_batches >= 2 * STEADY_WINDOW as u32,
        "{}",
        r.warmup_batches
    );
    let per_op = r.per_op();
    assert!(per_op.iter().all(|v| (v - 100.0).abs() < 1.0), "{per_op:?}");
}

#[test]
fn a_cost_that_never_settles_is_measured_and_marked_unsteady() {
    let clock = FakeClock {
        now_ns: Cell::new(0),
        tick_ns: 1_000,
        read_cost_ns: 0,
    };
    let mut e = engine(&clock, 1_000.0);
    e.cfg.iterations = 20;
    let batches = Cell::new(0u64);
    let r = complete(e.measure(
        Probe::ReserveSend,
        |_| {
            batches.set(batches.get() + 1);
            Ok(())
        },
        each(|_: &mut (), _| {
            // 100 / 130 ns in alternating stretches of a window: no two windows agree within 2 %.
            let slow = (batches.get() / STEADY_WINDOW as u64) % 2 == 1;
            clock.advance(if slow { 130 } else { 100 });
            Ok(())
        }),
    ))
    .unwrap();
    assert!(r.warmup_unsteady);
    assert_eq!(r.warmup_batches, MAX_WARMUP_WINDOWS * STEADY_WINDOW as u32);
}

#[test]
fn every_probe_carries_its_speed_reference() {
    // Clock reads cost 1 ms, so a reference batch of one operation spans the minimum (100 µs).
    let clock = FakeClock::new(1_000, 1_000_000);
    let cfg = EngineConfig {
        iterations: 10,
        warmup: 3,
        tick_ns: 1_000.0,
        extra_work: 0.0,
        speed_reference: true,
    };
    let e = Engine::new(&clock, cfg);
    for _ in 0..2 {
        let r = reserve_send_at(&e, &clock, 1_000);
        let s = r.speed_reference.expect("a speed reference");
        assert!(s.samples.len() >= MIN_SPEED_SAMPLES, "{s:?}");
        assert!(s.samples.iter().all(|t| *t >= e.min_batch_ns()));
    }
    let mut off = cfg;
    off.speed_reference = false;
    let r = reserve_send_at(&Engine::new(&clock, off), &clock, 1_000);
    assert_eq!(r.speed_reference, None);
}

#[test]
fn a_restart_of_the_timed_samples_is_reported_at_once_and_counted_afresh() {
    use crate::pace::{Phase, RestartReason};
    let clock = FakeClock::new(1_000, 0);
    let recorder = Recorder::default();
    let cfg = config(2_000, 1_000.0);
    let e = Engine::with_pacer(&clock, cfg, &recorder);
    // 100 ns per operation, then from the 1500th batch on 40 ns: batches sized for 100 ns fall under
    // the minimum span, more than 5 % of them, so the batch doubles and the samples restart.
    let batches = Cell::new(0u32);
    let r = complete(e.measure(
        Probe::ReserveSend,
        |_| {
            batches.set(batches.get() + 1);
            Ok(())
        },
        each(|_: &mut (), _| {
            clock.advance(if batches.get() < 1_500 { 100 } else { 40 });
            Ok(())
        }),
    ))
    .unwrap();
    assert_eq!(r.samples.len(), 2_000);
    assert!(r.rejected_batches > 100, "{}", r.rejected_batches);
    let reports = recorder.0.borrow();
    let timed: Vec<_> = reports
        .iter()
        .filter(|(p, ..)| *p == Phase::TimedBatches)
        .collect();
    let restarts: Vec<_> = timed.iter().filter(|t| t.5.is_some()).collect();
    assert_eq!(restarts.len(), 1, "{timed:?}");
    let (_, done, total, fresh, attempt, restart) = restarts[0];
    let restart = restart.unwrap();
    assert_eq!((*done, *total, *fresh, *attempt), (0, 2_000, 0, 1));
    assert_eq!(restart.reason, RestartReason::ShortBatches);
    assert_eq!(restart.batch_size, r.batch_size);
    assert!(
        restart.discarded > 0 && restart.discarded < 2_000,
        "{restart:?}"
    );
    // Reports before it belong to set 0, after it to set 1; each set's values add up to its `done`.
    assert!(timed.iter().any(|t| t.4 == 0 && t.3 > 0), "{timed:?}");
    assert!(timed.iter().any(|t| t.4 == 1 && t.3 > 0), "{timed:?}");
    let mut seen = [0u32; 2];
    for (_, done, _, fresh, attempt, _) in &timed {
        seen[*attempt as usize] += *fresh as u32;
        assert_eq!(seen[*attempt as usize], *done);
    }
    assert!(timed.windows(2).all(|w| w[0].4 <= w[1].4));
}
