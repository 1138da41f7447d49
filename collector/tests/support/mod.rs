//! Shared by the CLI test files: the repository root, the collector command, and fixture summaries.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{json, Value};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn collector(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("collector").expect("binary built");
    c.current_dir(root())
        .arg("--artifacts-dir")
        .arg(dir.join("artifacts"));
    c
}

pub fn budgets() -> PathBuf {
    root().join("ci/wasm_perf_budgets.json")
}

pub fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

pub fn record(metric: &str, unit: &str, value: f64, env: &str) -> Value {
    json!({
        "commit": "c", "profile": "core-min", "environment": env, "metric_id": metric,
        "value": value, "unit": unit, "threshold_warn": null, "threshold_hard": null,
        "status": "pass", "seed_set": [11, 29, 42, 73, 101], "commands": ["test"], "artifact_paths": [],
        "detail": {"workload": "steady-throughput", "framework": "vanilla-js"}
    })
}

pub fn summary(records: Vec<Value>) -> Value {
    json!({"schema_version": 1, "records": records})
}

pub fn gate(d: &Path, m: &Path) -> Command {
    let mut c = collector(d);
    c.args([
        "gate",
        "--budgets",
        "ci/wasm_perf_budgets.json",
        "--profile",
        "core-min",
        "--commit",
        "t",
        "--measurements",
    ])
    .arg(m);
    c
}
