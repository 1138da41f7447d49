//! memory-pressure: `heap`, linear-memory bytes sampled after each operation of a seeded
//! allocation-heavy workload, once the warm-up operations have run.
//!
//! The JS heap is left out: browsers only give a coarse (bucketed) or asynchronous figure.

use std::collections::BTreeMap;

use scenarios::protocol::HEAP_SAMPLES;
use scenarios::wire::{ProbeResult, SampleUnit};
use scenarios::Probe;

use crate::adapter::RuntimeAdapter;
use crate::error::HarnessError;
use crate::rng::SeedRng;
use crate::workloads::streaming::chunks;
use crate::workloads::RunConfig;

/// Component name of the linear-memory reading.
pub const LINEAR_MEMORY: &str = "wasm_linear_memory_bytes";
/// Component name of the bytes the workload itself keeps alive at the sample.
pub const RETAINED: &str = "workload_retained_bytes";

/// Bytes of this module's linear memory (`wasm_bindgen::memory()`'s buffer).
#[cfg(target_arch = "wasm32")]
pub fn linear_memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buf: js_sys::ArrayBuffer = mem.buffer().unchecked_into();
    f64::from(buf.byte_length())
}

/// Natively there is no linear memory; report 0 (native runs only check the shape).
#[cfg(not(target_arch = "wasm32"))]
pub fn linear_memory_bytes() -> f64 {
    0.0
}

/// The seeded workload: streams chunks and keeps a rolling window of them alive.
struct Churn {
    rng: SeedRng,
    window: Vec<crate::adapter::Chunk>,
    width: usize,
}

impl Churn {
    fn new(seed: u64) -> Self {
        let mut rng = SeedRng::fork(seed, 0x4EA9);
        let width = rng.range(32, 256) as usize;
        Self {
            rng,
            window: Vec::with_capacity(width),
            width,
        }
    }

    fn step<A: RuntimeAdapter>(&mut self, adapter: &mut A) -> Result<(), HarnessError> {
        let k = self.rng.range(4, 32);
        let input = chunks(&mut self.rng, k);
        for c in adapter.stream(input)? {
            if self.window.len() < self.width {
                self.window.push(c);
            } else {
                let i = self.rng.below(self.width as u64) as usize;
                self.window[i] = c;
            }
        }
        adapter.open_scope()?;
        let spawned = adapter.spawn_join(self.rng.range(8, 64));
        adapter.close_scope()?;
        spawned?;
        Ok(())
    }

    fn retained(&self) -> f64 {
        self.window.iter().map(|c| c.len() as f64).sum()
    }
}

/// Warm-up operations, then one reading after each of `min(iterations, HEAP_SAMPLES)` operations.
pub fn run<A: RuntimeAdapter>(
    adapter: &mut A,
    cfg: &RunConfig,
) -> Result<ProbeResult, HarnessError> {
    let mut churn = Churn::new(cfg.seed);
    for _ in 0..cfg.warmup {
        churn.step(adapter)?;
    }
    let n = cfg.iterations.min(HEAP_SAMPLES) as usize;
    let mut samples = Vec::with_capacity(n);
    let mut retained = Vec::with_capacity(n);
    for _ in 0..n {
        churn.step(adapter)?;
        samples.push(linear_memory_bytes());
        retained.push(churn.retained());
    }
    let mut components = BTreeMap::new();
    components.insert(LINEAR_MEMORY.to_owned(), samples.clone());
    components.insert(RETAINED.to_owned(), retained);
    Ok(ProbeResult {
        probe: Probe::Heap,
        unit: SampleUnit::Bytes,
        batch_size: 1,
        loop_overhead_ns: 0.0,
        samples,
        baseline_samples: None,
        components,
        rejected_batches: 0,
        warmup_batches: 0,
        warmup_unsteady: false,
        per_op_samples: None,
        speed_reference: None,
    })
}
