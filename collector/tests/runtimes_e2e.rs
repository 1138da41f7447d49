//! Two runtimes and a new adapter crate end to end: the futures-local adapter (another async stack)
//! and a crate `collector new-adapter` writes outside the workspace are built as any user's crate is,
//! pass `check-adapter` in Chromium and Firefox, are measured by a reduced `run`, and merge with the
//! reference adapter's run into one summary whose reports put the adapters side by side, each record
//! keyed by its adapter crate.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::{assert_nothing_left, build_variant, marker, measuring, measuring_built, read, root};

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `check-adapter` on `built` in `envs` (core-min, and core-trace when asked); must pass.
fn passes(built: &Path, envs: &[&str], trace: bool, mark: &str) {
    let artifacts = tempfile::tempdir().unwrap();
    let mut c = measuring_built("check-adapter", artifacts.path(), mark, built);
    for e in envs {
        c.args(["--env", e]);
    }
    c.args(["--profile", "core-min"]);
    if trace {
        c.args(["--profile", "core-trace"]);
    }
    let o = c.timeout(Duration::from_secs(600)).output().unwrap();
    let sessions = envs.len() * if trace { 2 } else { 1 };
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains(&format!("passes every check in {sessions} session(s)")),
        "{out}"
    );
}

/// A reduced `run --no-gate` of `built` in Chromium: its shard file.
fn shard(mut c: Command, artifacts: &Path) -> std::path::PathBuf {
    let o = c
        .args(["--env", "desktop-chromium", "--profile", "core-min"])
        .args(["--seeds", "11", "--seeds", "29", "--iterations", "100"])
        .args(["--no-gate", "--commit", "e2e-test"])
        .timeout(Duration::from_secs(600))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    artifacts.join("wasm_budget_shard.json")
}

#[test]
fn a_second_runtime_and_a_new_crate_are_checked_measured_and_reported_side_by_side() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("my-runtime");
    let new_adapter = || {
        Command::cargo_bin("collector")
            .unwrap()
            .current_dir(root())
            .arg("new-adapter")
            .arg(&mine)
            .output()
            .unwrap()
    };
    let o = new_adapter();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("collector check-adapter --adapter"));
    let again = new_adapter();
    assert_eq!(
        again.status.code(),
        Some(2),
        "a non-empty directory is refused"
    );
    assert!(
        text(&again).contains("the directory is not empty"),
        "{}",
        text(&again)
    );

    let (fl, my) = (tmp.path().join("fl"), tmp.path().join("mine"));
    build_variant(
        &fl,
        &[
            "--adapter",
            "adapters/futures-local",
            "--profile",
            "core-trace",
        ],
    );
    build_variant(&my, &["--adapter", mine.to_str().unwrap()]);
    let built: Value = read(&my.join("core-min/build.json"));
    assert_eq!(built["adapter"]["crate"], "my-runtime");
    assert!(
        mine.join("target").exists(),
        "a crate outside the workspace builds in its own target directory"
    );
    assert_eq!(
        read(&fl.join("core-trace/build.json"))["adapter"]["crate"],
        "futures-local-adapter"
    );

    let mark = marker();
    passes(&fl, &["desktop-chromium", "desktop-firefox"], true, &mark);
    passes(&my, &["desktop-chromium", "desktop-firefox"], false, &mark);

    let arts: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let shards = [
        shard(measuring("run", arts[0].path(), &mark), arts[0].path()),
        shard(
            measuring_built("run", arts[1].path(), &mark, &fl),
            arts[1].path(),
        ),
        shard(
            measuring_built("run", arts[2].path(), &mark, &my),
            arts[2].path(),
        ),
    ];
    let merged = tempfile::tempdir().unwrap();
    let o = Command::cargo_bin("collector")
        .unwrap()
        .current_dir(root())
        .arg("--artifacts-dir")
        .arg(merged.path())
        .arg("merge")
        .args(&shards)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let summary = read(&merged.path().join("wasm_budget_summary.json"));
    let records = summary["records"].as_array().unwrap();
    for name in ["reference-adapter", "futures-local-adapter", "my-runtime"] {
        let of: Vec<&Value> = records
            .iter()
            .filter(|r| r["detail"]["adapter_crate"]["name"] == name)
            .collect();
        assert_eq!(
            of.len(),
            records.len() / 3,
            "{name}: one third of the records"
        );
        assert!(of
            .iter()
            .any(|r| r["metric_id"] == "M-PERF-03B" && r["value"].as_f64().is_some()));
    }
    let md = std::fs::read_to_string(merged.path().join("wasm_budget_summary.md")).unwrap();
    assert!(
        md.contains("| metric | futures-local-adapter | my-runtime | × first | reference-adapter | × first |"),
        "{md}"
    );
    assert_nothing_left(&mark);
}
