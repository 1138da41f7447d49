//! The page clock: `performance.now()` (or `Instant` natively), its measured tick, and cross-origin isolation.

use crate::error::HarnessError;

#[cfg(target_arch = "wasm32")]
mod host {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        pub fn performance_now() -> f64;
    }
}

/// Milliseconds from an arbitrary origin, as `performance.now()` reports them.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
pub fn now_ms() -> f64 {
    host::performance_now()
}

/// Milliseconds since the first call (native builds).
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// `globalThis.crossOriginIsolated` (false natively or when absent).
pub fn cross_origin_isolated() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// A monotonic millisecond clock; the engine is generic over it so its logic is testable.
pub trait Clock {
    fn now_ms(&self) -> f64;
}

impl<C: Clock + ?Sized> Clock for &C {
    #[inline(always)]
    fn now_ms(&self) -> f64 {
        (**self).now_ms()
    }
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageClock;

impl Clock for PageClock {
    #[inline(always)]
    fn now_ms(&self) -> f64 {
        now_ms()
    }
}

/// Reads the clock until it steps, `rounds` times; returns the smallest non-zero step in ns.
///
/// Fails if the clock never moves within `max_reads` reads per round.
pub fn measure_tick_ns<C: Clock>(
    clock: &C,
    rounds: u32,
    max_reads: u64,
) -> Result<f64, HarnessError> {
    let mut best = f64::INFINITY;
    for _ in 0..rounds.max(1) {
        let start = clock.now_ms();
        let mut reads = 0u64;
        let step = loop {
            let t = clock.now_ms();
            if t > start {
                break t - start;
            }
            reads += 1;
            if reads >= max_reads {
                return Err(HarnessError::Clock(format!(
                    "performance.now() did not advance in {max_reads} reads"
                )));
            }
        };
        best = best.min(step);
    }
    Ok(best * 1e6)
}

#[cfg(test)]
pub(crate) mod fake {
    //! A deterministic clock for engine tests: time advances only when told to.
    use std::cell::Cell;

    pub struct FakeClock {
        pub now_ns: Cell<u64>,
        /// Quantum the clock reports in, like a coarsened `performance.now()`.
        pub tick_ns: u64,
        /// Added on every read, so a spin loop eventually sees a step.
        pub read_cost_ns: u64,
    }

    impl FakeClock {
        /// A clock at 0 that reports in `tick_ns` steps and advances `read_cost_ns` on every read.
        pub fn new(tick_ns: u64, read_cost_ns: u64) -> Self {
            Self {
                now_ns: Cell::new(0),
                tick_ns,
                read_cost_ns,
            }
        }

        pub fn advance(&self, ns: u64) {
            self.now_ns.set(self.now_ns.get() + ns);
        }
    }

    impl super::Clock for FakeClock {
        fn now_ms(&self) -> f64 {
            self.advance(self.read_cost_ns);
            let q = self.now_ns.get() / self.tick_ns * self.tick_ns;
            q as f64 / 1e6
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeClock;
    use super::*;
    use std::cell::Cell;

    #[test]
    fn tick_is_the_smallest_step() {
        let c = FakeClock {
            now_ns: Cell::new(0),
            tick_ns: 100_000,
            read_cost_ns: 7,
        };
        let t = measure_tick_ns(&c, 5, 1_000_000).unwrap();
        assert!((t - 100_000.0).abs() < 1.0, "{t}");
        let frozen = FakeClock {
            now_ns: Cell::new(0),
            tick_ns: 1,
            read_cost_ns: 0,
        };
        assert!(measure_tick_ns(&frozen, 1, 100).is_err());
    }
}
