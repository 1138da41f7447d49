//! The wasm-bindgen boundary: JS-callable functions; errors become `JsError` here and nowhere else.

use std::cell::OnceCell;

use wasm_bindgen::prelude::*;

use scenarios::wire::ClockInfo;
use scenarios::{Framework, Workload};

use crate::adapter::RuntimeAdapter;
use crate::clock::{cross_origin_isolated, measure_tick_ns, PageClock};
use crate::error::HarnessError;
use crate::reference::ReferenceAdapter;
use crate::workloads::cold::{assemble_cold, ColdSamples};
use crate::workloads::{run, RunConfig};

thread_local! {
    static CLOCK: OnceCell<ClockInfo> = const { OnceCell::new() };
}

#[cfg(feature = "diagnostics")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(s: &str);
}

/// Diagnostics-only logging (compiled out without feature `diagnostics`).
fn log(_msg: impl FnOnce() -> String) {
    #[cfg(feature = "diagnostics")]
    console_log(&format!("[harness-wasm] {}", _msg()));
}

fn init() {
    #[cfg(feature = "diagnostics")]
    console_error_panic_hook::set_once();
}

fn js(e: HarnessError) -> JsError {
    JsError::new(&e.to_string())
}

fn clock() -> Result<ClockInfo, HarnessError> {
    init();
    if let Some(c) = CLOCK.with(|c| c.get().cloned()) {
        return Ok(c);
    }
    let info = ClockInfo {
        tick_ns: measure_tick_ns(&PageClock, 30, 20_000_000)?,
        cross_origin_isolated: cross_origin_isolated(),
    };
    log(|| format!("clock: {info:?}"));
    CLOCK.with(|c| {
        let _ = c.set(info.clone());
    });
    Ok(info)
}

fn seed_from(seed: f64) -> Result<u64, HarnessError> {
    if seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= 9_007_199_254_740_991.0 {
        Ok(seed as u64)
    } else {
        Err(HarnessError::Input(format!(
            "seed must be a non-negative integer, got {seed}"
        )))
    }
}

fn config(
    workload: &str,
    seed: f64,
    iterations: u32,
    warmup: u32,
    framework: &str,
    user_agent: &str,
) -> Result<RunConfig, HarnessError> {
    Ok(RunConfig {
        workload: workload
            .parse::<Workload>()
            .map_err(|e| HarnessError::Input(e.to_string()))?,
        framework: framework
            .parse::<Framework>()
            .map_err(|e| HarnessError::Input(e.to_string()))?,
        seed: seed_from(seed)?,
        iterations,
        warmup,
        user_agent: user_agent.to_owned(),
        clock: clock()?,
    })
}

/// The budget profile this build is (`core-min`, `core-trace` or `full-dev`).
#[wasm_bindgen]
pub fn harness_profile() -> String {
    crate::PROFILE_NAME.to_owned()
}

/// `CARGO_PKG_VERSION` of the harness.
#[wasm_bindgen]
pub fn harness_version() -> String {
    crate::HARNESS_VERSION.to_owned()
}

/// Whether this build has the trace/replay envelope.
#[wasm_bindgen]
pub fn trace_enabled() -> bool {
    cfg!(feature = "trace")
}

/// The measured adapter's name.
#[wasm_bindgen]
pub fn adapter_name() -> Result<String, JsError> {
    Ok(ReferenceAdapter::start(0)
        .map_err(|e| js(e.into()))?
        .name()
        .to_owned())
}

/// `{"tick_ns":…,"cross_origin_isolated":…}`; the tick is measured once per module instance.
#[wasm_bindgen]
pub fn clock_info() -> Result<String, JsError> {
    let c = clock().map_err(js)?;
    serde_json::to_string(&c).map_err(|e| js(e.into()))
}

/// Runs one non-cold (workload, seed) and returns the wire JSON (`scenarios::wire::WireResult`).
#[wasm_bindgen]
pub fn run_scenario(
    workload: &str,
    seed: f64,
    iterations: u32,
    warmup: u32,
    framework: &str,
    user_agent: &str,
) -> Result<String, JsError> {
    let cfg = config(workload, seed, iterations, warmup, framework, user_agent).map_err(js)?;
    let w = run::<ReferenceAdapter, _>(&cfg, PageClock).map_err(js)?;
    log(|| {
        w.probes
            .iter()
            .map(|p| format!("{} {} batch {}", cfg.workload, p.probe, p.batch_size))
            .collect::<Vec<_>>()
            .join(", ")
    });
    serde_json::to_string(&w).map_err(|e| js(e.into()))
}

/// In a freshly instantiated module: starts the runtime and completes one task.
/// Returns `[runtime_start_ms, first_task_ms]`.
#[wasm_bindgen]
pub fn cold_start_probe(seed: f64) -> Result<Vec<f64>, JsError> {
    init();
    let seed = seed_from(seed).map_err(js)?;
    let m = crate::workloads::cold::probe::<ReferenceAdapter>(seed).map_err(js)?;
    Ok(vec![m.runtime_start_ms, m.first_task_ms])
}

/// Assembles page-measured cold-start samples (`{"samples":[ns…],"components":{name:[ns…]}}`)
/// into the wire JSON, so the format has one source.
#[wasm_bindgen]
pub fn cold_start_wire(
    seed: f64,
    iterations: u32,
    warmup: u32,
    framework: &str,
    user_agent: &str,
    measured_json: &str,
) -> Result<String, JsError> {
    let cfg = config(
        "cold-start",
        seed,
        iterations,
        warmup,
        framework,
        user_agent,
    )
    .map_err(js)?;
    let measured: ColdSamples = serde_json::from_str(measured_json).map_err(|e| js(e.into()))?;
    let name = ReferenceAdapter::start(cfg.seed).map_err(|e| js(e.into()))?;
    let w = assemble_cold(&cfg, name.name(), measured).map_err(js)?;
    serde_json::to_string(&w).map_err(|e| js(e.into()))
}

/// Per-probe per-op p95 of one wire result (`[{probe, metric, unit, batch_size, p95, …}]`) for the
/// page's live table; `environment` picks the metric (cold-init is M-PERF-02A or 02B).
#[wasm_bindgen]
pub fn summarize_wire(wire_json: &str, environment: &str) -> Result<String, JsError> {
    let w: scenarios::wire::WireResult =
        serde_json::from_str(wire_json).map_err(|e| js(e.into()))?;
    let env = environment
        .parse::<scenarios::Environment>()
        .map_err(|e| js(HarnessError::Input(e.to_string())))?;
    let s = crate::summary::summarize(&w, env).map_err(js)?;
    serde_json::to_string(&s).map_err(|e| js(e.into()))
}

/// The contract's workloads, in order.
#[wasm_bindgen]
pub fn workloads() -> Vec<String> {
    Workload::ALL
        .iter()
        .map(|w| w.as_str().to_owned())
        .collect()
}

/// The contract's seed set.
#[wasm_bindgen]
pub fn seed_set() -> Vec<f64> {
    scenarios::protocol::SEED_SET
        .iter()
        .map(|s| *s as f64)
        .collect()
}

/// Default timed samples per seed (contract section 6.2).
#[wasm_bindgen]
pub fn min_iterations() -> u32 {
    scenarios::protocol::MIN_ITERATIONS
}

/// Default warm-up operations (contract section 6.5).
#[wasm_bindgen]
pub fn default_warmup() -> u32 {
    scenarios::protocol::HEAP_WARMUP_OPS
}
