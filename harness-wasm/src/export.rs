//! The bodies of the wasm-bindgen boundary, generic over the adapter: [`crate::export_harness!`]
//! expands, in the adapter's own crate, to one `#[wasm_bindgen]` function per body here. Errors
//! become `JsError` here and nowhere else.

use std::cell::OnceCell;

use wasm_bindgen::prelude::*;

use scenarios::wire::{AdapterCrate, ClockInfo};
use scenarios::Workload;

use crate::adapter::RuntimeAdapter;
use crate::clock::{cross_origin_isolated, measure_tick_ns, PageClock};
use crate::error::HarnessError;
use crate::pace::{Pacer, Pause, Progress};
use crate::workloads::{cold, run, ScenarioRequest};

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

/// Parses the page's scenario object (`ScenarioRequest`), defaults filled in.
fn request(json: &str) -> Result<ScenarioRequest, HarnessError> {
    let req = serde_json::from_str::<ScenarioRequest>(json)
        .map(ScenarioRequest::resolved)
        .map_err(|e| HarnessError::Input(format!("scenario options: {e}")))?;
    match req.slowdown_pct {
        Some(p) if !(p.is_finite() && (0.0..=1000.0).contains(&p)) => Err(HarnessError::Input(
            format!("slowdown_pct must be a percentage in [0, 1000], got {p}"),
        )),
        _ => Ok(req),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, JsError> {
    serde_json::to_string(v).map_err(|e| js(e.into()))
}

/// The budget profile this build is (`core-min`, `core-trace` or `full-dev`).
pub fn harness_profile() -> String {
    crate::planted::touch(1);
    crate::PROFILE_NAME.to_owned()
}

/// `CARGO_PKG_VERSION` of the harness.
pub fn harness_version() -> String {
    crate::HARNESS_VERSION.to_owned()
}

/// Whether this build has the trace/replay envelope.
pub fn trace_enabled() -> bool {
    crate::planted::touch(2);
    cfg!(feature = "trace")
}

/// The adapter crate `export_harness!` was expanded in: its package name and version, and the commit
/// `collector build` compiled in (`HARNESS_ADAPTER_COMMIT`, empty or unset when unknown).
pub fn adapter_crate(name: &str, version: &str, commit: Option<&str>) -> AdapterCrate {
    AdapterCrate {
        name: name.to_owned(),
        version: version.to_owned(),
        commit: commit.filter(|c| !c.is_empty()).map(str::to_owned),
    }
}

/// The measured adapter's name.
pub fn adapter_name<A: RuntimeAdapter>() -> Result<String, JsError> {
    Ok(A::start(0).map_err(|e| js(e.into()))?.name().to_owned())
}

/// `{"tick_ns":…,"cross_origin_isolated":…}`; the tick is measured once per module instance.
pub fn clock_info() -> Result<String, JsError> {
    let c = clock().map_err(js)?;
    serde_json::to_string(&c).map_err(|e| js(e.into()))
}

/// Checks a scenario object (`{workload, seed, iterations?, warmup?, framework, user_agent}`) and
/// returns it with the contract's defaults filled in; every other scenario export takes this object.
pub fn scenario_request(options_json: &str) -> Result<String, JsError> {
    to_json(&request(options_json).map_err(js)?)
}

/// Runs one non-cold scenario (a `scenario_request` object) and resolves to the wire JSON
/// (`scenarios::wire::WireResult`). Between timed batches, at most every `pace::YIELD_EVERY_MS`, the
/// engine calls `pause(progress_json)` and awaits what it returns (the page's yield to the event loop):
/// `{workload, seed, probe, phase, done, total, values_ns}`, `values_ns` the per-operation values since
/// the last report.
pub async fn run_scenario<A: RuntimeAdapter>(
    request_json: String,
    pause: js_sys::Function,
    krate: AdapterCrate,
) -> Result<String, JsError> {
    let cfg = request(&request_json)
        .map_err(js)?
        .config(clock().map_err(js)?);
    let pacer = JsPacer {
        pause,
        workload: cfg.workload,
        seed: cfg.seed,
    };
    let mut w = run::<A, _, _>(&cfg, PageClock, pacer).await.map_err(js)?;
    w.adapter_crate = Some(krate);
    log(|| {
        w.probes
            .iter()
            .map(|p| format!("{} {} batch {}", cfg.workload, p.probe, p.batch_size))
            .collect::<Vec<_>>()
            .join(", ")
    });
    to_json(&w)
}

/// The page's pacer: a JS function called with the progress JSON; the engine awaits its result.
struct JsPacer {
    pause: js_sys::Function,
    workload: Workload,
    seed: u64,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    workload: Workload,
    seed: u64,
    #[serde(flatten)]
    progress: &'a Progress<'a>,
}

impl Pacer for JsPacer {
    fn pause(&self, progress: &Progress<'_>) -> Pause {
        let report = Report {
            workload: self.workload,
            seed: self.seed,
            progress,
        };
        let called = serde_json::to_string(&report)
            .map_err(HarnessError::from)
            .and_then(|json| {
                self.pause
                    .call1(&JsValue::NULL, &JsValue::from_str(&json))
                    .map_err(|e| HarnessError::Input(format!("pause callback threw: {e:?}")))
            });
        Box::pin(async move {
            let returned = called?;
            let promise = js_sys::Promise::resolve(&returned);
            wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .map(drop)
                .map_err(|e| HarnessError::Input(format!("pause callback rejected: {e:?}")))
        })
    }
}

/// Sets how often the engine yields to the page, ms (a paired run's turn length, `www/sdk/src/pair.js`);
/// returns the previous interval so the page can restore it.
pub fn set_yield_every_ms(ms: f64) -> Result<f64, JsError> {
    crate::pace::set_yield_every_ms(ms).map_err(js)
}

/// In a freshly instantiated module: starts the runtime and completes one task.
/// Returns `[runtime_start_ms, first_task_ms]`.
pub fn cold_start_probe<A: RuntimeAdapter>(seed: f64) -> Result<Vec<f64>, JsError> {
    init();
    if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0) {
        return Err(js(HarnessError::Input(format!(
            "seed must be a non-negative integer, got {seed}"
        ))));
    }
    let m = crate::workloads::cold::probe::<A>(seed as u64).map_err(js)?;
    Ok(vec![m.runtime_start_ms, m.first_task_ms])
}

/// How many cold-start samples the page takes for a `scenario_request` object:
/// `{"warmup": capped warm-up, "samples": warm-up + iterations}`.
pub fn cold_start_plan(request_json: &str) -> Result<String, JsError> {
    let cfg = request(request_json)
        .map_err(js)?
        .config(clock().map_err(js)?);
    to_json(&cold::plan(cfg.iterations, cfg.warmup).map_err(js)?)
}

/// The cold-start wire JSON from the page-measured samples (`[{"<phase>_ms": ms, …}, …]`, warm-up
/// first, as `cold_start_plan` said): warm-up dropped, phases clamped at 0, converted and summed here.
/// `frame_gc`: the page forced a full garbage collection after every frame of samples;
/// `seeds_in_turn`: how many seeds' frames the page took in turns in this call.
pub fn cold_start_wire<A: RuntimeAdapter>(
    request_json: &str,
    phases_json: &str,
    frame_gc: bool,
    seeds_in_turn: u32,
    krate: AdapterCrate,
) -> Result<String, JsError> {
    let cfg = request(request_json)
        .map_err(js)?
        .config(clock().map_err(js)?);
    let phases: Vec<cold::Phases> = serde_json::from_str(phases_json).map_err(|e| js(e.into()))?;
    let adapter = A::start(cfg.seed).map_err(|e| js(e.into()))?;
    let mut w =
        cold::assemble_cold(&cfg, adapter.name(), &phases, frame_gc, seeds_in_turn).map_err(js)?;
    w.adapter_crate = Some(krate);
    to_json(&w)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(cb: &js_sys::Function, ms: i32) -> JsValue;
}

/// Resolves after `ms` through the event loop.
async fn sleep_ms(ms: u32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, i32::try_from(ms).unwrap_or(i32::MAX));
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Runs the conformance suite (`crate::conformance`) for `seed` against the adapter, the event loop
/// running between its two steps, and resolves to its report (`scenarios::conformance::ConformanceReport`).
pub async fn conformance<A: RuntimeAdapter>(seed: f64) -> Result<String, JsError> {
    init();
    if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0) {
        return Err(js(HarnessError::Input(format!(
            "seed must be a non-negative integer, got {seed}"
        ))));
    }
    if !crate::conformance::BUILT {
        return Err(js(HarnessError::Input(
            "this is a measured module, built without the conformance suite (linked in, it would change \
             the code being timed); the suite is in the profile's conformance module, \
             dist/<profile>/conformance/ (`collector build` writes it)"
                .into(),
        )));
    }
    let suite = crate::conformance::start::<A>(seed as u64);
    sleep_ms(suite.wait_ms()).await;
    to_json(&suite.finish())
}

/// The contract's workloads, in order.
pub fn workloads() -> Vec<String> {
    Workload::ALL
        .iter()
        .map(|w| w.as_str().to_owned())
        .collect()
}

/// The contract's seed set.
pub fn seed_set() -> Vec<f64> {
    scenarios::protocol::SEED_SET
        .iter()
        .map(|s| *s as f64)
        .collect()
}

/// Default timed samples per seed (contract section 6.2).
pub fn min_iterations() -> u32 {
    scenarios::protocol::MIN_ITERATIONS
}

/// Default warm-up operations (contract section 6.5).
pub fn default_warmup() -> u32 {
    scenarios::protocol::HEAP_WARMUP_OPS
}
