//! The statistic against an oracle with a known answer, in the real browser clock: a test-only operation
//! with a seeded bimodal cost. A slow mode the clock can see must set the p95; one below the clock's
//! resolution must be reported as such rather than as a p95 the clock cannot see.

use std::cell::Cell;
use std::hint::black_box;

use harness_wasm::clock::{Clock, PageClock};
use harness_wasm::engine::{each, Engine, EngineConfig};
use harness_wasm::pace::complete;
use scenarios::stats::{nearest_rank, seed_p95, tail_resolution_ns, two_views, View};
use scenarios::Probe;
use wasm_bindgen_test::*;

use super::clock_info;

/// Share of slow operations: above the 5 % a p95 leaves out, so the p95 is the slow mode.
const SLOW_EVERY: u64 = 100;
const SLOW_OF_EVERY: u64 = 6;

/// Busy-waits `ns` on the page clock: the slow mode's cost.
fn spin(ns: f64) {
    let t0 = PageClock.now_ms();
    while (PageClock.now_ms() - t0) * 1e6 < ns {
        black_box(0);
    }
}

fn engine(iterations: u32, tick_ns: f64) -> Engine<PageClock> {
    Engine::new(
        PageClock,
        EngineConfig {
            iterations,
            warmup: 20,
            tick_ns,
            extra_work: 0.0,
            speed_reference: false,
        },
    )
}

/// Measures the bimodal operation (both views) and each mode alone (its true cost, batch means).
fn measure(slow_ns: f64, tick_ns: f64) -> (f64, f64, Vec<f64>, Vec<f64>) {
    let counter = Cell::new(0u64);
    let bimodal = complete(engine(300, tick_ns).measure(
        Probe::TimeoutArmCancel,
        |_| Ok(()),
        each(|_: &mut (), _| {
            // A seeded pattern (a hash of the operation's index), 6 % slow.
            let i = counter.get();
            counter.set(i + 1);
            if (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % SLOW_EVERY < SLOW_OF_EVERY {
                spin(slow_ns);
            }
            Ok(())
        }),
    ))
    .expect("bimodal measured");
    let slow_only = complete(engine(20, tick_ns).measure(
        Probe::TimeoutArmCancel,
        |_| Ok(()),
        each(|_: &mut (), _| {
            spin(slow_ns);
            Ok(())
        }),
    ))
    .expect("slow mode measured");
    // The slow mode's true cost: the median batch mean of batches of only that mode.
    let true_slow = nearest_rank(&slow_only.per_op(), 0.5);
    let batch = seed_p95(0, &bimodal.per_op()).unwrap().p95;
    let single = bimodal.per_op_samples.clone().expect("per-op view");
    (true_slow, batch, bimodal.per_op(), single)
}

#[wasm_bindgen_test]
fn a_slow_mode_the_clock_sees_sets_the_p95() {
    let tick = clock_info().tick_ns;
    let (true_slow, batch_p95, batch_means, single) = measure(10.0 * tick, tick);
    // The batch view alone (the method before the per-op view) reports about the mean: far below.
    assert!(
        batch_p95 < 0.5 * true_slow,
        "batch {batch_p95} vs slow {true_slow}"
    );
    let v = two_views(0, &batch_means, &single, tick).unwrap();
    assert_eq!(v.view, View::PerOp, "{v:?}");
    let err = v.value / true_slow - 1.0;
    console_log!(
        "oracle: tick {tick} ns, slow mode {true_slow:.0} ns, batch-view p95 {batch_p95:.0} ns, reported p95 {:.0} ns ({:+.1} %)",
        v.value,
        err * 100.0
    );
    assert!(
        err.abs() <= 0.15,
        "p95 {} vs slow mode {true_slow} ({:+.1} %)",
        v.value,
        err * 100.0
    );
}

#[wasm_bindgen_test]
fn a_slow_mode_below_the_clock_is_reported_as_unseen() {
    let tick = clock_info().tick_ns;
    let (true_slow, _, batch_means, single) = measure(0.3 * tick, tick);
    assert!(
        true_slow < tail_resolution_ns(tick),
        "{true_slow} vs tick {tick}"
    );
    let v = two_views(0, &batch_means, &single, tick).unwrap();
    assert!(v.tail_below_resolution, "{v:?}");
    assert_eq!(v.view, View::Batch);
}
