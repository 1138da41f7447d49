//! The live page's pictures from page-tools: one distribution plot per (workload, probe) with the gate's
//! lines, the running seed's bar judged on its p95 so far, finished seeds from their wire's per-op values.

use page_tools::live_view::{finished_samples, pictures, ChartsRequest};
use scenarios::wire::WireResult;
use serde_json::{json, Value};

const BUDGETS: &str = include_str!("../../ci/wasm_perf_budgets.json");

fn request(samples: Value, results: Value) -> ChartsRequest {
    let budgets: Value = serde_json::from_str(BUDGETS).unwrap();
    serde_json::from_value(json!({
        "budgets": budgets, "profile": "core-min", "environment": "desktop-chromium",
        "results": results, "samples": samples,
    }))
    .expect("the page's request")
}

#[test]
fn a_running_seed_is_plotted_and_barred_on_its_values_so_far() {
    // 1000 ns per operation, 5 % at 20 µs: the p95 so far is 1 µs, within 04A's 8 µs target.
    let values: Vec<f64> = (0..100)
        .map(|i| if i < 95 { 1000.0 } else { 20_000.0 })
        .collect();
    let samples = json!([{"workload": "steady-throughput", "probe": "reserve-send", "seed": 11,
                          "values": values}]);
    let p = pictures(&request(samples, json!([]))).unwrap();
    assert_eq!(p.distributions.len(), 1);
    assert_eq!(p.distributions[0].key, "steady-throughput/reserve-send");
    let svg = &p.distributions[0].svg;
    for text in [
        "seed 11",
        "target 8 µs",
        "hard 12 µs",
        "04A steady-throughput reserve-send",
    ] {
        assert!(svg.contains(text), "{text} in the plot");
    }
    let bars = p.bars.expect("a bar for the running seed");
    assert!(bars.contains("(seed 11, running)"), "{bars}");
    assert!(bars.contains("fill=\"#2E7D32\""), "1 µs passes: green");
}

#[test]
fn no_values_no_bars_and_unknown_fields_are_refused() {
    let p = pictures(&request(json!([]), json!([]))).unwrap();
    assert!(p.distributions.is_empty() && p.bars.is_none());
    let bad = json!({"budgets": null, "profile": "core-min", "environment": "desktop-chromium",
                     "results": [], "samples": [], "extra": 1});
    assert!(serde_json::from_value::<ChartsRequest>(bad).is_err());
}

#[test]
fn a_finished_seed_is_plotted_from_its_wire_like_the_report() {
    let wire: WireResult = serde_json::from_value(json!({
        "wire_version": scenarios::wire::WIRE_VERSION, "harness_version": "0", "adapter": "a",
        "workload": "memory-pressure", "framework": "vanilla-js", "profile": "core-min", "seed": 29,
        "iterations": 3, "warmup": 0, "clock": {"tick_ns": 5000.0, "cross_origin_isolated": true},
        "user_agent": "ua",
        "probes": [{"probe": "heap", "unit": "bytes", "batch_size": 1, "loop_overhead_ns": 0.0,
                    "samples": [1048576.0, 2097152.0, 3145728.0]}]
    }))
    .unwrap();
    let done = finished_samples(&wire);
    assert_eq!(done.len(), 1);
    assert!(done[0].finished);
    assert_eq!(done[0].values, [1048576.0, 2097152.0, 3145728.0]);
    let samples = serde_json::to_value(&done).unwrap();
    let p = pictures(&request(samples, json!([]))).unwrap();
    let svg = &p.distributions[0].svg;
    assert!(svg.contains("MiB"), "bytes stay bytes on the axis");
    assert!(
        p.bars.is_none(),
        "a finished seed without its summary has no bar"
    );
}
