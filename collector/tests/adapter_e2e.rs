//! An adapter crate end to end: `collector check-adapter` passes the reference adapter in Chromium and
//! Firefox (both trace and non-trace profiles); a build with a planted fault (`build --plant-fault`) is
//! named by method and seed, and `run` refuses it (exit 2) before timing anything, earlier outputs
//! untouched; `build --adapter` refuses a crate it cannot build as the policy says, naming the fix.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

use common::{assert_nothing_left, marker, measuring, measuring_built, read, root};

fn text(o: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_reference_adapter_passes_check_adapter_in_chromium_and_firefox() {
    let artifacts = tempfile::tempdir().unwrap();
    let mark = marker();
    let o = measuring("check-adapter", artifacts.path(), &mark)
        .args(["--env", "desktop-chromium", "--env", "desktop-firefox"])
        .args(["--profile", "core-min", "--profile", "core-trace"])
        .timeout(Duration::from_secs(600))
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(
        out.contains("the adapter passes every check in 4 session(s)"),
        "{out}"
    );
    for m in [
        "reserve_send",
        "cancel_storm",
        "replay_schedule",
        "timeout_arm_cancel",
    ] {
        assert!(out.contains(m), "{m} is printed: {out}");
    }
    // The reports are kept: one per session, one entry per seed, each with the adapter's name.
    let raw = std::fs::read_dir(artifacts.path().join("raw"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let firefox_trace = read(&raw.join("desktop-firefox-core-trace-vanilla-js-conformance.json"));
    let reports = firefox_trace.as_array().unwrap();
    assert_eq!(reports.len(), 5, "one report per seed of the protocol");
    assert_eq!(reports[0]["trace"], true);
    assert!(reports[0]["adapter"]
        .as_str()
        .unwrap()
        .starts_with("reference"));
    assert!(!artifacts.path().join("wasm_budget_summary.json").exists());
    assert_nothing_left(&mark);
}

#[test]
fn a_planted_fault_is_named_and_a_run_refuses_it_before_timing() {
    let faulty = tempfile::tempdir().unwrap();
    common::build_variant(faulty.path(), &["--plant-fault", "drops-a-chunk"]);
    let built = read(&faulty.path().join("core-min/build.json"));
    assert_eq!(
        built["planted_fault"], "drops-a-chunk",
        "recorded in build.json"
    );
    assert_eq!(built["adapter"]["crate"], "reference-adapter");

    let artifacts = tempfile::tempdir().unwrap();
    let mark = marker();
    let check = |sub: &str| measuring_built(sub, artifacts.path(), &mark, faulty.path());
    let o = check("check-adapter")
        .timeout(Duration::from_secs(600))
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a failing adapter is the check's verdict: {out}{err}"
    );
    assert!(
        out.contains("stream (seed 11): expected every chunk arrives")
            && out.contains("300 chunks sent, 299 received"),
        "the failure names method, seed, expectation and what happened: {out}"
    );

    // A run refuses it: exit 2, nothing timed, an earlier summary byte for byte as it was.
    let summary = artifacts.path().join("wasm_budget_summary.json");
    std::fs::write(&summary, b"{\"earlier\": true}\n").unwrap();
    let o = check("run")
        .args(["--workload", "steady-throughput", "--commit", "e2e-test"])
        .timeout(Duration::from_secs(600))
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(
        err.contains("fails the conformance suite") && err.contains("stream (seed 11)"),
        "{err}"
    );
    assert_eq!(std::fs::read(&summary).unwrap(), b"{\"earlier\": true}\n");
    assert!(!artifacts.path().join("wasm_budget_report.html").exists());
    assert_nothing_left(&mark);
}

fn build_with_adapter(dir: &Path) -> (Option<i32>, String) {
    let out_dir = tempfile::tempdir().unwrap();
    let o = Command::cargo_bin("collector")
        .unwrap()
        .current_dir(root())
        .args(["build", "--profile", "core-min", "--adapter"])
        .arg(dir)
        .arg("--dist")
        .arg(out_dir.path())
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let nothing = std::fs::read_dir(out_dir.path()).unwrap().next().is_none();
    assert!(nothing, "nothing is written for a refused adapter");
    (o.status.code(), text(&o).1)
}

#[test]
fn build_refuses_an_adapter_crate_it_cannot_build_naming_the_fix() {
    let none = tempfile::tempdir().unwrap();
    let (code, err) = build_with_adapter(none.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no Cargo.toml there"), "{err}");

    let krate = tempfile::tempdir().unwrap();
    std::fs::create_dir(krate.path().join("src")).unwrap();
    std::fs::write(krate.path().join("src/lib.rs"), "").unwrap();
    let harness = root().join("harness-wasm");
    let manifest = |features: &str| {
        format!(
            "[package]\nname = \"my-adapter\"\nversion = \"0.3.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
             [lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n\n[features]\n{features}\n\n\
             [dependencies]\nharness-wasm = {{ path = \"{}\" }}\n",
            harness.display()
        )
    };
    std::fs::write(krate.path().join("Cargo.toml"), manifest("")).unwrap();
    let (code, err) = build_with_adapter(krate.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("`my-adapter` has no feature `trace`")
            && err.contains("add `trace = [\"harness-wasm/trace\"]`"),
        "{err}"
    );
}
