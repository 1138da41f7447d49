//! The collector's command line on fixtures: validators, size, gate, schemas, and every kind of bad input.

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use predicates::prelude::*;
use serde_json::{json, Value};

mod support;

use support::{budgets, collector, gate, record, root, summary, write};

#[test]
fn self_test_passes_and_committed_policies_are_valid() {
    let d = tempfile::tempdir().unwrap();
    collector(d.path())
        .args(["validate", "--self-test"])
        .assert()
        .success()
        .stdout(predicate::str::contains("self-test passed"));
    for (kind, file) in [
        ("budgets", "wasm_perf_budgets"),
        ("corpus", "wasm_benchmark_corpus"),
        ("optimization", "wasm_optimization_policy"),
    ] {
        collector(d.path())
            .args(["validate", kind, &format!("ci/{file}.json")])
            .assert()
            .success();
    }
    let s: Value = serde_json::from_slice(
        &std::fs::read(
            d.path()
                .join("artifacts/wasm_benchmark_corpus_summary.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(s["verdict"], "pass");
    assert_eq!(s["coverage"]["frameworks"]["nextjs"], 5);
    assert!(d
        .path()
        .join("artifacts/wasm_optimization_pipeline_summary.json")
        .exists());
}

#[test]
fn broken_policies_name_the_field_and_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let mut b: Value = serde_json::from_slice(&std::fs::read(budgets()).unwrap()).unwrap();
    b["metrics"][8]["hard"] = json!(99);
    let f = write(d.path(), "b.json", &b);
    collector(d.path())
        .arg("validate")
        .arg("budgets")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("$.metrics[8].hard").and(predicate::str::contains("contract")),
        );

    let mut c: Value = serde_json::from_slice(
        &std::fs::read(root().join("ci/wasm_benchmark_corpus.json")).unwrap(),
    )
    .unwrap();
    c["scenarios"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["framework"] != "react");
    let f = write(d.path(), "c.json", &c);
    collector(d.path())
        .arg("validate")
        .arg("corpus")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`react` is covered by no scenario",
        ));
    let s: Value = serde_json::from_slice(
        &std::fs::read(
            d.path()
                .join("artifacts/wasm_benchmark_corpus_summary.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(s["verdict"], "fail");
}

#[test]
fn bad_input_is_located_and_exits_2() {
    let d = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 4] = [
        ("malformed.json", "{\"schema_version\": 1,", "malformed JSON"),
        ("empty.json", "", "is empty"),
        ("type.json", "{\"schema_version\": 1, \"profiles\": \"core-min\"}", "$.profiles"),
        ("metric.json", "{\"schema_version\":1,\"profiles\":[],\"max_regression_pct\":10,\"consecutive_warn_limit\":2,\"metrics\":[{\"id\":\"M-PERF-77\"}]}", "$.metrics[0].id"),
    ];
    for (name, text, expect) in cases {
        let f = d.path().join(name);
        std::fs::write(&f, text).unwrap();
        collector(d.path())
            .arg("validate")
            .arg("budgets")
            .arg(&f)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(name).and(predicate::str::contains(expect)));
    }
    collector(d.path())
        .args([
            "gate",
            "--budgets",
            "ci/wasm_perf_budgets.json",
            "--profile",
            "core-huge",
            "--measurements",
            "x.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("core-min"));
}

fn tiny_wasm(dir: &Path) -> PathBuf {
    // A core module with one custom section of pseudo-random payload.
    let mut payload = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for i in 0..40_000u32 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        payload.push(if i % 3 == 0 {
            (x & 0xff) as u8
        } else {
            b'a' + (x % 7) as u8
        });
    }
    let mut section = vec![4u8];
    section.extend_from_slice(b"nois");
    section.extend_from_slice(&payload);
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    bytes.push(0);
    let mut len = section.len() as u32;
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            bytes.push(b);
            break;
        }
        bytes.push(b | 0x80);
    }
    bytes.extend_from_slice(&section);
    let p = dir.join("tiny.wasm");
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn size_matches_stat_and_gzip() {
    let d = tempfile::tempdir().unwrap();
    let wasm = tiny_wasm(d.path());
    let out = d.path().join("summary.json");
    collector(d.path())
        .arg("size")
        .arg(&wasm)
        .args(["--profile", "core-min", "--commit", "abc", "--out"])
        .arg(&out)
        .assert()
        .success();
    let s: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let raw = std::fs::metadata(&wasm).unwrap().len() as f64;
    let gzip = Std::new("gzip")
        .arg("-9")
        .arg("-c")
        .arg(&wasm)
        .output()
        .unwrap()
        .stdout
        .len() as f64;
    let recs = s["records"].as_array().unwrap();
    assert_eq!(recs[0]["metric_id"], "M-PERF-01A");
    assert_eq!(recs[0]["value"].as_f64().unwrap(), raw);
    assert_eq!(recs[0]["environment"], "build");
    assert_eq!(recs[0]["status"], "pass");
    assert_eq!(recs[0]["threshold_hard"].as_f64().unwrap(), 650.0 * 1024.0);
    let gz = recs[1]["value"].as_f64().unwrap();
    assert!(
        (gz - gzip).abs() / gzip <= 0.01,
        "flate2 {gz} vs gzip -9 {gzip}"
    );
    assert_eq!(recs[1]["commit"], "abc");

    // Not wasm: exit 2, and the earlier summary is left as it was.
    let before = std::fs::read(&out).unwrap();
    let notwasm = d.path().join("x.wasm");
    std::fs::write(&notwasm, "hello world").unwrap();
    collector(d.path())
        .arg("size")
        .arg(&notwasm)
        .args(["--profile", "core-min", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a WebAssembly module"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

#[test]
fn warn_then_warn_fails_against_one_history() {
    let d = tempfile::tempdir().unwrap();
    let m = write(
        d.path(),
        "m.json",
        &summary(vec![record("M-PERF-04A", "us", 10.0, "desktop-chromium")]),
    );
    gate(d.path(), &m)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("WARN"));
    gate(d.path(), &m)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL"));
    let events =
        std::fs::read_to_string(d.path().join("artifacts/wasm_perf_gate_events.ndjson")).unwrap();
    assert_eq!(events.lines().count(), 2);
    let report: Value = serde_json::from_slice(
        &std::fs::read(d.path().join("artifacts/wasm_perf_regression_report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["verdict"], "fail");
}

#[test]
fn missing_required_metric_is_a_policy_error_and_keeps_history() {
    let d = tempfile::tempdir().unwrap();
    let m = write(
        d.path(),
        "m.json",
        &summary(vec![record("M-PERF-01A", "bytes", 1000.0, "build")]),
    );
    gate(d.path(), &m)
        .args([
            "--require-metric",
            "M-PERF-01A",
            "--require-metric",
            "M-PERF-01B",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("M-PERF-01B"));
    assert!(!d
        .path()
        .join("artifacts/wasm_perf_gate_events.ndjson")
        .exists());
    assert!(
        !d.path()
            .join("artifacts/wasm_perf_regression_report.json")
            .exists(),
        "an unjudged gate writes no report"
    );
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, "[]").unwrap();
    gate(d.path(), &bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json"));
}

#[test]
fn baseline_regression_ten_percent_passes_ten_point_oh_one_fails() {
    let d = tempfile::tempdir().unwrap();
    let base = write(
        d.path(),
        "base.json",
        &summary(vec![record("M-PERF-02A", "ms", 30.0, "desktop-chromium")]),
    );
    for (cur, code) in [(33.0, 0), (33.003, 1)] {
        let c = write(
            d.path(),
            "cur.json",
            &summary(vec![record("M-PERF-02A", "ms", cur, "desktop-chromium")]),
        );
        collector(d.path())
            .args([
                "gate",
                "--budgets",
                "ci/wasm_perf_budgets.json",
                "--baseline",
            ])
            .arg(&base)
            .arg("--current")
            .arg(&c)
            .assert()
            .code(code);
    }
}

#[test]
fn committed_schemas_match_the_types() {
    let d = tempfile::tempdir().unwrap();
    for (kind, file) in [
        ("budgets", "wasm_perf_budgets"),
        ("corpus", "wasm_benchmark_corpus"),
        ("optimization", "wasm_optimization_policy"),
        ("summary", "wasm_budget_summary"),
        ("wire", "harness_wire"),
        ("report", "wasm_perf_regression_report"),
        ("event", "wasm_perf_gate_event"),
        ("noise", "wasm_noise_report"),
        ("shard", "wasm_budget_shard"),
        ("size-attribution", "wasm_size_attribution"),
    ] {
        let out = collector(d.path()).args(["schema", kind]).output().unwrap();
        let committed =
            std::fs::read(root().join(format!("ci/schemas/{file}.schema.json"))).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&committed),
            "regenerate with `collector schema {kind} > ci/schemas/{file}.schema.json`"
        );
    }
}

#[test]
fn the_main_jobs_setup_plans_only_what_it_runs() {
    let plan = |args: &[&str]| {
        let out = std::process::Command::new(root().join("ci/setup.sh"))
            .arg("--plan")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let core = plan(&["core"]);
    for needed in [
        "chromium-driver",
        "wasm32-unknown-unknown",
        "wasm-bindgen-cli",
        "binaryen@",
    ] {
        assert!(core.contains(needed), "core lacks {needed}: {core}");
    }
    for unused in ["firefox", "geckodriver", "openjdk", "selenium", "appium"] {
        assert!(
            !core.contains(unused),
            "the main job's set-up plans {unused}: {core}"
        );
    }
    let firefox = plan(&["firefox"]);
    assert!(
        firefox.contains("geckodriver") && firefox.contains("binaryen@"),
        "{firefox}"
    );
    let all = plan(&[]);
    for c in ["core:", "firefox:", "grid:", "appium:"] {
        assert!(all.contains(c), "the test suite's set-up lacks {c}: {all}");
    }
    let bad = std::process::Command::new(root().join("ci/setup.sh"))
        .args(["--plan", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown component 'nonsense'"));
}

#[test]
fn a_bad_names_companion_is_named_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let m = d.path().join("m.wasm");
    std::fs::write(&m, b"\0asm\x01\0\0\0").unwrap();
    let other = d.path().join("other.wasm");
    std::fs::write(&other, b"\0asm\x01\0\0\0\0\x02\x01x").unwrap();
    for (names, says) in [
        ("nowhere.wasm", "no such file"),
        ("other.wasm", "plus a name section"),
    ] {
        let out = collector(d.path())
            .current_dir(d.path())
            .args(["size", "m.wasm", "--profile", "core-min", "--commit", "t"])
            .args(["--attribute", "--names", names])
            .args(["--policy"])
            .arg(root().join("ci/wasm_optimization_policy.json"))
            .args(["--budgets"])
            .arg(root().join("ci/wasm_perf_budgets.json"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("--names") && err.contains(says), "{err}");
        assert!(!d.path().join("artifacts").exists(), "nothing written");
    }
    let out = collector(d.path())
        .current_dir(d.path())
        .args([
            "size",
            "m.wasm",
            "--profile",
            "core-min",
            "--commit",
            "t",
            "--attribute",
        ])
        .args(["--policy"])
        .arg(root().join("ci/wasm_optimization_policy.json"))
        .args(["--budgets"])
        .arg(root().join("ci/wasm_perf_budgets.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file: Value = serde_json::from_slice(
        &std::fs::read(d.path().join("artifacts/wasm_size_attribution.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        file["modules"][0]["attribution"]["raw_bytes"], 8,
        "the header alone"
    );
    assert_eq!(file["modules"][0]["attribution"]["named"], false);
}
