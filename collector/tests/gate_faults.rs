//! The gate and the file layer on hostile input: baselines that compare nothing, values that cannot be
//! real, retries of one CI run, earlier outputs kept byte-identical and readable, bounded error text.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::{json, Value};

mod support;

use support::{collector, gate, record, summary, write};

fn artifact(d: &Path, name: &str) -> PathBuf {
    d.join("artifacts").join(name)
}

fn compare(d: &Path, base: &Path, cur: Option<&Path>) -> assert_cmd::Command {
    let mut c = collector(d);
    c.args([
        "gate",
        "--budgets",
        "ci/wasm_perf_budgets.json",
        "--baseline",
    ])
    .arg(base);
    if let Some(cur) = cur {
        c.arg("--current").arg(cur);
    }
    c
}

#[test]
fn a_baseline_with_nothing_to_compare_is_an_input_error() {
    let d = tempfile::tempdir().unwrap();
    let base = write(
        d.path(),
        "base.json",
        &summary(vec![record("M-PERF-02A", "ms", 30.0, "desktop-chromium")]),
    );
    compare(d.path(), &base, None)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to compare"));
    // A current run that shares no key with the baseline compares nothing either.
    let other = write(
        d.path(),
        "cur.json",
        &summary(vec![record("M-PERF-02A", "ms", 30.0, "desktop-firefox")]),
    );
    compare(d.path(), &base, Some(&other))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing was compared"));
}

#[test]
fn a_baseline_in_another_unit_or_not_above_zero_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let cur = write(
        d.path(),
        "cur.json",
        &summary(vec![record("M-PERF-03B", "ms", 2.0, "desktop-chromium")]),
    );
    for (unit, value, says) in [
        ("us", 1000.0, "is in us"),
        ("ms", 0.0, "cannot be compared"),
    ] {
        let base = write(
            d.path(),
            "base.json",
            &summary(vec![record("M-PERF-03B", unit, value, "desktop-chromium")]),
        );
        compare(d.path(), &base, Some(&cur))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}

#[test]
fn keys_missing_on_one_side_are_listed_and_can_be_required() {
    let d = tempfile::tempdir().unwrap();
    let base = write(
        d.path(),
        "base.json",
        &summary(vec![
            record("M-PERF-02A", "ms", 30.0, "desktop-chromium"),
            record("M-PERF-02A", "ms", 30.0, "desktop-firefox"),
        ]),
    );
    let cur = write(
        d.path(),
        "cur.json",
        &summary(vec![
            record("M-PERF-02A", "ms", 30.0, "desktop-chromium"),
            record("M-PERF-03B", "ms", 1.0, "desktop-chromium"),
        ]),
    );
    compare(d.path(), &base, Some(&cur))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no baseline: M-PERF-03B"))
        .stdout(predicate::str::contains("not measured: M-PERF-02A"));
    compare(d.path(), &base, Some(&cur))
        .arg("--require-baseline")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--require-baseline"));
}

#[test]
fn impossible_values_are_input_errors_and_keep_earlier_outputs() {
    let d = tempfile::tempdir().unwrap();
    let good = write(
        d.path(),
        "good.json",
        &summary(vec![record("M-PERF-03B", "ms", 1.0, "desktop-chromium")]),
    );
    gate(d.path(), &good).assert().code(0);
    let report = std::fs::read(artifact(d.path(), "wasm_perf_regression_report.json")).unwrap();
    let events = std::fs::read(artifact(d.path(), "wasm_perf_gate_events.ndjson")).unwrap();
    let mut skip_with_value = record("M-PERF-03B", "ms", 99.0, "desktop-chromium");
    skip_with_value["status"] = json!("skip");
    for (records, says) in [
        (
            vec![record("M-PERF-03B", "ms", -1.0, "desktop-chromium")],
            "negative",
        ),
        (
            vec![record("M-PERF-01A", "bytes", -665600.0, "build")],
            "negative",
        ),
        (vec![skip_with_value], "a skip has no value"),
    ] {
        let m = write(d.path(), "m.json", &summary(records));
        gate(d.path(), &m)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert_eq!(
            std::fs::read(artifact(d.path(), "wasm_perf_regression_report.json")).unwrap(),
            report,
            "{says}: the previous report must stay byte-identical"
        );
        assert_eq!(
            std::fs::read(artifact(d.path(), "wasm_perf_gate_events.ndjson")).unwrap(),
            events
        );
    }
    // 04D is a percentage: below 0 is a real (faster) replay.
    let pct = write(
        d.path(),
        "pct.json",
        &summary(vec![record(
            "M-PERF-04D",
            "percent",
            -3.0,
            "desktop-chromium",
        )]),
    );
    gate(d.path(), &pct).assert().code(0);
}

#[test]
fn a_retry_of_one_ci_run_does_not_count_as_a_second_breach() {
    let d = tempfile::tempdir().unwrap();
    let m = write(
        d.path(),
        "m.json",
        &summary(vec![record("M-PERF-04A", "us", 10.0, "desktop-chromium")]),
    );
    let attempt = |run: &str| {
        let mut c = gate(d.path(), &m);
        c.args(["--run-id", run]);
        c
    };
    attempt("100")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("WARN"));
    attempt("100")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("WARN"));
    let log = std::fs::read_to_string(artifact(d.path(), "wasm_perf_gate_events.ndjson")).unwrap();
    assert_eq!(
        log.lines().count(),
        1,
        "the retry replaced its event: {log}"
    );
    attempt("101")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL"));
}

#[test]
fn outputs_keep_their_mode_and_new_ones_follow_the_umask() {
    let d = tempfile::tempdir().unwrap();
    let m = write(
        d.path(),
        "m.json",
        &summary(vec![record("M-PERF-03B", "ms", 1.0, "desktop-chromium")]),
    );
    gate(d.path(), &m).assert().code(0);
    let report = artifact(d.path(), "wasm_perf_regression_report.json");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_ne!(
        mode(&report),
        0o600,
        "a new report follows the umask, not 0600"
    );
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o640)).unwrap();
    gate(d.path(), &m).assert().code(0);
    assert_eq!(mode(&report), 0o640, "a replaced report keeps its mode");
}

#[test]
fn documents_that_are_not_json_objects_are_named() {
    let d = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "array.json",
            b"[{\"schema_version\": 1}]",
            "must be a JSON object",
        ),
        (
            "bom.json",
            b"\xef\xbb\xbf{\"schema_version\": 1, \"records\": []}",
            "byte-order mark",
        ),
        ("latin1.json", b"{\"commit\": \"caf\xe9\"}", "not UTF-8"),
    ];
    for (name, bytes, says) in cases {
        let p = d.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        gate(d.path(), &p)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(name).and(predicate::str::contains(says)));
    }
}

#[test]
fn many_duplicate_records_make_one_short_error() {
    let d = tempfile::tempdir().unwrap();
    let one = record("M-PERF-03B", "ms", 1.0, "desktop-chromium");
    let m = write(d.path(), "m.json", &summary(vec![one; 100_000]));
    let out = gate(d.path(), &m).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("100000 records measure M-PERF-03B"), "{err}");
    assert!(err.len() < 4000, "{} bytes of error", err.len());
}

#[test]
fn json_paths_name_map_keys() {
    let d = tempfile::tempdir().unwrap();
    let mut budgets: Value =
        serde_json::from_slice(&std::fs::read(support::budgets()).unwrap()).unwrap();
    budgets["metrics"][0]["thresholds"]["core-min"] = json!("x");
    let p = write(d.path(), "budgets.json", &budgets);
    collector(d.path())
        .args(["validate", "budgets"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("$.metrics[0].thresholds.core-min"));
}

#[test]
fn drift_from_the_contract_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let budgets: Value =
        serde_json::from_slice(&std::fs::read(support::budgets()).unwrap()).unwrap();
    for (field, value) in [
        ("consecutive_warn_limit", json!(1000)),
        ("max_regression_pct", json!(1e6)),
    ] {
        let mut b = budgets.clone();
        b[field] = value;
        let p = write(d.path(), "budgets.json", &b);
        collector(d.path())
            .args(["validate", "budgets"])
            .arg(&p)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("$.{field}")));
    }
    let mut corpus: Value = serde_json::from_slice(
        &std::fs::read(support::root().join("ci/wasm_benchmark_corpus.json")).unwrap(),
    )
    .unwrap();
    corpus["scenarios"][0]["environments"] = json!(["desktop-firefox", "mobile-android"]);
    let p = write(d.path(), "corpus.json", &corpus);
    collector(d.path())
        .args(["validate", "corpus"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("coverage.triple"));
}

#[test]
fn size_of_a_device_is_refused() {
    let d = tempfile::tempdir().unwrap();
    collector(d.path())
        .args(["size", "/dev/zero", "--profile", "core-min"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a regular file"));
}

/// Unmounts the test's tmpfs however the test ends.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_names_the_file_and_the_fix_and_keeps_the_old_file() {
    let d = tempfile::tempdir().unwrap();
    let mnt = d.path().join("small");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&mnt)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: mounting a tmpfs needs root (CI runs as root)");
        return;
    }
    let _guard = Mounted(mnt.clone());
    let m = write(
        d.path(),
        "m.json",
        &summary(vec![record("M-PERF-03B", "ms", 1.0, "desktop-chromium")]),
    );
    let report = mnt.join("report.json");
    let run = || {
        let mut c = gate(d.path(), &m);
        c.arg("--report")
            .arg(&report)
            .arg("--history")
            .arg(mnt.join("events.ndjson"));
        c
    };
    run().assert().code(0);
    let before = std::fs::read(&report).unwrap();
    let filler = vec![0u8; 128 * 1024];
    let _ = std::fs::write(mnt.join("filler"), &filler); // fills the device (ENOSPC part-way)
    let out = run().output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("report.json") && err.contains("is full"),
        "{err}"
    );
    assert!(
        !err.contains(".tmp-"),
        "names a temporary file that is gone: {err}"
    );
    assert_eq!(std::fs::read(&report).unwrap(), before);
}

#[test]
fn a_regression_shows_its_measured_noise_and_warns_when_noise_reaches_the_rule() {
    let d = tempfile::tempdir().unwrap();
    let base = write(
        d.path(),
        "base.json",
        &summary(vec![record("M-PERF-02A", "ms", 30.0, "desktop-chromium")]),
    );
    let cur = write(
        d.path(),
        "cur.json",
        &summary(vec![record("M-PERF-02A", "ms", 31.0, "desktop-chromium")]),
    );
    let key = json!({"metric_id": "M-PERF-02A", "profile": "core-min", "environment": "desktop-chromium",
                     "workload": "steady-throughput", "framework": "vanilla-js"});
    let noise = write(
        d.path(),
        "noise.json",
        &json!({"runs": 3, "max_regression_pct": 10.0, "entries": [
            {"key": key, "unit": "ms", "values": [26.1, 33.1, 30.0], "spread_pct": 26.8,
             "spread_at_first_speed_pct": 4.0, "exceeds_rule": true}
        ]}),
    );
    // These records carry no machine-speed reference, so they compare raw: the raw spread is shown.
    compare(d.path(), &base, Some(&cur))
        .arg("--noise")
        .arg(&noise)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("26.8"))
        .stdout(predicate::str::contains(
            "cannot tell a regression from noise",
        ));
    let report: Value = serde_json::from_slice(
        &std::fs::read(artifact(d.path(), "wasm_perf_regression_report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["regressions"][0]["noise_pct"], 26.8);
    assert_eq!(report["warnings"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_baseline_is_compared_raw_unless_its_machine_speed_is_asked() {
    let d = tempfile::tempdir().unwrap();
    let at = |value: f64, reference: f64| {
        let mut r = record("M-PERF-02A", "ms", value, "desktop-chromium");
        r["detail"]["speed_reference_ns"] = json!(reference);
        r
    };
    // 20 % slower now, and so was the machine-speed reference: raw (the default) that is a regression …
    let base = write(d.path(), "base.json", &summary(vec![at(30.0, 100.0)]));
    let cur = write(d.path(), "cur.json", &summary(vec![at(36.0, 120.0)]));
    for raw in [None, Some("--raw-baseline")] {
        compare(d.path(), &base, Some(&cur))
            .args(raw)
            .assert()
            .code(1)
            .stdout(predicate::str::contains("raw"));
    }
    // … and none at one machine speed, asked for.
    compare(d.path(), &base, Some(&cur))
        .arg("--speed-adjusted-baseline")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1.200"));
    let report: Value = serde_json::from_slice(
        &std::fs::read(artifact(d.path(), "wasm_perf_regression_report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["regressions"][0]["machine_slowdown"], json!(1.2));
    // Both at once is a usage error (exit 2).
    compare(d.path(), &base, Some(&cur))
        .args(["--speed-adjusted-baseline", "--raw-baseline"])
        .assert()
        .code(2);
}
