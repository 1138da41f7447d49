//! cold-start: the in-module part of a cold start (runtime start → first completed task) and the
//! assembly of the page-measured `cold-init` samples into a wire result.

use std::collections::BTreeMap;

use serde::Deserialize;

use scenarios::wire::{ProbeResult, SampleUnit, WireResult};
use scenarios::{Probe, Workload};

use crate::adapter::RuntimeAdapter;
use crate::clock::now_ms;
use crate::error::HarnessError;
use crate::workloads::{assemble, RunConfig};

/// Phases measured inside the fresh module, in ms.
#[derive(Debug, Clone, Copy)]
pub struct InModule {
    pub runtime_start_ms: f64,
    pub first_task_ms: f64,
}

/// Starts a runtime and completes its first task, timing both phases.
pub fn probe<A: RuntimeAdapter>(seed: u64) -> Result<InModule, HarnessError> {
    let t0 = now_ms();
    let mut adapter = A::start(seed)?;
    let t1 = now_ms();
    adapter.open_scope()?;
    let joined = adapter.spawn_join(1);
    adapter.close_scope()?;
    joined?;
    let t2 = now_ms();
    Ok(InModule {
        runtime_start_ms: t1 - t0,
        first_task_ms: t2 - t1,
    })
}

/// What the page measured: one total per sample (ns) and its phases (ns), same lengths.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColdSamples {
    pub samples: Vec<f64>,
    #[serde(default)]
    pub components: BTreeMap<String, Vec<f64>>,
}

/// Builds the cold-start wire result from page-measured samples (batch size 1, no loop overhead).
pub fn assemble_cold(
    cfg: &RunConfig,
    adapter: &str,
    measured: ColdSamples,
) -> Result<WireResult, HarnessError> {
    if cfg.workload != Workload::ColdStart {
        return Err(HarnessError::Input(format!(
            "cold-start samples given for workload {}",
            cfg.workload
        )));
    }
    let probe = ProbeResult {
        probe: Probe::ColdInit,
        unit: SampleUnit::Ns,
        batch_size: 1,
        loop_overhead_ns: 0.0,
        samples: measured.samples,
        baseline_samples: None,
        components: measured.components,
    };
    assemble(cfg, adapter, vec![probe])
}
