//! cold-start: the in-module part of a cold start (runtime start → first completed task) and the
//! assembly of the page-measured `cold-init` samples into a wire result.

use std::collections::BTreeMap;

use serde::Serialize;

use scenarios::protocol::COLD_INIT_GATE_PHASES;
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

/// Warm-up samples of a cold start are capped: each one is a whole module instantiation.
pub const MAX_WARMUP: u32 = 10;

/// How many samples one cold start takes: the (capped) warm-up first, then the timed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColdPlan {
    pub warmup: u32,
    pub samples: u32,
}

/// The samples to take for `iterations` timed ones after (at most [`MAX_WARMUP`]) `warmup` ones.
pub fn plan(iterations: u32, warmup: u32) -> Result<ColdPlan, HarnessError> {
    if iterations == 0 {
        return Err(HarnessError::Input(
            "cold-start: iterations must be at least 1 (no timed samples)".into(),
        ));
    }
    let warmup = warmup.min(MAX_WARMUP);
    Ok(ColdPlan {
        warmup,
        samples: warmup + iterations,
    })
}

/// One sample as the page measured it: phase name (`<phase>_ms`) → milliseconds.
pub type Phases = BTreeMap<String, f64>;

/// The timed samples: one total per sample (ns) and its phases (`<phase>_ns`), same lengths.
#[derive(Debug, Clone, PartialEq)]
pub struct ColdSamples {
    pub samples: Vec<f64>,
    pub components: BTreeMap<String, Vec<f64>>,
}

/// Drops the warm-up samples; each phase is clamped at 0 (clock jitter) and converted to ns. A
/// sample's total is the sum of its gate phases ([`COLD_INIT_GATE_PHASES`], each of which it must
/// report); every phase, transfer included, is kept as a component.
pub fn timed_samples(plan: ColdPlan, measured: &[Phases]) -> Result<ColdSamples, HarnessError> {
    let bad = |m: String| Err(HarnessError::Input(format!("cold-start samples: {m}")));
    if measured.len() != plan.samples as usize {
        return bad(format!(
            "{} given, {} expected ({} warm-up)",
            measured.len(),
            plan.samples,
            plan.warmup
        ));
    }
    let timed = &measured[plan.warmup as usize..];
    let names: Vec<&String> = timed[0].keys().collect();
    if let Some(missing) = COLD_INIT_GATE_PHASES
        .iter()
        .find(|g| !names.iter().any(|n| n.strip_suffix("_ms") == Some(**g)))
    {
        return bad(format!(
            "no `{missing}_ms` phase: the gate value is {} (ms each)",
            COLD_INIT_GATE_PHASES.join(" + ")
        ));
    }
    let mut out = ColdSamples {
        samples: Vec::with_capacity(timed.len()),
        components: BTreeMap::new(),
    };
    for (i, phases) in timed.iter().enumerate() {
        if phases.keys().ne(names.iter().copied()) {
            return bad(format!("sample {i} has other phases than the first"));
        }
        let mut total = 0.0;
        for (name, ms) in phases {
            let Some(stem) = name.strip_suffix("_ms") else {
                return bad(format!("phase `{name}` does not end in _ms"));
            };
            if !ms.is_finite() {
                return bad(format!("phase `{name}` of sample {i} is {ms}"));
            }
            let ns = ms.max(0.0) * 1e6;
            if COLD_INIT_GATE_PHASES.contains(&stem) {
                total += ns;
            }
            out.components
                .entry(format!("{stem}_ns"))
                .or_default()
                .push(ns);
        }
        out.samples.push(total);
    }
    Ok(out)
}

/// Builds the cold-start wire result from page-measured phases (batch size 1, no loop overhead).
/// `cfg.warmup` is the requested warm-up; the wire records the capped one, and whether the page
/// collected garbage between frames (`frame_gc`) and how many seeds took turns in its call
/// (`seeds_in_turn`, at least 1).
pub fn assemble_cold(
    cfg: &RunConfig,
    adapter: &str,
    measured: &[Phases],
    frame_gc: bool,
    seeds_in_turn: u32,
) -> Result<WireResult, HarnessError> {
    if cfg.workload != Workload::ColdStart {
        return Err(HarnessError::Input(format!(
            "cold-start samples given for workload {}",
            cfg.workload
        )));
    }
    let plan = plan(cfg.iterations, cfg.warmup)?;
    let timed = timed_samples(plan, measured)?;
    let probe = ProbeResult {
        probe: Probe::ColdInit,
        unit: SampleUnit::Ns,
        batch_size: 1,
        loop_overhead_ns: 0.0,
        samples: timed.samples,
        baseline_samples: None,
        components: timed.components,
        rejected_batches: 0,
        warmup_batches: 0,
        warmup_unsteady: false,
        per_op_samples: None,
        speed_reference: None,
    };
    let cfg = RunConfig {
        warmup: plan.warmup,
        ..cfg.clone()
    };
    let mut w = assemble(&cfg, adapter, vec![probe])?;
    w.cold_frame_gc = Some(frame_gc);
    w.cold_seeds_in_turn = Some(seeds_in_turn.max(1));
    Ok(w)
}
