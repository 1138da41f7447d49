//! Paired runs end to end (`collector run --against DIR`): a candidate built with a compiled-in
//! slowdown measured beside the normal build in one real browser session (Chromium and Firefox), and
//! the errors a bad `--against` gets before anything is measured.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use common::{assert_nothing_left, dist, marker, read, root, SERIAL};

/// The slowdown compiled into the candidate: far above the 10 % rule and the A/A′ spread.
const SLOWDOWN_PCT: &str = "40";

/// core-min built with the test-only slowdown into its own directory, once per test binary.
fn slowed_build() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("wasm-budgets-slowed-{}", std::process::id()));
        common::build_variant(&dir, &["--inject-slowdown", SLOWDOWN_PCT]);
        dir
    })
}

/// `collector run` of `candidate` against `base`, its processes marked with `mark`.
fn paired(artifacts: &Path, mark: &str, candidate: &Path, base: &Path) -> Command {
    let mut c = Command::cargo_bin("collector").unwrap();
    c.current_dir(root())
        .env("WASM_BUDGET_TEST_MARK", mark)
        .arg("--artifacts-dir")
        .arg(artifacts)
        .args(["run", "--commit", "e2e-test", "--prebuilt"])
        .arg(candidate)
        .arg("--against")
        .arg(base)
        .args(["--seeds", "11,29", "--iterations", "300"]);
    c
}

/// A slowed candidate against the normal build in `env`; with `more` > 0 every paired unit is measured
/// `more` extra passes (`--test-resolve-passes`), as a straddling key would be, and pooled.
fn check_slowed_run_fails(env: &str, workloads: &[&str], more: u32) {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let artifacts = d.path().join("a");
    let mark = marker();
    let mut c = paired(&artifacts, &mark, slowed_build(), &dist());
    c.args(["--env", env, "--test-resolve-passes", &more.to_string()]);
    for w in workloads {
        c.args(["--workload", w]);
    }
    let out = c.timeout(Duration::from_secs(900)).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("paired in 20 ms turns: 95 % CI"),
        "{stdout}"
    );
    let report = read(&artifacts.join("wasm_perf_regression_report.json"));
    let regs = report["regressions"].as_array().unwrap();
    let of = |metric: &str| -> &Value {
        regs.iter()
            .find(|r| r["key"]["metric_id"] == metric)
            .unwrap_or_else(|| panic!("no {metric} comparison: {report}"))
    };
    // Reserve-send carries the slowdown: the pair sees it, well above the rule, with its interval.
    let a = of("M-PERF-04A");
    assert_eq!(a["status"], "fail", "{a}");
    assert!(a["regression_pct"].as_f64().unwrap() > 15.0, "{a}");
    let note = &a["paired"];
    assert_eq!(note["base_source"], dist().display().to_string(), "{a}");
    assert!(note["blocks"].as_u64().unwrap() >= 2, "{a}");
    assert_eq!(note["passes"], 1 + more, "{a}");
    let ci = note["interval_pct"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= ci[1].as_f64().unwrap(), "{a}");
    // Sizes compare directly; the records say the candidate was the slowed build.
    assert!(of("M-PERF-01A")["paired"]["interval_pct"].is_null());
    let summary = read(&artifacts.join("wasm_budget_summary.json"));
    let rec = summary["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric_id"] == "M-PERF-04A")
        .unwrap();
    assert_eq!(
        rec["detail"]["built_slowdown_pct"],
        SLOWDOWN_PCT.parse::<f64>().unwrap()
    );
    // The regression compares values in the record's unit, pooled or not (same session, same scale).
    let ratio = a["current"].as_f64().unwrap() / rec["value"].as_f64().unwrap();
    assert!((0.5..2.0).contains(&ratio), "{a}\n{rec}");
    if workloads.contains(&"cold-start") {
        // Cold start is not slowed by the batched-operation injection, but its frames were paired.
        let cold = of("M-PERF-02A");
        assert!(cold["paired"]["blocks"].as_u64().unwrap() >= 4, "{cold}");
    }
    // Both sides' answers and the turn log are kept.
    let raw: Vec<PathBuf> = std::fs::read_dir(artifacts.join("raw"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    let run = &raw[0];
    for part in ["base", "turns"] {
        let dir = run.join(part).join(env).join("core-min");
        assert!(dir.is_dir(), "{} is missing", dir.display());
    }
    for k in 1..=more {
        // Each extra pass keeps both sides' answers and its turn log, and the table says it pooled.
        let dir = run.join(format!("resolve-{k}")).join("base").join(env);
        assert!(dir.is_dir(), "{} is missing", dir.display());
        assert!(
            stdout.contains(&format!("of {} passes (pooled)", 1 + more)),
            "{stdout}"
        );
    }
    assert_nothing_left(&mark);
}

#[test]
fn a_slowed_candidate_is_caught_beside_its_base_in_chromium() {
    check_slowed_run_fails("desktop-chromium", &["steady-throughput", "cold-start"], 1);
}

#[test]
fn a_slowed_candidate_is_caught_beside_its_base_in_firefox() {
    check_slowed_run_fails("desktop-firefox", &["steady-throughput"], 0);
}

/// A bad `--against` is refused before anything is measured: exit 2, the fix named, nothing written.
#[test]
fn a_bad_base_is_named_and_nothing_is_written() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let artifacts = d.path().join("a");
    let mark = marker();
    let refused = |base: &Path, extra: &[&str], needle: &str| {
        let out = paired(&artifacts, &mark, &dist(), base)
            .args(["--workload", "steady-throughput"])
            .args(extra)
            .timeout(Duration::from_secs(300))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(needle), "wanted {needle:?} in: {stderr}");
        assert!(
            !artifacts.join("wasm_budget_summary.json").exists(),
            "nothing is written"
        );
    };
    refused(
        &d.path().join("nowhere"),
        &[],
        "neither a directory nor a git ref",
    );
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    refused(&empty, &[], "core-min/harness_bg.wasm is missing");
    refused(&dist(), &["--baseline", "b.json"], "cannot be used with");
    // A base whose core-min directory holds another build: the page refuses to load it as core-min.
    let other = d.path().join("other");
    let core = other.join("core-min");
    std::fs::create_dir_all(&core).unwrap();
    for f in std::fs::read_dir(dist().join("core-trace"))
        .unwrap()
        .flatten()
        .filter(|f| f.path().is_file())
    {
        std::fs::copy(f.path(), core.join(f.file_name())).unwrap();
    }
    refused(&other, &[], "holds a core-trace build");
    // A git ref whose tree does not build: HEAD's tree with a broken Cargo.toml, a commit of its own.
    let broken = broken_commit(d.path());
    refused(Path::new(&broken), &[], "did not build");
    let src = root().join("target/against").join(&broken).join("src");
    git(
        &["worktree", "remove", "--force", &src.display().to_string()],
        &[],
    );
    assert_nothing_left(&mark);
}

/// `git ARGS` in the repository (with `env`); its trimmed output.
fn git(args: &[&str], env: &[(&str, &Path)]) -> String {
    let mut c = std::process::Command::new("git");
    c.current_dir(root()).args(args);
    // A fresh CI machine has no git identity; commit-tree needs one.
    for k in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] {
        c.env(k, "wasm-budgets test");
    }
    for k in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] {
        c.env(k, "test@localhost");
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A commit (in no branch) of HEAD's tree with Cargo.toml replaced by text that is not TOML.
fn broken_commit(tmp: &Path) -> String {
    let junk = tmp.join("Cargo.toml");
    std::fs::write(&junk, "this is not [toml").unwrap();
    let blob = git(&["hash-object", "-w", &junk.display().to_string()], &[]);
    let index = tmp.join("index");
    let env = [("GIT_INDEX_FILE", index.as_path())];
    git(&["read-tree", "HEAD"], &env);
    git(
        &[
            "update-index",
            "--cacheinfo",
            &format!("100644,{blob},Cargo.toml"),
        ],
        &env,
    );
    let tree = git(&["write-tree"], &env);
    git(
        &[
            "commit-tree",
            &tree,
            "-p",
            "HEAD",
            "-m",
            "a base that does not build",
        ],
        &[],
    )
}
