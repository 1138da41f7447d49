//! The wasm-bindgen boundary of the page tools: JSON in, JSON or SVG out; errors become `JsError` here.

use wasm_bindgen::prelude::*;

use crate::ToolsError;

fn js(e: ToolsError) -> JsError {
    JsError::new(&e.to_string())
}

/// Each probe of one wire result reduced as the collector reduces a seed (`scenarios::live::SeedSummary`:
/// p95 in the metric's unit); `environment` picks the metric (cold-init is M-PERF-02A or 02B).
#[wasm_bindgen]
pub fn summarize_wire(wire_json: &str, environment: &str) -> Result<String, JsError> {
    crate::table::summarize_wire(wire_json, environment).map_err(js)
}

/// The page's live table (`scenarios::live::LiveRequest` → `[LiveRow]`): per-seed values, their
/// median and the status the gate gives it, with the cells to show.
#[wasm_bindgen]
pub fn live_rows(request_json: &str) -> Result<String, JsError> {
    crate::table::live_rows(request_json).map_err(js)
}

/// The live table's column headings (the order of `LiveRow.cells`).
#[wasm_bindgen]
pub fn live_headings() -> Vec<String> {
    scenarios::live::HEADINGS
        .iter()
        .map(|h| (*h).to_owned())
        .collect()
}

/// What the gate says of one value (`scenarios::live::Judgement`): `budgets_json` as served at
/// `/ci/wasm_perf_budgets.json`, `value` in the metric's unit.
#[wasm_bindgen]
pub fn judge_value(
    budgets_json: &str,
    profile: &str,
    environment: &str,
    metric: &str,
    value: f64,
) -> Result<String, JsError> {
    crate::table::judge_value(budgets_json, profile, environment, metric, value).map_err(js)
}

/// The live pictures (`live_view::ChartsRequest` → `{distributions: [{key, svg}], bars}`).
#[wasm_bindgen]
pub fn live_charts(request_json: &str) -> Result<String, JsError> {
    crate::live_view::live_charts(request_json).map_err(js)
}

/// A finished seed's samples, every probe (`[LiveSamples]`: per-op values as the report plots them).
#[wasm_bindgen]
pub fn finished_samples(wire_json: &str) -> Result<String, JsError> {
    crate::live_view::finished_samples_json(wire_json).map_err(js)
}

/// The progress line (`progress::ProgressRequest` → text).
#[wasm_bindgen]
pub fn progress_line(request_json: &str) -> Result<String, JsError> {
    crate::progress::progress_line(request_json).map_err(js)
}
