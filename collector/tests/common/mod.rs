//! Shared by the end-to-end test files: the repository paths, a marker to find every process a run
//! started, the wait that proves none is left, and the collector command they all drive.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

pub static SERIAL: Mutex<()> = Mutex::new(());

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn dist() -> PathBuf {
    let d = root().join("dist");
    for p in ["core-min", "core-trace"] {
        assert!(
            d.join(p).join("harness_bg.wasm").is_file(),
            "dist/{p} is missing: run `cargo run -p collector -- build` first (ci/test.sh does)"
        );
    }
    d
}

/// A unique marker in the collector's environment, inherited by its drivers and browsers.
pub fn marker() -> String {
    format!(
        "run-e2e-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos() ^ rand_nanos()
    )
}

pub fn rand_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Live (non-zombie) processes whose environment holds the marker.
pub fn marked_processes(mark: &str) -> Vec<(u32, String)> {
    let needle = format!("WASM_BUDGET_TEST_MARK={mark}");
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(env) = std::fs::read(e.path().join("environ")) else {
            continue;
        };
        if !env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()) {
            continue;
        }
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|s| s.split_whitespace().next())
            .unwrap_or("");
        if state == "Z" || state == "X" {
            continue;
        }
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        out.push((pid, String::from_utf8_lossy(&cmd).replace('\0', " ")));
    }
    out
}

/// Waits (briefly) for every marked process to be gone.
pub fn assert_nothing_left(mark: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = marked_processes(mark);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes left behind: {left:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

pub fn collector(artifacts: &Path, mark: &str) -> Command {
    let mut c = measuring("run", artifacts, mark);
    c.args(["--commit", "e2e-test"]);
    c
}

/// A measuring subcommand (`run`, `noise`) on the prebuilt profiles, its processes marked with `mark`.
pub fn measuring(subcommand: &str, artifacts: &Path, mark: &str) -> Command {
    measuring_built(subcommand, artifacts, mark, &dist())
}

/// A measuring subcommand on the profiles prebuilt in `built` (a test-only variant's directory).
pub fn measuring_built(subcommand: &str, artifacts: &Path, mark: &str, built: &Path) -> Command {
    let mut c = Command::cargo_bin("collector").expect("binary");
    c.current_dir(root())
        .env("WASM_BUDGET_TEST_MARK", mark)
        .arg("--artifacts-dir")
        .arg(artifacts)
        .arg(subcommand)
        .arg("--prebuilt")
        .arg(built);
    c
}

/// Runs a measuring command that must complete (pass or budget failure) and returns the summary's records.
pub fn measured_records(mut cmd: Command, artifacts: &Path, what: &str) -> Vec<Value> {
    let out = cmd.timeout(Duration::from_secs(1200)).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{what}: exit {:?}: {stderr}",
        out.status.code()
    );
    let s = read(&artifacts.join("wasm_budget_summary.json"));
    s["records"].as_array().unwrap().clone()
}

/// `collector build --profile core-min FLAGS… --dist DIR`: a test-only variant of core-min in its own
/// directory (a compiled-in slowdown, a planted size growth); returns the build's stderr.
pub fn build_variant(dir: &Path, flags: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("collector")
        .unwrap()
        .current_dir(root())
        .args(["build", "--profile", "core-min"])
        .args(flags)
        .arg("--dist")
        .arg(dir)
        .timeout(Duration::from_secs(900))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "the {flags:?} build: {err}");
    err
}

pub fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("file")).expect("json")
}

/// Sends `signal` (e.g. `-9`, `-TERM`) to `pid`.
pub fn kill(signal: &str, pid: u32) {
    let _ = std::process::Command::new("kill")
        .arg(signal)
        .arg(pid.to_string())
        .status();
}

/// A headless Chromium session (through the local chromedriver) that runs `hook` in every new document
/// before the page's own scripts, so a test can watch what the page does.
pub async fn chromium_with_hook(hook: &str) -> webdriver::Session {
    use webdriver::{BrowserTarget, DriverEnv, Session, SessionConfig};
    let session = Session::start(
        SessionConfig::new(BrowserTarget::Chromium).page_load_timeout(Duration::from_secs(60)),
        &DriverEnv::from_process_env(),
    )
    .await
    .expect("start headless Chromium (ci/setup.sh installs it)");
    session
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": hook }),
        )
        .await
        .unwrap();
    session
}
