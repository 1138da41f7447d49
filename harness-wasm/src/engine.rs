//! The measurement engine: warm-up, batch calibration against the clock tick, loop overhead, timed batches.
//!
//! A timed batch is `prepare(n)` (untimed) → clock read → `run(state, n)` → clock read → drop (untimed).

use std::collections::BTreeMap;
use std::hint::black_box;

use scenarios::protocol::MIN_TICKS_PER_BATCH;
use scenarios::wire::{ProbeResult, SampleUnit};
use scenarios::Probe;

use crate::clock::Clock;
use crate::error::{AdapterError, HarnessError};

/// Calibration aims this far above the minimum span, so noise does not push batches below it.
pub const CALIBRATION_MARGIN: f64 = 1.5;
/// Confirmation batches after calibration; each must span the minimum times [`CONFIRM_MARGIN`].
const CONFIRM_BATCHES: usize = 3;
const CONFIRM_MARGIN: f64 = 1.2;
/// Largest batch the calibration will try before declaring the clock unusable.
pub const MAX_BATCH: u32 = 1 << 26;
/// Empty batches whose median is the loop overhead.
const OVERHEAD_BATCHES: usize = 7;
/// Warm-up until steady: batches of the calibrated size in windows of this many; the cost is steady
/// when one window's median is within [`STEADY_TOLERANCE`] of the previous window's.
const STEADY_WINDOW: usize = 8;
const STEADY_TOLERANCE: f64 = 0.02;
/// Windows the steady warm-up may take before the probe is measured anyway (and marked unsteady).
const MAX_WARMUP_WINDOWS: u32 = 40;

/// How the warm-up until steady ended: batches it ran, and whether the cost settled before the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub batches: u32,
    pub steady: bool,
}

/// How to run a probe.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Timed samples per probe.
    pub iterations: u32,
    /// Untimed operations before calibration.
    pub warmup: u32,
    /// Measured clock tick, ns.
    pub tick_ns: f64,
    /// TEST ONLY (detection-power benchmarks): extra operations run inside each timed batch, as a
    /// fraction of the batch (0.1 = a batch of n does n + n/10 operations and is still divided by n,
    /// a calibrated +10 % per-operation slowdown). 0 in every real measurement.
    pub extra_work: f64,
}

/// The clock and the protocol.
pub struct Engine<C: Clock> {
    clock: C,
    cfg: EngineConfig,
}

type Res<T> = Result<T, AdapterError>;

impl<C: Clock> Engine<C> {
    pub fn new(clock: C, cfg: EngineConfig) -> Self {
        Self { clock, cfg }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// The shortest a timed batch may be: [`MIN_TICKS_PER_BATCH`] ticks.
    pub fn min_batch_ns(&self) -> f64 {
        MIN_TICKS_PER_BATCH * self.cfg.tick_ns
    }

    /// One timed batch of `n` operations; returns its wall time in ns.
    #[inline(always)]
    pub fn time_batch<S, R>(
        &self,
        n: u32,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Res<f64> {
        let m = n.saturating_add((f64::from(n) * self.cfg.extra_work).round() as u32);
        let mut state = prepare(m)?;
        let t0 = self.clock.now_ms();
        let out = run(&mut state, m);
        let t1 = self.clock.now_ms();
        let out = out?;
        drop(black_box(out));
        drop(state);
        Ok((t1 - t0) * 1e6)
    }

    /// Doubles the batch from 1 until one batch spans the minimum with margin; returns its size.
    pub fn calibrate<S, R>(
        &self,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<u32, HarnessError> {
        let target = self.min_batch_ns() * CALIBRATION_MARGIN;
        let mut n = 1u32;
        loop {
            let t = self.time_batch(n, prepare, run)?;
            if t >= target {
                // Confirm: faster later batches (JIT tier-up, caches) must still span the minimum.
                let mut ok = true;
                for _ in 0..CONFIRM_BATCHES {
                    if self.time_batch(n, prepare, run)? < self.min_batch_ns() * CONFIRM_MARGIN {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    return Ok(n);
                }
            }
            if n >= MAX_BATCH {
                return Err(HarnessError::Clock(format!(
                    "a batch of {n} operations took {t} ns, under {target} ns: the clock is not usable"
                )));
            }
            n = n.saturating_mul(2).min(MAX_BATCH);
        }
    }

    /// Median wall time of an empty batch of `n` iterations (the loop and the two clock reads).
    pub fn loop_overhead_ns(&self, n: u32) -> f64 {
        let mut v: Vec<f64> = (0..OVERHEAD_BATCHES)
            .map(|_| {
                let t0 = self.clock.now_ms();
                for i in 0..n {
                    black_box(i);
                }
                let t1 = self.clock.now_ms();
                (t1 - t0) * 1e6
            })
            .collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    fn warm_up<S, R>(
        &self,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Res<()> {
        if self.cfg.warmup > 0 {
            self.time_batch(self.cfg.warmup, prepare, run)?;
        }
        Ok(())
    }

    /// Warm-up until steady: windows of [`STEADY_WINDOW`] batches of `n` until a window's median is
    /// within [`STEADY_TOLERANCE`] of the previous one (JIT tier-up, caches and allocator growth have
    /// settled), at most [`MAX_WARMUP_WINDOWS`]. A window whose median fell under the confirmation span
    /// (the operation got faster since calibration) doubles the batch and starts the comparison over,
    /// so the timed batches begin at a size that spans the minimum on a warm operation.
    pub fn settle<S, R>(
        &self,
        mut n: u32,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<(u32, Settled), HarnessError> {
        let mut previous: Option<f64> = None;
        let mut windows = 0u32;
        loop {
            let mut w = (0..STEADY_WINDOW)
                .map(|_| self.time_batch(n, prepare, run))
                .collect::<Res<Vec<f64>>>()?;
            w.sort_by(f64::total_cmp);
            let median = w[w.len() / 2];
            windows += 1;
            let batches = windows * STEADY_WINDOW as u32;
            if median < self.min_batch_ns() * CONFIRM_MARGIN {
                n = self.grow(n)?;
                previous = None;
            } else if previous.is_some_and(|p| (median / p - 1.0).abs() <= STEADY_TOLERANCE) {
                return Ok((
                    n,
                    Settled {
                        batches,
                        steady: true,
                    },
                ));
            } else {
                previous = Some(median);
            }
            if windows >= MAX_WARMUP_WINDOWS {
                return Ok((
                    n,
                    Settled {
                        batches,
                        steady: false,
                    },
                ));
            }
        }
    }

    /// Warm-up, calibration, warm-up until steady, then `iterations` timed batches (each checked
    /// against the minimum span), the loop overhead and the per-operation view.
    pub fn measure<S, R>(
        &self,
        probe: Probe,
        mut prepare: impl FnMut(u32) -> Res<S>,
        mut run: impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<ProbeResult, HarnessError> {
        self.warm_up(&mut prepare, &mut run)?;
        let n = self.calibrate(&mut prepare, &mut run)?;
        let (mut n, settled) = self.settle(n, &mut prepare, &mut run)?;
        let mut rejected = 0u32;
        loop {
            let mut samples = Vec::with_capacity(self.cfg.iterations as usize);
            let mut shortfall = 0u32;
            while samples.len() < self.cfg.iterations as usize && shortfall <= self.reject_limit() {
                let t = self.time_batch(n, &mut prepare, &mut run)?;
                if t >= self.min_batch_ns() {
                    samples.push(t);
                } else {
                    shortfall += 1;
                }
            }
            rejected += shortfall;
            if samples.len() == self.cfg.iterations as usize {
                let overhead = self.loop_overhead_ns(n);
                let mut r = timed(probe, n, overhead, samples, None);
                r.rejected_batches = rejected;
                r.warmup_batches = settled.batches;
                r.warmup_unsteady = !settled.steady;
                r.per_op_samples = Some(self.single_operations(&mut prepare, &mut run)?);
                return Ok(r);
            }
            n = self.grow(n)?;
        }
    }

    /// The per-operation view: `iterations` operations, each timed alone between two clock reads
    /// (quantized to the tick; a reading of k ticks bounds the operation within ±1 tick).
    fn single_operations<S, R>(
        &self,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<Vec<f64>, HarnessError> {
        (0..self.cfg.iterations)
            .map(|_| self.time_batch(1, prepare, run).map_err(HarnessError::from))
            .collect()
    }

    /// Timed batches shorter than the minimum a probe may reject before its batch doubles: 5 %.
    fn reject_limit(&self) -> u32 {
        self.cfg.iterations / 20
    }

    /// The next batch size after too many short batches (the samples restart at it).
    fn grow(&self, n: u32) -> Result<u32, HarnessError> {
        if n >= MAX_BATCH {
            return Err(HarnessError::Clock(format!(
                "batches of {n} operations keep falling under {} ns: the clock is not usable",
                self.min_batch_ns()
            )));
        }
        Ok(n.saturating_mul(2).min(MAX_BATCH))
    }

    /// Like [`Engine::measure`] for a relative probe: `a` is measured, `b` is its baseline; same
    /// batch size (calibrated on `a`), batches alternate so drift hits both alike.
    pub fn measure_paired<SA, RA, SB, RB>(
        &self,
        probe: Probe,
        mut prepare_a: impl FnMut(u32) -> Res<SA>,
        mut run_a: impl FnMut(&mut SA, u32) -> Res<RA>,
        mut prepare_b: impl FnMut(u32) -> Res<SB>,
        mut run_b: impl FnMut(&mut SB, u32) -> Res<RB>,
    ) -> Result<ProbeResult, HarnessError> {
        self.warm_up(&mut prepare_a, &mut run_a)?;
        self.warm_up(&mut prepare_b, &mut run_b)?;
        let n = self.calibrate(&mut prepare_a, &mut run_a)?;
        // Both sides settle; the measured side's size rules (the baseline only ever needs it as large).
        let (na, settled) = self.settle(n, &mut prepare_a, &mut run_a)?;
        let (nb, _) = self.settle(na, &mut prepare_b, &mut run_b)?;
        let mut n = na.max(nb);
        let cap = self.cfg.iterations as usize;
        let mut rejected = 0u32;
        loop {
            let (mut a, mut b) = (Vec::with_capacity(cap), Vec::with_capacity(cap));
            let mut shortfall = 0u32;
            let mut i = 0u32;
            while a.len() < cap && shortfall <= self.reject_limit() {
                let (ta, tb) = if i % 2 == 0 {
                    let ta = self.time_batch(n, &mut prepare_a, &mut run_a)?;
                    (ta, self.time_batch(n, &mut prepare_b, &mut run_b)?)
                } else {
                    let tb = self.time_batch(n, &mut prepare_b, &mut run_b)?;
                    (self.time_batch(n, &mut prepare_a, &mut run_a)?, tb)
                };
                i += 1;
                // The measured batch must span the minimum; its pair is dropped with it.
                if ta >= self.min_batch_ns() {
                    a.push(ta);
                    b.push(tb);
                } else {
                    shortfall += 1;
                }
            }
            rejected += shortfall;
            if a.len() == cap {
                let overhead = self.loop_overhead_ns(n);
                let mut r = timed(probe, n, overhead, a, Some(b));
                r.rejected_batches = rejected;
                r.warmup_batches = settled.batches;
                r.warmup_unsteady = !settled.steady;
                return Ok(r);
            }
            n = self.grow(n)?;
        }
    }
}

fn timed(
    probe: Probe,
    batch_size: u32,
    loop_overhead_ns: f64,
    samples: Vec<f64>,
    baseline_samples: Option<Vec<f64>>,
) -> ProbeResult {
    ProbeResult {
        probe,
        unit: SampleUnit::Ns,
        batch_size,
        loop_overhead_ns,
        samples,
        baseline_samples,
        components: BTreeMap::new(),
        rejected_batches: 0,
        per_op_samples: None,
        warmup_batches: 0,
        warmup_unsteady: false,
    }
}

/// Turns a per-operation closure into a batch runner: the loop is the only thing around the operation.
#[inline(always)]
pub fn each<S, R>(mut op: impl FnMut(&mut S, u32) -> Res<R>) -> impl FnMut(&mut S, u32) -> Res<()> {
    move |state, n| {
        for i in 0..n {
            black_box(op(state, i)?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::fake::FakeClock;
    use std::cell::Cell;

    fn engine(clock: &FakeClock, tick: f64) -> Engine<&FakeClock> {
        Engine::new(
            clock,
            EngineConfig {
                iterations: 10,
                warmup: 3,
                tick_ns: tick,
                extra_work: 0.0,
            },
        )
    }

    impl Clock for &FakeClock {
        fn now_ms(&self) -> f64 {
            (**self).now_ms()
        }
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
            let r = e
                .measure(
                    Probe::ReserveSend,
                    |_| Ok(()),
                    each(|_: &mut (), _| {
                        clock.advance(op_ns);
                        Ok(())
                    }),
                )
                .unwrap();
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
            let r = e
                .measure(
                    Probe::ReserveSend,
                    |_| Ok(()),
                    each(|_: &mut (), _| {
                        clock.advance(1000);
                        Ok(())
                    }),
                )
                .unwrap();
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
        let r = e
            .measure(
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
            )
            .unwrap();
        assert_eq!(r.samples.len(), 100);
        assert!(r.rejected_batches >= 1, "{}", r.rejected_batches);
        assert!(r
            .samples
            .iter()
            .all(|t| *t >= MIN_TICKS_PER_BATCH * 1_000.0));
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
        let r = e
            .measure(
                Probe::ReserveSend,
                |_| Ok(()),
                each(|_: &mut (), _| Ok(warming_op(&clock, &calls, 20_000))),
            )
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
        let r = e
            .measure(
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
            )
            .unwrap();
        assert!(r.warmup_unsteady);
        assert_eq!(r.warmup_batches, MAX_WARMUP_WINDOWS * STEADY_WINDOW as u32);
    }

    #[test]
    fn frozen_clock_is_an_error_not_a_hang() {
        let clock = FakeClock {
            now_ns: Cell::new(0),
            tick_ns: 1_000,
            read_cost_ns: 0,
        };
        let e = engine(&clock, 1_000.0);
        let r = e.measure(Probe::SpawnJoin, |_| Ok(()), |_: &mut (), _| Ok(()));
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
        let r = e.measure(
            Probe::SpawnJoin,
            |_| Ok(()),
            each(|_: &mut (), _| Err::<(), _>(AdapterError::ChannelClosed)),
        );
        assert!(matches!(
            r,
            Err(HarnessError::Adapter(AdapterError::ChannelClosed))
        ));
    }
}
