//! A real Selenium Grid 4 (hub + two nodes, from ci/setup.sh): a reduced matrix with `--jobs 2`, the same
//! plan in three shards merged and gated once (same record keys, seeds of one workload from two shards in
//! one median), the merge's refusals, and the grid-speaking errors. Needs `dist/` (`collector build`).

mod common;
mod remote;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use common::{assert_nothing_left, collector, marker, read, root, SERIAL};

const PLAN: [&str; 12] = [
    "--env",
    "desktop-chromium",
    "--env",
    "desktop-firefox",
    "--workload",
    "steady-throughput",
    "--seeds",
    "11,29,42",
    "--iterations",
    "100",
    "--jobs",
    "2",
];

fn keys(recs: &[Value]) -> BTreeSet<String> {
    recs.iter()
        .map(|r| {
            let d = &r["detail"];
            format!(
                "{} {} {} {} {}",
                r["metric_id"], r["profile"], r["environment"], d["workload"], d["framework"]
            )
        })
        .collect()
}

fn records(dir: &Path) -> Vec<Value> {
    read(&dir.join("wasm_budget_summary.json"))["records"]
        .as_array()
        .unwrap()
        .clone()
}

fn merge(artifacts: &Path, shards: &[PathBuf]) -> std::process::Output {
    let mut c = assert_cmd::Command::cargo_bin("collector").unwrap();
    c.current_dir(root())
        .arg("--artifacts-dir")
        .arg(artifacts)
        .arg("merge")
        .args(shards)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output, what: &str) {
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{what}: exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn grid_jobs_shards_merge_and_one_gate() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mark = marker();
    let grid = remote::grid(&mark);
    let hub = format!("{}/wd/hub", grid.url);
    let top = tempfile::tempdir().unwrap();

    // One machine's view: the whole plan, two sessions at once on the grid, gated.
    let single = top.path().join("single");
    let out = collector(&single, &mark)
        .args(PLAN)
        .args(["--webdriver-url", &hub])
        .timeout(Duration::from_secs(900))
        .output()
        .unwrap();
    ok(&out, "grid run --jobs 2");
    let whole = records(&single);
    for r in whole.iter().filter(|r| r["environment"] != "build") {
        let d = &r["detail"];
        assert_eq!(d["concurrent_sessions"], 2, "{r}");
        assert!(
            d["webdriver_endpoint"]
                .as_str()
                .unwrap()
                .starts_with(&grid.url),
            "{r}"
        );
        assert!(
            d["grid_node"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1:"),
            "{r}"
        );
        assert_eq!(d["platform_name"], "linux", "{r}");
        assert_eq!(d["cross_origin_isolated"], true, "{r}");
    }

    // The same plan in three shards (6 steps: chromium's seeds fall in shards 1 and 2), merged once.
    let mut files = Vec::new();
    for i in 1..=3 {
        let dir = top.path().join(format!("shard{i}"));
        let mut cmd = collector(&dir, &mark);
        if i == 2 {
            // Shard 2 (chromium and firefox steps) finds the grid through the discovery variables.
            cmd.env("CHROMEDRIVER_REMOTE", &grid.url)
                .env("GECKODRIVER_REMOTE", &hub);
        } else {
            cmd.args(["--webdriver-url", &grid.url]);
        }
        let out = cmd
            .args(PLAN)
            .args(["--shard", &format!("{i}/3")])
            .args(["--scenario-timeout", if i == 3 { "1500" } else { "900" }])
            .timeout(Duration::from_secs(900))
            .output()
            .unwrap();
        ok(&out, "shard");
        let warned = String::from_utf8_lossy(&out.stderr)
            .contains("session-timeout 1200s, shorter than --scenario-timeout 1500s");
        assert_eq!(
            warned,
            i == 3,
            "the grid's own session-timeout is checked against --scenario-timeout"
        );
        assert!(
            !dir.join("wasm_budget_summary.json").exists(),
            "a shard does not gate"
        );
        assert!(
            !dir.join("wasm_perf_gate_events.ndjson").exists(),
            "a shard keeps no history"
        );
        files.push(dir.join("wasm_budget_shard.json"));
    }
    let merged = top.path().join("merged");
    let out = merge(&merged, &files);
    ok(&out, "merge");
    let recs = records(&merged);
    assert_eq!(
        keys(&recs),
        keys(&whole),
        "merging shards gives a single run's record keys"
    );
    let chromium: Vec<&Value> = recs
        .iter()
        .filter(|r| r["environment"] == "desktop-chromium" && r["status"] != "skip")
        .collect();
    assert!(!chromium.is_empty());
    for r in &chromium {
        assert_eq!(r["seed_set"], serde_json::json!([11, 29, 42]), "{r}");
        let paths: Vec<&str> = r["artifact_paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(paths.iter().any(|p| p.contains("shard1")), "{paths:?}");
        assert!(
            paths.iter().any(|p| p.contains("shard2")),
            "one median from two shards: {paths:?}"
        );
    }
    for r in recs.iter().filter(|r| r["environment"] != "build") {
        let d = &r["detail"];
        assert!(
            d["webdriver_endpoint"]
                .as_str()
                .unwrap()
                .starts_with(&grid.url),
            "{r}"
        );
        assert_eq!(d["concurrent_sessions"], 2, "{r}");
    }
    let sizes = recs.iter().filter(|r| r["environment"] == "build").count();
    assert_eq!(sizes, 2, "size records de-duplicated across shards");
    let history = std::fs::read_to_string(merged.join("wasm_perf_gate_events.ndjson")).unwrap();
    let events: Vec<Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!events.is_empty());
    let gated: BTreeSet<String> = events.iter().map(|e| e.to_string()).collect();
    assert_eq!(gated.len(), events.len(), "gated once: no event twice");

    // Refusals leave the merged outputs byte-identical.
    let before = (
        std::fs::read(merged.join("wasm_budget_summary.json")).unwrap(),
        history.clone(),
    );
    let out = merge(&merged, &files[..2]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[3] of 3 are missing"));
    let out = merge(
        &merged,
        &[
            files[0].clone(),
            files[0].clone(),
            files[1].clone(),
            files[2].clone(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("given twice"));
    let conflicting = conflicting_copies(top.path(), &files);
    let out = merge(&merged, &conflicting[..2]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("planned steps no shard measured"), "{err}");
    let out = merge(&merged, &conflicting);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("conflicting duplicate"), "{err}");
    assert_eq!(
        std::fs::read(merged.join("wasm_budget_summary.json")).unwrap(),
        before.0
    );
    assert_eq!(
        std::fs::read_to_string(merged.join("wasm_perf_gate_events.ndjson")).unwrap(),
        before.1
    );

    // A grid with no slot for what is asked is named as the grid's problem, not a local package's.
    let out = collector(&top.path().join("noslot"), &mark)
        .args([
            "--seeds",
            "11",
            "--iterations",
            "20",
            "--workload",
            "steady-throughput",
        ])
        .args(["--webdriver-url", &grid.url, "--startup-timeout", "20"])
        .args(["--capability", "platformName=\"windows\""])
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the grid has no slot matching browserName=chrome platformName=windows"),
        "{err}"
    );
    assert!(
        err.contains("chrome - linux"),
        "what the grid offers: {err}"
    );
    assert!(!err.contains("chromium-driver"), "{err}");
    drop(grid);
    assert_nothing_left(&mark);
}

/// Whole-plan copies of the shards (no `I/N`) plus a copy of shard 1 whose first answer differs by one sample.
fn conflicting_copies(top: &Path, files: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (i, f) in files.iter().chain(files.first()).enumerate() {
        let mut shard: Value = read(f);
        shard["shard"] = Value::Null;
        let dir = f.parent().unwrap();
        let copy_dir = top.join(format!("whole{i}"));
        std::fs::create_dir_all(&copy_dir).unwrap();
        for u in shard["units"].as_array_mut().unwrap() {
            for s in u["seeds"].as_array_mut().unwrap() {
                let abs = dir.join(s["path"].as_str().unwrap());
                s["path"] = Value::String(abs.display().to_string());
            }
        }
        if i == files.len() {
            let first = shard["units"][0]["seeds"][0]["path"]
                .as_str()
                .unwrap()
                .to_owned();
            let mut wire: Value = read(Path::new(&first));
            let sample = &mut wire["probes"][0]["samples"][0];
            *sample = Value::from(sample.as_f64().unwrap() * 1.01);
            let changed = copy_dir.join("changed.json");
            std::fs::write(&changed, serde_json::to_vec(&wire).unwrap()).unwrap();
            shard["units"][0]["seeds"][0]["path"] = Value::String(changed.display().to_string());
        }
        let p = copy_dir.join("wasm_budget_shard.json");
        std::fs::write(&p, serde_json::to_vec(&shard).unwrap()).unwrap();
        out.push(p);
    }
    out
}

#[test]
fn parallel_local_sessions_and_a_dead_grid_are_refused_clearly() {
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let out = collector(d.path(), &mark)
        .env_remove("CHROMEDRIVER_REMOTE")
        .args(["--jobs", "2", "--seeds", "11", "--iterations", "20"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--jobs 2") && err.contains("distort"), "{err}");

    let dead = format!("http://127.0.0.1:{}/wd/hub", remote::free_port());
    let out = collector(d.path(), &mark)
        .args([
            "--seeds",
            "11",
            "--iterations",
            "20",
            "--workload",
            "steady-throughput",
        ])
        .args(["--webdriver-url", &dead])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("grid or remote endpoint is unreachable"),
        "{err}"
    );
    assert!(!err.contains("chromium-driver"), "{err}");
    assert!(!d.path().join("wasm_budget_summary.json").exists());

    // The device-side localhost route needs adb and one attached device: without them, a clear error.
    let out = collector(d.path(), &mark)
        .env_remove("ANDROID_SERIAL")
        .args(["--env", "mobile-android", "--android-real", "--adb-reverse"])
        .args([
            "--android-serial",
            "no-such-device",
            "--webdriver-url",
            &dead,
        ])
        .args([
            "--seeds",
            "11",
            "--iterations",
            "20",
            "--workload",
            "steady-throughput",
        ])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--adb-reverse: ") && err.contains("adb"),
        "{err}"
    );
    assert!(!d.path().join("wasm_budget_summary.json").exists());
    assert_nothing_left(&mark);
}
