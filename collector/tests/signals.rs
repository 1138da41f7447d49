//! Stopping `collector run` from outside mid-measurement in real headless Chromium: SIGTERM and SIGHUP
//! clean up like Ctrl-C (exit 2, named, summary untouched); after SIGKILL, when no destructor runs, the
//! drivers' watchdogs still kill every driver and browser and remove the browser profile.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{assert_nothing_left, dist, kill, marked_processes, marker, root, SERIAL};

const PREVIOUS: &[u8] = b"{\"previous\": true}";

/// Starts a long cold-start run and returns it once its browser is up, with the browser's profile directory.
fn start_run(artifacts: &Path, mark: &str) -> (Child, PathBuf) {
    std::fs::write(artifacts.join("wasm_budget_summary.json"), PREVIOUS).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(root())
        .env("WASM_BUDGET_TEST_MARK", mark)
        .arg("--artifacts-dir")
        .arg(artifacts)
        .args(["run", "--prebuilt"])
        .arg(dist())
        .args(["--workload", "cold-start", "--seeds", "11,29,42,73,101"])
        .args(["--iterations", "400"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let profile = loop {
        let browser = marked_processes(mark).into_iter().find_map(|(_, cmd)| {
            let dir = cmd
                .split(' ')
                .find_map(|a| a.strip_prefix("--user-data-dir="))?;
            (!cmd.contains("--type=")).then(|| PathBuf::from(dir))
        });
        if let Some(dir) = browser {
            break dir;
        }
        assert!(Instant::now() < deadline, "the browser never started");
        std::thread::sleep(Duration::from_millis(200));
    };
    // Let the page get into the measurement.
    std::thread::sleep(Duration::from_secs(2));
    (child, profile)
}

fn stopped_cleanly_by(signal: &str, name: &str) {
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let (child, profile) = start_run(d.path(), &mark);
    kill(signal, child.id());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert!(stderr.contains(name), "the message names {name}: {stderr}");
    assert!(
        stderr.contains("browsers and drivers were stopped"),
        "{stderr}"
    );
    let summary = std::fs::read(d.path().join("wasm_budget_summary.json")).unwrap();
    assert_eq!(
        summary, PREVIOUS,
        "{name}: the previous summary must be left intact"
    );
    assert_nothing_left(&mark);
    assert!(
        !profile.exists(),
        "{name}: {} was left behind",
        profile.display()
    );
}

#[test]
fn sigterm_and_sighup_clean_up_like_ctrl_c() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    stopped_cleanly_by("-TERM", "SIGTERM");
    stopped_cleanly_by("-HUP", "SIGHUP");
}

#[test]
fn sigkill_of_the_collector_leaves_no_driver_browser_or_profile() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let (mut child, profile) = start_run(d.path(), &mark);
    let before = marked_processes(&mark).len();
    assert!(before >= 3, "collector, driver and browser run: {before}");
    kill("-9", child.id());
    let _ = child.wait();
    assert_nothing_left(&mark);
    let deadline = Instant::now() + Duration::from_secs(10);
    while profile.exists() {
        assert!(
            Instant::now() < deadline,
            "{} was left behind",
            profile.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let summary = std::fs::read(d.path().join("wasm_budget_summary.json")).unwrap();
    assert_eq!(summary, PREVIOUS);
}
