//! The machine-speed reference: a fixed wasm workload that touches no runtime code, timed beside every
//! batched probe (between its batches, at the engine's yields) so each record says how fast this
//! machine ran while it was measured. Runs of one build can then be compared across a machine that sped up or
//! slowed down between them; the reference is never part of a value.

use std::cell::{Cell, RefCell};
use std::hint::black_box;

use scenarios::protocol::MIN_TICKS_PER_BATCH;
use scenarios::wire::SpeedReference;

use crate::clock::Clock;

/// Words of the table one reference operation updates (64 KiB: the data cache, not only the ALU).
const TABLE_WORDS: usize = 1 << 14;
/// Rounds of seeded arithmetic and table updates in one reference operation.
const ROUNDS: u32 = 64;
/// Batches per calibration step; their median must span the target.
const CALIBRATION_BATCHES: usize = 5;
/// Untimed reference operations before calibration.
const WARMUP_OPS: u32 = 4096;
/// Calibration aims this far above the minimum span: a batch of ≥ 400 ticks reads its cost to
/// within 0.25 %.
const MARGIN: f64 = 4.0;
/// Largest reference batch calibration tries before giving the reference up (a clock that never
/// moves); enough for a 1 ms tick.
const MAX_BATCH: u32 = 1 << 22;
/// The reference may take at most 1/BUDGET of the wall time: a sample is due only when this many
/// reference batches' worth of time passed since the last one.
const BUDGET: f64 = 20.0;

/// The reference operation's state: a table and a xorshift word, both fixed at start.
struct Work {
    table: Vec<u32>,
    x: u32,
}

impl Work {
    fn new() -> Self {
        Self {
            table: (0..TABLE_WORDS as u32).collect(),
            x: 0x9E37_79B9,
        }
    }

    #[inline(never)]
    fn run(&mut self, n: u32) {
        let mut x = self.x;
        for _ in 0..n {
            for _ in 0..ROUNDS {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let i = x as usize & (TABLE_WORDS - 1);
                self.table[i] = self.table[i].wrapping_add(x).rotate_left(7);
            }
        }
        self.x = black_box(x ^ self.table[x as usize & (TABLE_WORDS - 1)]);
    }
}

/// Where the reference's batch size stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Size {
    Uncalibrated,
    Calibrated(u32),
    /// The clock did not span the minimum even at [`MAX_BATCH`]: no reference in this session.
    Unusable,
}

/// Takes reference samples on request, at most one [`BUDGET`]-th of the wall time, and hands them out
/// per probe.
pub struct SpeedSampler {
    /// Allocated on first use, so an engine that never samples (heap readings) never holds the table.
    work: RefCell<Option<Work>>,
    size: Cell<Size>,
    samples: RefCell<Vec<f64>>,
    /// Clock reading after the last sample (ms).
    last_ms: Cell<Option<f64>>,
    /// Wall time of the last reference batch (ms).
    cost_ms: Cell<f64>,
    max_batch: u32,
}

impl Default for SpeedSampler {
    fn default() -> Self {
        Self::new()
    }
}

impl SpeedSampler {
    pub fn new() -> Self {
        Self {
            work: RefCell::new(None),
            size: Cell::new(Size::Uncalibrated),
            samples: RefCell::new(Vec::new()),
            last_ms: Cell::new(None),
            cost_ms: Cell::new(0.0),
            max_batch: MAX_BATCH,
        }
    }

    fn time(&self, clock: &impl Clock, n: u32) -> f64 {
        let mut work = self.work.borrow_mut();
        let work = work.get_or_insert_with(Work::new);
        let t0 = clock.now_ms();
        work.run(n);
        let t1 = clock.now_ms();
        (t1 - t0) * 1e6
    }

    /// The batch size: doubled from 1 until the median of [`CALIBRATION_BATCHES`] batches spans the
    /// minimum ticks with margin (a median, so one batch slowed by a stall cannot size it).
    fn batch(&self, clock: &impl Clock, tick_ns: f64) -> Option<u32> {
        match self.size.get() {
            Size::Calibrated(n) => return Some(n),
            Size::Unusable => return None,
            Size::Uncalibrated => {}
        }
        let target = MIN_TICKS_PER_BATCH * tick_ns * MARGIN;
        // Untimed first, so calibration does not size the batch on code the engine has not tiered up.
        self.time(clock, WARMUP_OPS);
        let mut n = 1u32;
        while n <= self.max_batch {
            let mut t: Vec<f64> = (0..CALIBRATION_BATCHES)
                .map(|_| self.time(clock, n))
                .collect();
            t.sort_by(f64::total_cmp);
            if t[t.len() / 2] >= target {
                self.size.set(Size::Calibrated(n));
                return Some(n);
            }
            n *= 2;
        }
        self.size.set(Size::Unusable);
        None
    }

    /// One reference sample now, whether or not it is due. A batch under the minimum is dropped and
    /// the batch doubles (the reference got faster since calibration); the samples held restart at it.
    pub fn sample(&self, clock: &impl Clock, tick_ns: f64) {
        let Some(n) = self.batch(clock, tick_ns) else {
            return;
        };
        let t = self.time(clock, n);
        if t >= MIN_TICKS_PER_BATCH * tick_ns {
            self.samples.borrow_mut().push(t);
        } else if n < self.max_batch {
            self.size.set(Size::Calibrated(n * 2));
            self.samples.borrow_mut().clear();
        }
        self.cost_ms.set(t / 1e6);
        self.last_ms.set(Some(clock.now_ms()));
    }

    /// A sample if enough time passed since the last one that the reference stays within its share.
    pub fn sample_if_due(&self, clock: &impl Clock, tick_ns: f64) {
        let due = match self.last_ms.get() {
            None => true,
            Some(last) => clock.now_ms() - last >= self.cost_ms.get() * BUDGET,
        };
        if due {
            self.sample(clock, tick_ns);
        }
    }

    /// How many samples are held.
    pub fn len(&self) -> usize {
        self.samples.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The samples taken since the last call, for the probe they were taken beside (None without any).
    pub fn take(&self) -> Option<SpeedReference> {
        let Size::Calibrated(batch_size) = self.size.get() else {
            return None;
        };
        let samples = std::mem::take(&mut *self.samples.borrow_mut());
        (!samples.is_empty()).then_some(SpeedReference {
            batch_size,
            samples,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::fake::FakeClock;

    #[test]
    fn a_clock_that_never_moves_gives_no_reference_and_stops_trying() {
        let clock = FakeClock::new(5_000, 0);
        let s = SpeedSampler {
            max_batch: 1 << 10,
            ..SpeedSampler::new()
        };
        s.sample(&clock, 5_000.0);
        assert_eq!(s.size.get(), Size::Unusable);
        s.sample_if_due(&clock, 5_000.0);
        assert!(s.is_empty());
        assert_eq!(s.take(), None);
    }

    #[test]
    fn samples_span_the_minimum_and_are_handed_out_once() {
        // A clock whose reads cost 1 ms: a batch spans two reads, so calibration is about the clock.
        let clock = FakeClock::new(1_000, 1_000_000);
        let s = SpeedSampler::new();
        for _ in 0..3 {
            s.sample(&clock, 1_000.0);
        }
        let r = s.take().expect("samples");
        assert_eq!(r.samples.len(), 3);
        assert_eq!(r.batch_size, 1);
        assert!(r
            .samples
            .iter()
            .all(|t| *t >= MIN_TICKS_PER_BATCH * 1_000.0));
        assert_eq!(s.take(), None);
    }

    #[test]
    fn sampling_stays_within_its_share_of_the_time() {
        let clock = FakeClock::new(1_000, 1_000_000);
        let s = SpeedSampler::new();
        s.sample_if_due(&clock, 1_000.0);
        // Immediately after a sample nothing is due; after BUDGET × its cost, one is.
        s.sample_if_due(&clock, 1_000.0);
        assert_eq!(s.len(), 1);
        clock.advance(BUDGET as u64 * 1_000_000);
        s.sample_if_due(&clock, 1_000.0);
        assert_eq!(s.len(), 2);
    }
}

#[cfg(test)]
mod regrow {
    use super::*;
    use crate::clock::fake::FakeClock;

    #[test]
    fn a_batch_under_the_minimum_doubles_the_size_and_restarts_the_samples() {
        let clock = FakeClock::new(1_000, 1_000_000);
        let s = SpeedSampler::new();
        s.sample(&clock, 1_000.0);
        assert_eq!(s.len(), 1);
        // The clock's reads got cheaper: a batch of one now spans 20 µs, under the 100 µs minimum.
        let fast = FakeClock::new(1_000, 10_000);
        s.sample(&fast, 1_000.0);
        assert!(s.is_empty());
        assert_eq!(s.size.get(), Size::Calibrated(2));
    }
}
