//! Cold init end to end in headless Chromium: the gate value does not count transfer (a slowed server
//! moves the transfer components, not the value), emulated mobile is throttled in every phase, and
//! seeds take turns in one page call.
//! Both compare two measurements of the same test (ratios), never a measurement against a clock.

mod common;

use std::path::Path;

use common::{assert_nothing_left, collector, marker, measured_records, SERIAL};
use serde_json::Value;

/// One reduced cold-start run; returns its cold-init records.
fn cold_records(artifacts: &Path, extra: &[&str]) -> Vec<Value> {
    let mark = marker();
    let mut cmd = collector(artifacts, &mark);
    cmd.args([
        "--workload",
        "cold-start",
        "--seeds",
        "11",
        "--iterations",
        "60",
    ])
    .args(extra);
    let recs = measured_records(cmd, artifacts, "cold start");
    assert_nothing_left(&mark);
    recs.into_iter()
        .filter(|r| matches!(r["metric_id"].as_str(), Some("M-PERF-02A" | "M-PERF-02B")))
        .collect()
}

fn component(r: &Value, name: &str) -> f64 {
    r["detail"]["components_p95"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("no components_p95.{name}: {r}"))
}

/// The gate phases (compile, instantiate, runtime start, first task), ms.
fn gate_phases(r: &Value) -> f64 {
    [
        "compile_ms",
        "instantiate_ms",
        "runtime_start_ms",
        "first_task_ms",
    ]
    .iter()
    .map(|c| component(r, c))
    .sum()
}

#[test]
fn a_slower_server_moves_the_transfer_not_the_cold_init_value() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let plain_dir = tempfile::tempdir().unwrap();
    let slow_dir = tempfile::tempdir().unwrap();
    let plain = cold_records(plain_dir.path(), &[]);
    let slow = cold_records(slow_dir.path(), &["--test-server-delay-ms", "80"]);
    let (plain, slow) = (&plain[0], &slow[0]);
    assert_eq!(slow["detail"]["server_delay_ms"], 80, "{slow}");
    assert!(plain["detail"].get("server_delay_ms").is_none(), "{plain}");
    // Each transfer phase waits for at least one delayed response.
    for c in ["fetch_ms", "glue_import_ms"] {
        assert!(
            component(slow, c) >= component(plain, c) + 60.0,
            "{c}: {} vs {}",
            component(slow, c),
            component(plain, c)
        );
    }
    // The value is the gate phases' (each sample's sum, then p95s): 160 ms more transfer per sample
    // would have moved a value that counted it far past this.
    let (v0, v1) = (
        plain["value"].as_f64().unwrap(),
        slow["value"].as_f64().unwrap(),
    );
    assert!(
        v1 < v0 * 2.0 + 10.0,
        "value moved with the server: {v0} ms → {v1} ms"
    );
    // And the value stays of the gate phases' size, nowhere near the transfer's.
    assert!(v1 < gate_phases(slow) * 2.0, "{slow}");
}

#[test]
fn emulated_mobile_throttles_every_cold_init_phase() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let recs = cold_records(
        d.path(),
        &["--env", "desktop-chromium", "--env", "mobile-android"],
    );
    let pick = |m: &str| recs.iter().find(|r| r["metric_id"] == m).unwrap();
    let (desktop, mobile) = (pick("M-PERF-02A"), pick("M-PERF-02B"));
    assert_eq!(mobile["detail"]["cpu_throttle_rate"], 4.0);
    assert_eq!(mobile["detail"]["device"], "emulated");
    let note = mobile["detail"]["cpu_throttle_note"].as_str().unwrap();
    assert!(note.contains("main thread"), "{note}");
    let phases = |r: &Value| {
        ["compile_ms", "instantiate_ms", "runtime_start_ms"]
            .iter()
            .map(|c| component(r, c))
            .sum::<f64>()
    };
    let ratio = phases(mobile) / phases(desktop);
    assert!(
        ratio >= 2.5,
        "compile + instantiate + runtime start: emulated {} ms vs desktop {} ms ({ratio:.2}x)",
        phases(mobile),
        phases(desktop)
    );
}

#[test]
fn cold_start_seeds_take_turns_in_one_call() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let d = tempfile::tempdir().unwrap();
    let mark = marker();
    let mut cmd = collector(d.path(), &mark);
    cmd.args([
        "--workload",
        "cold-start",
        "--seeds",
        "11,29",
        "--iterations",
        "60",
    ]);
    let recs = measured_records(cmd, d.path(), "two-seed cold start");
    assert_nothing_left(&mark);
    let r = recs
        .iter()
        .find(|r| r["metric_id"] == "M-PERF-02A")
        .unwrap();
    assert_eq!(r["detail"]["cold_seeds_in_turn"], 2, "{r}");
    let seeds: Vec<u64> = r["detail"]["per_seed_p95"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["seed"].as_u64().unwrap())
        .collect();
    assert_eq!(seeds, [11, 29], "both seeds folded, in plan order: {r}");
    // Every other record (no cold start) says nothing of turns.
    assert!(recs
        .iter()
        .filter(|r| r["metric_id"] != "M-PERF-02A")
        .all(|r| r["detail"].get("cold_seeds_in_turn").is_none()));
}
