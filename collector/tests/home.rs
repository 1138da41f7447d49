//! The collector from any directory: which checkout its defaults come from (`--home`, upward from the
//! current directory, the checkout it was built from), and the error that names the fix.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

mod support;

use support::root;

/// The smallest valid module: the header alone.
const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

/// The collector run in `cwd` with nothing but `args`, and no `WASM_BUDGETS_HOME` from outside.
fn collector_in(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("collector").expect("binary built");
    c.current_dir(cwd).env_remove("WASM_BUDGETS_HOME");
    c
}

/// A checkout of its own in `dir`: the real budgets with the core-min raw size budget cut to 4 bytes
/// (the budget validator refuses it, naming the file: so a run shows which checkout it read).
fn strict_checkout(dir: &Path) {
    let ci = dir.join("ci");
    std::fs::create_dir_all(&ci).unwrap();
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::write(dir.join("www/index.html"), "<!doctype html>").unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\n").unwrap();
    let text = std::fs::read_to_string(root().join("ci/wasm_perf_budgets.json")).unwrap();
    let mut b: Value = serde_json::from_str(&text).unwrap();
    let raw = b["metrics"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|m| m["id"] == "M-PERF-01A")
        .unwrap();
    raw["thresholds"]["core-min"] = 4.into();
    std::fs::write(ci.join("wasm_perf_budgets.json"), b.to_string()).unwrap();
}

fn raw_size_status(summary: &Path) -> String {
    let s: Value = serde_json::from_slice(&std::fs::read(summary).unwrap()).unwrap();
    let r = s["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric_id"] == "M-PERF-01A")
        .unwrap();
    r["status"].as_str().unwrap().to_owned()
}

#[test]
fn outside_every_checkout_the_defaults_come_from_the_checkout_it_was_built_from() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("m.wasm"), EMPTY_MODULE).unwrap();
    collector_in(d.path())
        .args(["size", "m.wasm", "--profile", "core-min", "--commit", "t"])
        .assert()
        .success();
    // Artifacts go where the user is; the budgets were the built checkout's (8 bytes pass there).
    assert_eq!(
        raw_size_status(&d.path().join("artifacts/wasm_budget_summary.json")),
        "pass"
    );
}

#[test]
fn a_checkout_above_the_current_directory_wins_and_home_overrides_it() {
    let d = tempfile::tempdir().unwrap();
    strict_checkout(d.path());
    let deep = d.path().join("app/src");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("m.wasm"), EMPTY_MODULE).unwrap();
    let args = ["size", "m.wasm", "--profile", "core-min", "--commit", "t"];
    let theirs = d.path().join("ci/wasm_perf_budgets.json");
    collector_in(&deep)
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}: 1 rule(s) broken",
            theirs.display()
        )));
    assert!(!deep.join("artifacts").exists());
    for told in [
        collector_in(&deep)
            .arg("--home")
            .arg(root())
            .args(args)
            .assert(),
        collector_in(&deep)
            .env("WASM_BUDGETS_HOME", root())
            .args(args)
            .assert(),
    ] {
        told.success();
        assert_eq!(
            raw_size_status(&deep.join("artifacts/wasm_budget_summary.json")),
            "pass"
        );
    }
}

#[test]
fn a_home_that_is_no_checkout_is_named_with_the_fix_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("m.wasm"), EMPTY_MODULE).unwrap();
    collector_in(d.path())
        .args([
            "--home",
            "nowhere",
            "size",
            "m.wasm",
            "--profile",
            "core-min",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(
                "--home nowhere (or WASM_BUDGETS_HOME) is not a harness checkout",
            )
            .and(predicate::str::contains(
                "ci/wasm_perf_budgets.json is missing",
            )),
        );
    assert!(!d.path().join("artifacts").exists());
}
