//! The page's live table judges as the CI gate does (contract 8.3): every threshold of every metric and
//! profile, at, just below and just above it, through `live_rows`, what the page's table calls (page-tools).

use page_tools::table::live_rows;
use scenarios::{GateKind, MetricId, Profile};
use serde_json::{json, Value};

/// The budgets file as `collector serve` serves it at `/ci/wasm_perf_budgets.json`.
const BUDGETS: &str = include_str!("../../ci/wasm_perf_budgets.json");

/// The gate's inclusive comparison slack (`scenarios::gate`): a value this close above a threshold passes it.
const WITHIN_EPS: f64 = 1e-10;

fn budgets() -> Value {
    serde_json::from_str(BUDGETS).unwrap()
}

/// The same budgets with every operational target moved below its warn threshold (`target != warn`).
fn budgets_target_below_warn() -> Value {
    let mut b = budgets();
    for m in b["metrics"].as_array_mut().unwrap() {
        if m["gate"] == "operational" {
            let warn = m["warn"].as_f64().unwrap();
            m["target"] = json!(warn / 2.0);
        }
    }
    b
}

/// The row the page's table shows for one metric whose per-seed p95s have `value` as their median.
fn table_row(budgets: &Value, profile: Profile, metric: MetricId, value: f64) -> Value {
    let summary = |seed: u64, p95: f64| {
        json!({"workload": "steady-throughput", "probe": "reserve-send", "metric": metric,
               "unit": metric.unit(), "seed": seed, "batch_size": 64, "loop_overhead_ns": 0.0, "p95": p95})
    };
    let request = json!({
        "budgets": budgets, "profile": profile, "environment": "desktop-chromium",
        "results": [summary(11, value - 1.0), summary(29, value + 1.0), summary(42, value)],
    });
    let rows = live_rows(&request.to_string()).expect("live_rows accepts the page's request");
    let rows: Value = serde_json::from_str(&rows).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    rows[0].clone()
}

/// `(value, expected status)` around each threshold of `metric` in `profile`, by the contract's rule:
/// lower is better, a value equal to a threshold passes it; operational metrics band on `target`.
fn cases(m: &Value, profile: Profile) -> Vec<(f64, &'static str)> {
    let nudge = |t: f64| (t.abs() * 1e-6).max(1e-6);
    let around = |t: f64, at_or_below: &'static str, above: &'static str| {
        vec![
            (t - nudge(t), at_or_below),
            (t, at_or_below),
            (t + WITHIN_EPS, at_or_below),
            (t + nudge(t), above),
        ]
    };
    if m["gate"] == "hard" {
        return around(
            m["thresholds"][profile.as_str()].as_f64().unwrap(),
            "pass",
            "fail",
        );
    }
    let (target, warn, hard) = (
        m["target"].as_f64().unwrap(),
        m["warn"].as_f64().unwrap(),
        m["hard"].as_f64().unwrap(),
    );
    let mut c = around(target, "pass", "warn");
    if warn > target {
        // Inside the warn band on both sides of `warn`: the gate bands on target, not on warn.
        c.extend(around(warn, "warn", "warn"));
    }
    c.extend(around(hard, "warn", "fail"));
    c
}

fn check_every_threshold(budgets: &Value) {
    let mut checked = 0;
    for m in budgets["metrics"].as_array().unwrap() {
        let metric: MetricId = m["id"].as_str().unwrap().parse().unwrap();
        for &profile in Profile::ALL {
            for (value, want) in cases(m, profile) {
                let row = table_row(budgets, profile, metric, value);
                assert_eq!(
                    row["value"].as_f64(),
                    Some(value),
                    "{metric}: median of the seeds"
                );
                assert_eq!(
                    row["status"], want,
                    "{metric} {profile} at {value}: the table says {} (budget {}), the gate says {want}",
                    row["status"], row["budget"]
                );
                assert_eq!(row["cells"][7], want, "{metric}: the status cell");
                checked += 1;
            }
        }
        let gate = if m["gate"] == "hard" {
            GateKind::Hard
        } else {
            GateKind::Operational
        };
        assert_eq!(gate, metric.gate_kind());
    }
    assert!(checked >= 10 * 3 * 4, "only {checked} cases");
}

#[test]
fn live_table_gives_the_gates_status_at_every_threshold() {
    check_every_threshold(&budgets());
}

#[test]
fn live_table_bands_on_target_when_target_is_not_warn() {
    let b = budgets_target_below_warn();
    check_every_threshold(&b);
    // Between target and warn is a warn (a rule banding on `warn` would say pass).
    let row = table_row(&b, Profile::CoreMin, MetricId::Perf04A, 6.0);
    assert_eq!(row["status"], "warn");
    assert_eq!(row["threshold_warn"], 8.0);
    assert_eq!(row["threshold_hard"], 12.0);
    assert_eq!(row["target"], 4.0);
}

#[test]
fn live_table_without_budgets_judges_nothing() {
    let row = table_row(&Value::Null, Profile::CoreMin, MetricId::Perf04A, 6.0);
    assert_eq!(row["status"], Value::Null);
    assert_eq!(row["cells"][6], "no budget file");
}
