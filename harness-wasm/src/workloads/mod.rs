//! Workload dispatch: runs one (workload, seed) on an adapter and assembles the wire result.

pub mod cold;
pub mod memory;
pub mod steady;
pub mod storm;
pub mod streaming;

use serde::{Deserialize, Serialize};

use scenarios::protocol::{HEAP_WARMUP_OPS, MIN_ITERATIONS};
use scenarios::wire::{ClockInfo, ProbeResult, WireResult, WIRE_VERSION};
use scenarios::{Framework, Workload};

use crate::adapter::RuntimeAdapter;
use crate::clock::Clock;
use crate::engine::{Engine, EngineConfig};
use crate::error::HarnessError;
use crate::invariants::assert_quiescent;
use crate::pace::{yield_every_ms, Pacer};

/// Everything one scenario run needs besides the adapter and the clock.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub workload: Workload,
    pub framework: Framework,
    pub seed: u64,
    pub iterations: u32,
    pub warmup: u32,
    pub user_agent: String,
    pub clock: ClockInfo,
    /// TEST ONLY: a calibrated slowdown of every batched operation, percent (see `EngineConfig::extra_work`).
    pub slowdown_pct: Option<f64>,
}

/// What a page asks to run, as one object: the only scenario configuration the wasm boundary takes.
/// Iterations and warm-up default to the contract's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    pub workload: Workload,
    pub seed: u64,
    #[serde(default)]
    pub iterations: Option<u32>,
    #[serde(default)]
    pub warmup: Option<u32>,
    pub framework: Framework,
    pub user_agent: String,
    /// TEST ONLY: a calibrated slowdown, percent in [0, 1000], for detection-power benchmarks; the wire
    /// result says so (`injected_slowdown_pct`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slowdown_pct: Option<f64>,
}

impl ScenarioRequest {
    /// Iterations and warm-up, the contract's values where the page gave none: the one place the
    /// defaults are filled in.
    fn counts(&self) -> (u32, u32) {
        (
            self.iterations.unwrap_or(MIN_ITERATIONS),
            self.warmup.unwrap_or(HEAP_WARMUP_OPS),
        )
    }

    /// The request with its defaults filled in.
    pub fn resolved(self) -> Self {
        let (iterations, warmup) = self.counts();
        Self {
            iterations: Some(iterations),
            warmup: Some(warmup),
            ..self
        }
    }

    /// The run configuration on a page whose clock is `clock`.
    pub fn config(self, clock: ClockInfo) -> RunConfig {
        let (iterations, warmup) = self.counts();
        RunConfig {
            workload: self.workload,
            framework: self.framework,
            seed: self.seed,
            iterations,
            warmup,
            user_agent: self.user_agent,
            clock,
            slowdown_pct: self.slowdown_pct,
        }
    }
}

/// Runs every probe of a non-cold workload and returns the checked wire result.
pub async fn run<A: RuntimeAdapter, C: Clock, P: Pacer>(
    cfg: &RunConfig,
    clock: C,
    pacer: P,
) -> Result<WireResult, HarnessError> {
    if cfg.iterations == 0 {
        return Err(HarnessError::Input("iterations must be at least 1".into()));
    }
    let engine = Engine::with_pacer(
        clock,
        EngineConfig {
            iterations: cfg.iterations,
            warmup: cfg.warmup,
            tick_ns: cfg.clock.tick_ns,
            extra_work: (cfg.slowdown_pct.unwrap_or(0.0)
                + crate::built_slowdown_pct().unwrap_or(0.0))
                / 100.0,
            speed_reference: true,
        },
        pacer,
    );
    let mut adapter = A::start(cfg.seed)?;
    let probes = match cfg.workload {
        Workload::ColdStart => {
            return Err(HarnessError::Input(
                "cold-start is measured by the host page (fresh module per sample), not by run_scenario".into(),
            ))
        }
        Workload::SteadyThroughput => steady::run(&engine, &mut adapter, cfg.seed).await?,
        Workload::CancellationStorm => storm::run(&engine, &mut adapter, cfg.seed).await?,
        Workload::StreamingIo => streaming::run(&engine, &mut adapter, cfg.seed).await?,
        Workload::MemoryPressure => vec![memory::run(&mut adapter, cfg)?],
    };
    assert_quiescent(&adapter.invariants())?;
    let adapter_name = adapter.name();
    let mut w = assemble(cfg, adapter_name, probes)?;
    if cfg.workload != Workload::MemoryPressure {
        w.yield_every_ms = Some(yield_every_ms());
    }
    Ok(w)
}

/// Builds and checks the wire result (also used for cold-start samples measured by the page).
pub fn assemble(
    cfg: &RunConfig,
    adapter: &str,
    probes: Vec<ProbeResult>,
) -> Result<WireResult, HarnessError> {
    let w = WireResult {
        wire_version: WIRE_VERSION,
        harness_version: crate::HARNESS_VERSION.to_owned(),
        adapter: adapter.to_owned(),
        adapter_crate: None,
        workload: cfg.workload,
        framework: cfg.framework,
        profile: crate::profile()?,
        seed: cfg.seed,
        iterations: cfg.iterations,
        warmup: cfg.warmup,
        clock: cfg.clock.clone(),
        user_agent: cfg.user_agent.clone(),
        probes,
        injected_slowdown_pct: cfg.slowdown_pct,
        built_slowdown_pct: crate::built_slowdown_pct(),
        yield_every_ms: None,
        cold_frame_gc: None,
        cold_seeds_in_turn: None,
    };
    w.check()?;
    Ok(w)
}
