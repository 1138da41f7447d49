//! `collector merge` on bad input: a missing file, a file that is not a shard file, and a shard whose raw
//! answer is gone each exit 2 naming the file (and JSON path), writing nothing.

mod support;

use serde_json::json;
use support::{collector, write};

#[test]
fn bad_shard_files_are_named_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let out = collector(d.path())
        .args(["merge", "/nonexistent/wasm_budget_shard.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/wasm_budget_shard.json"), "{err}");

    let wrong = write(
        d.path(),
        "summary.json",
        &json!({"schema_version": 1, "records": []}),
    );
    let out = collector(d.path())
        .arg("merge")
        .arg(&wrong)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("summary.json") && err.contains("shard"),
        "{err}"
    );

    let unit = json!({
        "environment": "desktop-chromium", "profile": "core-min", "framework": "vanilla-js",
        "workload": "steady-throughput", "warmup": 10,
        "session": {"browser": "chrome", "browser_version": "1", "driver_version": "1", "device": "desktop", "cpu_throttle_rate": null},
        "wasm": "dist/core-min/harness_bg.wasm", "seeds": [{"seed": 11, "path": "raw/gone.json"}], "driver_log": null
    });
    let shard = write(
        d.path(),
        "wasm_budget_shard.json",
        &json!({
            "schema_version": 1, "commit": "c", "commands": [], "shard": null, "seeds": [11],
            "iterations": 100, "slowdown_pct": null, "reduced_protocol": true, "concurrency": 1,
            "required": [], "planned": [], "units": [unit], "sizes": [], "sessions": []
        }),
    );
    let out = collector(d.path())
        .arg("merge")
        .arg(&shard)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("$.units[0]") && err.contains("raw/gone.json"),
        "{err}"
    );
    assert!(!d
        .path()
        .join("artifacts")
        .join("wasm_budget_summary.json")
        .exists());
}
