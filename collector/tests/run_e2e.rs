//! `collector run` end to end in real headless Chromium, Firefox and emulated mobile, and its failure paths.
//!
//! Needs the profile builds in `dist/` (`collector build`; `ci/test.sh` does it first) and the
//! browsers and drivers from `ci/setup.sh`. Tests run one at a time: each drives real browsers.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{
    assert_nothing_left, collector, dist, kill, marked_processes, marker, measured_records, read,
    root, SERIAL,
};

#[test]
fn reduced_matrix_in_chromium_firefox_and_emulated_mobile() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let mut cmd = collector(d.path(), &mark);
    // From outside the checkout, as an installed collector runs: www/, ci/ and the policies come
    // from the checkout it was built from (home.rs).
    cmd.current_dir(d.path());
    cmd.args([
        "--profile",
        "core-trace",
        "--env",
        "desktop-chromium",
        "--env",
        "desktop-firefox",
        "--env",
        "mobile-android",
        "--seeds",
        "11,29",
        "--iterations",
        "200",
    ]);
    let recs = measured_records(cmd, d.path(), "reduced matrix");
    let want_fields = [
        "commit",
        "profile",
        "environment",
        "metric_id",
        "value",
        "unit",
        "threshold_warn",
        "threshold_hard",
        "status",
        "seed_set",
        "commands",
        "artifact_paths",
    ];
    for env in ["desktop-chromium", "desktop-firefox", "mobile-android"] {
        let here: Vec<&Value> = recs.iter().filter(|r| r["environment"] == env).collect();
        let metrics: Vec<&str> = here
            .iter()
            .map(|r| r["metric_id"].as_str().unwrap())
            .collect();
        let cold = if env == "mobile-android" {
            "M-PERF-02B"
        } else {
            "M-PERF-02A"
        };
        for m in [
            cold,
            "M-PERF-03A",
            "M-PERF-03B",
            "M-PERF-04A",
            "M-PERF-04B",
            "M-PERF-04C",
            "M-PERF-04D",
        ] {
            assert!(metrics.contains(&m), "{env} lacks {m}: {metrics:?}");
        }
        for r in here {
            for f in want_fields {
                assert!(r.get(f).is_some(), "{env} record lacks {f}: {r}");
            }
            assert_eq!(r["commit"], "e2e-test");
            assert_eq!(r["seed_set"], serde_json::json!([11, 29]));
            assert!(r["value"].as_f64().is_some_and(|v| v.is_finite()), "{r}");
            assert!(r["commands"][0].as_str().unwrap().contains("collector"));
            let d = &r["detail"];
            assert_eq!(d["iterations"], 200);
            assert_eq!(d["framework"], "vanilla-js");
            assert_eq!(
                d["cross_origin_isolated"], true,
                "pages are served with COOP/COEP"
            );
            assert!(d["timer_tick_ns"].as_f64().unwrap() > 0.0);
            assert!(d["batch_size"].as_u64().unwrap() >= 1);
            assert!(d["browser_version"].as_str().is_some_and(|v| !v.is_empty()));
            assert!(d["user_agent"].as_str().is_some());
            assert_eq!(d["reduced_protocol"], true);
            let unit = r["unit"].as_str().unwrap();
            let expect = match r["metric_id"].as_str().unwrap() {
                "M-PERF-02A" | "M-PERF-02B" | "M-PERF-03B" => "ms",
                "M-PERF-03A" => "bytes",
                "M-PERF-04D" => "percent",
                _ => "us",
            };
            assert_eq!(unit, expect, "{r}");
            let paths = r["artifact_paths"].as_array().unwrap();
            assert!(paths
                .iter()
                .any(|p| p.as_str().unwrap().ends_with("harness_bg.wasm")));
            assert!(paths
                .iter()
                .any(|p| p.as_str().unwrap().ends_with("seed11.json")));
            match env {
                "mobile-android" => {
                    assert_eq!(d["device"], "emulated");
                    assert_eq!(d["cpu_throttle_rate"], 4.0);
                    assert!(d["user_agent"].as_str().unwrap().contains("Android"));
                }
                "desktop-firefox" => assert_eq!(d["browser"], "firefox"),
                _ => assert_eq!(d["device"], "desktop"),
            }
        }
    }
    assert!(recs
        .iter()
        .any(|r| r["metric_id"] == "M-PERF-01A" && r["environment"] == "build"));
    assert!(d.path().join("wasm_perf_regression_report.json").is_file());
    assert_nothing_left(&mark);
}

/// Runs a failing case and checks the common promises: exit 2, the message, the untouched summary, no process left.
fn assert_clean_failure(extra: &[&str], env: &[(&str, &str)], expect: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let summary = d.path().join("wasm_budget_summary.json");
    std::fs::write(&summary, b"{\"previous\": true}").unwrap();
    let mark = marker();
    let mut c = collector(d.path(), &mark);
    c.args(["--seeds", "11", "--iterations", "20"])
        .args(extra)
        .timeout(Duration::from_secs(300));
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for e in expect {
        assert!(stderr.contains(e), "stderr lacks `{e}`: {stderr}");
    }
    assert_eq!(
        std::fs::read(&summary).unwrap(),
        b"{\"previous\": true}",
        "the previous summary must be left intact"
    );
    assert_nothing_left(&mark);
}

#[test]
fn missing_driver_is_a_clear_error() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    assert_clean_failure(
        &[],
        &[("CHROMEDRIVER", "/nonexistent/chromedriver")],
        &[
            "desktop-chromium core-min",
            "/nonexistent/chromedriver",
            "CHROMEDRIVER",
        ],
    );
}

#[test]
fn page_that_throws_hangs_or_answers_garbage() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let fx = |name: &str| {
        root()
            .join("collector/tests/fixtures")
            .join(name)
            .display()
            .to_string()
    };
    assert_clean_failure(
        &["--www", &fx("www-throw"), "--workload", "steady-throughput"],
        &[],
        &[
            "steady-throughput seed 11",
            "deliberate failure in the page",
        ],
    );
    assert_clean_failure(
        &[
            "--www",
            &fx("www-hang"),
            "--workload",
            "steady-throughput",
            "--scenario-timeout",
            "3",
        ],
        &[],
        &["steady-throughput seed 11", "--scenario-timeout"],
    );
    assert_clean_failure(
        &[
            "--www",
            &fx("www-malformed"),
            "--workload",
            "steady-throughput",
        ],
        &[],
        &["steady-throughput seed 11", "malformed wire result"],
    );
}

/// A page whose answers are well-formed but not what was asked is refused, and its answer kept as evidence.
#[test]
fn page_that_lies_is_refused() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let www = root().join("collector/tests/fixtures/www-lies");
    let www = www.display().to_string();
    for (workload, says) in [
        ("steady-throughput", "answered for core-min react"),
        ("cancellation-storm", "3 samples, 20 were asked"),
        ("streaming-io", "clamped to 0"),
    ] {
        assert_clean_failure(
            &["--www", &www, "--workload", workload],
            &[],
            &[&format!("{workload} seed 11"), says, "kept in"],
        );
    }
}

#[test]
fn browser_killed_mid_run() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let summary = d.path().join("wasm_budget_summary.json");
    std::fs::write(&summary, b"{\"previous\": true}").unwrap();
    let mark = marker();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(root())
        .env("WASM_BUDGET_TEST_MARK", &mark)
        .arg("--artifacts-dir")
        .arg(d.path())
        .args(["run", "--prebuilt"])
        .arg(dist())
        .args([
            "--workload",
            "cold-start",
            "--seeds",
            "11,29,42,73,101",
            "--iterations",
            "400",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the browser, then kill its main process (the one without --type=).
    let deadline = Instant::now() + Duration::from_secs(60);
    let browser = loop {
        let found = marked_processes(&mark).into_iter().find(|(_, cmd)| {
            cmd.contains("chrom") && cmd.contains("--user-data-dir") && !cmd.contains("--type=")
        });
        if let Some((pid, _)) = found {
            break pid;
        }
        assert!(Instant::now() < deadline, "the browser never started");
        std::thread::sleep(Duration::from_millis(200));
    };
    std::thread::sleep(Duration::from_secs(2));
    kill("-9", browser);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("desktop-chromium core-min"), "{stderr}");
    assert!(stderr.contains("cold-start seed"), "{stderr}");
    assert_eq!(std::fs::read(&summary).unwrap(), b"{\"previous\": true}");
    assert_nothing_left(&mark);
}

#[test]
fn every_workload_in_every_framework_host() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    for fw in ["typescript-sdk", "react", "nextjs"] {
        assert!(
            dist().join("hosts").join(fw).join("index.html").is_file(),
            "dist/hosts/{fw} is missing: run ci/build-hosts.sh first (ci/test.sh does)"
        );
    }
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let runs: [&[&str]; 2] = [
        &["--all-frameworks", "--env", "desktop-chromium"],
        &[
            "--framework",
            "vanilla-js",
            "--framework",
            "react",
            "--env",
            "desktop-firefox",
        ],
    ];
    for (i, flags) in runs.iter().enumerate() {
        let mut cmd = collector(d.path(), &mark);
        cmd.args(*flags)
            .args([
                "--profile",
                "core-trace",
                "--seeds",
                "11",
                "--iterations",
                "100",
                "--history",
            ])
            .arg(d.path().join(format!("events-{i}.ndjson")));
        let recs = measured_records(cmd, d.path(), &format!("{flags:?}"));
        let frameworks: &[&str] = if i == 0 {
            &["vanilla-js", "typescript-sdk", "react", "nextjs"]
        } else {
            &["vanilla-js", "react"]
        };
        for fw in frameworks {
            for workload in [
                "cold-start",
                "steady-throughput",
                "cancellation-storm",
                "streaming-io",
                "memory-pressure",
            ] {
                let n = recs
                    .iter()
                    .filter(|r| {
                        r["detail"]["framework"] == *fw && r["detail"]["workload"] == workload
                    })
                    .count();
                assert!(n >= 1, "{flags:?}: no record for {fw}/{workload}");
            }
            // A host's wire results record the host itself.
            let cold = recs
                .iter()
                .find(|r| r["detail"]["framework"] == *fw && r["metric_id"] == "M-PERF-02A")
                .expect("cold init record");
            let raw = cold["artifact_paths"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p.as_str().unwrap().ends_with("seed11.json"))
                .unwrap();
            let wire = read(Path::new(raw.as_str().unwrap()));
            assert_eq!(wire["framework"], *fw);
        }
    }
    assert_nothing_left(&mark);
}

#[test]
fn bad_baseline_or_history_fails_before_measuring() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let history = d.path().join("events.ndjson");
    std::fs::write(&history, "{\"not\": \"an event\"}\n").unwrap();
    assert_clean_failure(
        &["--baseline", "/nonexistent/baseline.json"],
        &[],
        &["/nonexistent/baseline.json"],
    );
    assert_clean_failure(
        &["--history", history.to_str().unwrap()],
        &[],
        &["events.ndjson line 1"],
    );
}
