//! Confirm-by-rerun end to end in real headless Chromium: a record that would fail is measured again in a
//! fresh session, the verdict rests on the confirmation, and both measurements are kept.

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
