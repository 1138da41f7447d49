//! Confirm-by-rerun and the noise floor end to end in real headless Chromium: a record that would fail is
//! measured again in a fresh session and the verdict rests on the confirmation; `collector noise` measures
//! one build twice and writes each record's spread.

mod common;

use serde_json::{json, Value};

use common::{assert_nothing_left, collector, marker, read, SERIAL};

#[test]
fn a_breach_is_measured_again_and_the_verdict_rests_on_the_confirmation() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    // A baseline no real measurement can be within 10 % of: 04A regresses, so it must be confirmed.
    let base = d.path().join("baseline.json");
    let record = json!({
        "commit": "old", "profile": "core-min", "environment": "desktop-chromium",
        "metric_id": "M-PERF-04A", "value": 0.000001, "unit": "us", "threshold_warn": 8.0,
        "threshold_hard": 12.0, "status": "pass", "seed_set": [11], "commands": ["t"],
        "artifact_paths": [], "detail": {"workload": "steady-throughput", "framework": "vanilla-js"}
    });
    std::fs::write(
        &base,
        json!({"schema_version": 1, "records": [record]}).to_string(),
    )
    .unwrap();
    let artifacts = d.path().join("a");
    let mark = marker();
    let run = |confirm: &str| {
        let mut c = collector(&artifacts, &mark);
        c.args([
            "--workload",
            "steady-throughput",
            "--seeds",
            "11",
            "--iterations",
            "200",
        ])
        .arg("--baseline")
        .arg(&base)
        .args(["--confirm", confirm]);
        c.timeout(std::time::Duration::from_secs(600))
            .output()
            .unwrap()
    };
    let out = run("1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("confirming desktop-chromium core-min vanilla-js/steady-throughput (1 of 1)"),
        "{stderr}"
    );
    let summary = read(&artifacts.join("wasm_budget_summary.json"));
    let recs = summary["records"].as_array().unwrap();
    let a04 = recs
        .iter()
        .find(|r| r["metric_id"] == "M-PERF-04A")
        .expect("a 04A record");
    let detail = &a04["detail"];
    let again = detail["confirmation_values"]
        .as_array()
        .expect("confirmation values");
    assert_eq!(again.len(), 1, "{a04}");
    assert!(
        detail["first_value"].as_f64().is_some_and(|v| v > 0.0),
        "{a04}"
    );
    assert_eq!(a04["value"], again[0], "the value is the confirmation's");
    let paths: Vec<&str> = a04["artifact_paths"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(paths.iter().any(|p| p.contains("/confirm-1/")), "{paths:?}");
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("seed11.json") && !p.contains("/confirm-")),
        "the first measurement stays listed: {paths:?}"
    );
    assert!(
        paths.iter().all(|p| std::path::Path::new(p).exists()),
        "{paths:?}"
    );
    let report = read(&artifacts.join("wasm_perf_regression_report.json"));
    assert_eq!(report["verdict"], "fail");

    let out = run("0");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        !stderr.contains("confirming"),
        "--confirm 0 re-measures nothing: {stderr}"
    );
    assert_nothing_left(&mark);
}

#[test]
fn noise_measures_one_build_twice_and_writes_each_spread() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let mut c = common::measuring("noise", d.path(), &mark);
    c.args(["--runs", "2"]).args([
        "--workload",
        "steady-throughput",
        "--seeds",
        "11",
        "--iterations",
        "200",
    ]);
    let out = c
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !d.path().join("wasm_budget_summary.json").exists(),
        "noise writes no summary"
    );
    let report = read(&d.path().join("wasm_noise_report.json"));
    assert_eq!(report["runs"], 2);
    let entries = report["entries"].as_array().unwrap();
    let metrics: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["key"]["metric_id"].as_str())
        .collect();
    assert_eq!(metrics, ["M-PERF-04A", "M-PERF-04C"], "{report}");
    let floats = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_f64)
            .collect()
    };
    let spread = |v: &[f64]| (v[0].max(v[1]) / v[0].min(v[1]) - 1.0) * 100.0;
    for e in entries {
        let v = floats(&e["values"]);
        assert_eq!(v.len(), 2);
        let raw = e["spread_pct"].as_f64().unwrap();
        assert!((raw - spread(&v)).abs() < 1e-9, "{e}");
        // Batched probes carry the machine-speed reference, and the spread is also taken at one speed.
        let s = floats(&e["speed_references_ns"]);
        assert!(s.len() == 2 && s.iter().all(|ns| *ns > 0.0), "{e}");
        let at = floats(&e["values_at_first_speed"]);
        assert!(
            (at[1] - v[1] * s[0] / s[1]).abs() < 1e-12 && at[0] == v[0],
            "{e}"
        );
        let at_one_speed = e["spread_at_first_speed_pct"].as_f64().unwrap();
        assert!((at_one_speed - spread(&at)).abs() < 1e-9, "{e}");
    }
    assert_nothing_left(&mark);
}

/// The detection-power knob is labelled in every record it touched, and the page must echo it.
#[test]
fn an_injected_slowdown_is_recorded_as_such() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let mut c = collector(d.path(), &mark);
    c.args([
        "--workload",
        "steady-throughput",
        "--seeds",
        "11",
        "--iterations",
        "200",
    ])
    .args(["--confirm", "0", "--inject-slowdown", "10"]);
    let out = c
        .timeout(std::time::Duration::from_secs(600))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let summary = read(&d.path().join("wasm_budget_summary.json"));
    let runtime: Vec<&Value> = summary["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["environment"] != "build")
        .collect();
    assert_eq!(runtime.len(), 2, "{summary}");
    for r in runtime {
        assert_eq!(r["detail"]["injected_slowdown_pct"], 10.0, "{r}");
    }
    assert_nothing_left(&mark);
}
