//! The measurement engine: warm-up, batch calibration against the clock tick, loop overhead, timed batches.
//!
//! A timed batch is `prepare(n)` (untimed) → clock read → `run(state, n)` → clock read → drop (untimed).
//! Between two batches (never inside one) the engine may yield to the event loop (`crate::pace`).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::hint::black_box;

use scenarios::protocol::MIN_TICKS_PER_BATCH;
use scenarios::wire::{per_op, ProbeResult, SampleUnit, SpeedReference};
use scenarios::Probe;

use crate::clock::Clock;
use crate::error::{AdapterError, HarnessError};
use crate::pace::{yield_every_ms, NoPause, Pacer, Phase, Progress, Restart, RestartReason};
use crate::speed::SpeedSampler;

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
/// Machine-speed reference samples every probe carries at least.
const MIN_SPEED_SAMPLES: usize = 5;

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
    /// Whether the machine-speed reference (`crate::speed`) is timed beside every probe.
    pub speed_reference: bool,
}

/// The clock, the protocol and the pacer that hands the event loop back between batches.
pub struct Engine<C: Clock, P: Pacer = NoPause> {
    clock: C,
    cfg: EngineConfig,
    pacer: P,
    /// Clock reading at the last yield (None before the first check).
    last_yield_ms: Cell<Option<f64>>,
    /// The current probe's set of timed samples (`Progress::attempt`): 0 until a restart.
    attempt: Cell<u32>,
    speed: SpeedSampler,
}

type Res<T> = Result<T, AdapterError>;

impl<C: Clock> Engine<C> {
    pub fn new(clock: C, cfg: EngineConfig) -> Self {
        Engine::with_pacer(clock, cfg, NoPause)
    }
}

impl<C: Clock, P: Pacer> Engine<C, P> {
    pub fn with_pacer(clock: C, cfg: EngineConfig, pacer: P) -> Self {
        Self {
            clock,
            cfg,
            pacer,
            last_yield_ms: Cell::new(None),
            attempt: Cell::new(0),
            speed: SpeedSampler::new(),
        }
    }

    /// Between two batches: whether the yield interval (`pace::yield_every_ms`) passed since the last yield.
    fn due(&self) -> bool {
        let now = self.clock.now_ms();
        match self.last_yield_ms.get() {
            Some(last) => now - last >= yield_every_ms(),
            None => {
                self.last_yield_ms.set(Some(now));
                false
            }
        }
    }

    /// The report of `probe` in `phase`, in the current set of timed samples.
    fn progress<'v>(
        &self,
        probe: Probe,
        phase: Phase,
        (done, total): (u32, u32),
        values_ns: &'v [f64],
    ) -> Progress<'v> {
        Progress {
            probe,
            phase,
            done,
            total,
            values_ns,
            attempt: self.attempt.get(),
            restart: None,
        }
    }

    /// Discards the timed samples taken so far: the next set starts at `batch_size`, and the page is
    /// told at once (an explicit report, never left for a consumer to infer).
    async fn restart(
        &self,
        probe: Probe,
        total: u32,
        batch_size: u32,
        discarded: usize,
    ) -> Result<(), HarnessError> {
        self.attempt.set(self.attempt.get() + 1);
        let mut p = self.progress(probe, Phase::TimedBatches, (0, total), &[]);
        p.restart = Some(Restart {
            reason: RestartReason::ShortBatches,
            batch_size,
            discarded: discarded as u32,
        });
        self.pause(p).await
    }

    /// Yields to the event loop, reporting `progress`, takes a machine-speed reference sample if one
    /// is due, and restarts the interval.
    async fn pause(&self, progress: Progress<'_>) -> Result<(), HarnessError> {
        self.pacer.pause(&progress).await?;
        if self.cfg.speed_reference {
            self.speed.sample_if_due(&self.clock, self.cfg.tick_ns);
        }
        self.last_yield_ms.set(Some(self.clock.now_ms()));
        Ok(())
    }

    /// The reference samples taken since the last probe, topped up to [`MIN_SPEED_SAMPLES`] now (a
    /// probe shorter than a few yields took fewer).
    fn speed_reference(&self) -> Option<SpeedReference> {
        if !self.cfg.speed_reference {
            return None;
        }
        for _ in self.speed.len()..MIN_SPEED_SAMPLES {
            self.speed.sample(&self.clock, self.cfg.tick_ns);
        }
        self.speed.take()
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
    pub async fn calibrate<S, R>(
        &self,
        probe: Probe,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<u32, HarnessError> {
        let target = self.min_batch_ns() * CALIBRATION_MARGIN;
        let mut n = 1u32;
        loop {
            if self.due() {
                self.pause(self.progress(probe, Phase::Calibration, (0, 0), &[]))
                    .await?;
            }
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
    pub async fn settle<S, R>(
        &self,
        probe: Probe,
        mut n: u32,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<(u32, Settled), HarnessError> {
        let mut previous: Option<f64> = None;
        let mut windows = 0u32;
        loop {
            if self.due() {
                let at = (windows, MAX_WARMUP_WINDOWS);
                self.pause(self.progress(probe, Phase::WarmUp, at, &[]))
                    .await?;
            }
            let mut w = (0..STEADY_WINDOW)
                .map(|_| self.time_batch(n, prepare, run))
                .collect::<Res<Vec<f64>>>()?;
            w.sort_by(f64::total_cmp);
            let median = w[w.len() / 2];
            windows += 1;
            let settled = |steady| Settled {
                batches: windows * STEADY_WINDOW as u32,
                steady,
            };
            if median < self.min_batch_ns() * CONFIRM_MARGIN {
                n = self.grow(n)?;
                previous = None;
            } else if previous.is_some_and(|p| (median / p - 1.0).abs() <= STEADY_TOLERANCE) {
                return Ok((n, settled(true)));
            } else {
                previous = Some(median);
            }
            if windows >= MAX_WARMUP_WINDOWS {
                return Ok((n, settled(false)));
            }
        }
    }

    /// Warm-up, calibration, warm-up until steady, then `iterations` timed batches (each checked
    /// against the minimum span, with the loop overhead), then the per-operation view.
    pub async fn measure<S, R>(
        &self,
        probe: Probe,
        mut prepare: impl FnMut(u32) -> Res<S>,
        mut run: impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<ProbeResult, HarnessError> {
        self.attempt.set(0);
        self.warm_up(&mut prepare, &mut run)?;
        let n = self.calibrate(probe, &mut prepare, &mut run).await?;
        let (mut n, settled) = self.settle(probe, n, &mut prepare, &mut run).await?;
        let mut rejected = 0u32;
        let total = self.cfg.iterations;
        loop {
            let overhead = self.loop_overhead_ns(n);
            let mut samples = Vec::with_capacity(total as usize);
            let (mut shortfall, mut sent) = (0u32, 0usize);
            while samples.len() < total as usize && shortfall <= self.reject_limit() {
                if self.due() {
                    let fresh = per_op(&samples[sent..], overhead, n);
                    let done = samples.len() as u32;
                    self.pause(self.progress(probe, Phase::TimedBatches, (done, total), &fresh))
                        .await?;
                    sent = samples.len();
                }
                let t = self.time_batch(n, &mut prepare, &mut run)?;
                if t >= self.min_batch_ns() {
                    samples.push(t);
                } else {
                    shortfall += 1;
                }
            }
            rejected += shortfall;
            if samples.len() == total as usize {
                let mut r = timed(probe, n, overhead, samples, None);
                r.rejected_batches = rejected;
                r.warmup_batches = settled.batches;
                r.warmup_unsteady = !settled.steady;
                let singles = self.single_operations(probe, &mut prepare, &mut run);
                r.per_op_samples = Some(singles.await?);
                r.speed_reference = self.speed_reference();
                return Ok(r);
            }
            n = self.grow(n)?;
            self.restart(probe, total, n, samples.len()).await?;
        }
    }

    /// The per-operation view: `iterations` operations, each timed alone between two clock reads
    /// (quantized to the tick; a reading of k ticks bounds the operation within ±1 tick).
    async fn single_operations<S, R>(
        &self,
        probe: Probe,
        prepare: &mut impl FnMut(u32) -> Res<S>,
        run: &mut impl FnMut(&mut S, u32) -> Res<R>,
    ) -> Result<Vec<f64>, HarnessError> {
        let total = self.cfg.iterations;
        let mut out = Vec::with_capacity(total as usize);
        while out.len() < total as usize {
            if self.due() {
                // Tick-quantized readings are not the plotted per-op values: none are reported.
                let done = out.len() as u32;
                self.pause(self.progress(probe, Phase::PerOperation, (done, total), &[]))
                    .await?;
            }
            out.push(self.time_batch(1, prepare, run)?);
        }
        Ok(out)
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
    pub async fn measure_paired<SA, RA, SB, RB>(
        &self,
        probe: Probe,
        mut prepare_a: impl FnMut(u32) -> Res<SA>,
        mut run_a: impl FnMut(&mut SA, u32) -> Res<RA>,
        mut prepare_b: impl FnMut(u32) -> Res<SB>,
        mut run_b: impl FnMut(&mut SB, u32) -> Res<RB>,
    ) -> Result<ProbeResult, HarnessError> {
        self.attempt.set(0);
        self.warm_up(&mut prepare_a, &mut run_a)?;
        self.warm_up(&mut prepare_b, &mut run_b)?;
        let n = self.calibrate(probe, &mut prepare_a, &mut run_a).await?;
        // Both sides settle; the measured side's size rules (the baseline only ever needs it as large).
        let (na, settled) = self.settle(probe, n, &mut prepare_a, &mut run_a).await?;
        let (nb, _) = self.settle(probe, na, &mut prepare_b, &mut run_b).await?;
        let mut n = na.max(nb);
        let cap = self.cfg.iterations as usize;
        let mut rejected = 0u32;
        loop {
            let overhead = self.loop_overhead_ns(n);
            let (mut a, mut b) = (Vec::with_capacity(cap), Vec::with_capacity(cap));
            let (mut shortfall, mut sent) = (0u32, 0usize);
            let mut i = 0u32;
            while a.len() < cap && shortfall <= self.reject_limit() {
                if self.due() {
                    let fresh = per_op(&a[sent..], overhead, n);
                    let done = a.len() as u32;
                    let at = (done, cap as u32);
                    self.pause(self.progress(probe, Phase::TimedBatches, at, &fresh))
                        .await?;
                    sent = a.len();
                }
                let (ta, tb) = if i % 2 == 0 {
                    let ta = self.time_batch(n, &mut prepare_a, &mut run_a)?;
                    (ta, self.time_batch(n, &mut prepare_b, &mut run_b)?)
                } else {
                    let tb = self.time_batch(n, &mut prepare_b, &mut run_b)?;
                    (self.time_batch(n, &mut prepare_a, &mut run_a)?, tb)
                };
                i += 1;
                // Both batches of a pair must span the minimum (the live one is timed too); a pair
                // with a short batch is dropped whole and counted.
                if ta >= self.min_batch_ns() && tb >= self.min_batch_ns() {
                    a.push(ta);
                    b.push(tb);
                } else {
                    shortfall += 1;
                }
            }
            rejected += shortfall;
            if a.len() == cap {
                let mut r = timed(probe, n, overhead, a, Some(b));
                r.rejected_batches = rejected;
                r.warmup_batches = settled.batches;
                r.warmup_unsteady = !settled.steady;
                r.speed_reference = self.speed_reference();
                return Ok(r);
            }
            n = self.grow(n)?;
            self.restart(probe, cap as u32, n, a.len()).await?;
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
        speed_reference: None,
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
mod tests;
