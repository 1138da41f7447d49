//! Every gate rule at its boundaries: thresholds, warn streaks, baseline regression, fail-closed errors.

mod common;

use common::record;
use scenarios::fixtures;
use scenarios::gate::{evaluate, GateEvent, GateReport, GateRequest, Verdict};
use scenarios::summary::{Detail, Record, Status};
use scenarios::{Environment, MetricId, Profile, Workload};

fn gate(records: &[Record], history: &[GateEvent], required: &[MetricId]) -> GateReport {
    let budgets = fixtures::budgets();
    evaluate(&GateRequest {
        budgets: &budgets,
        profile: Some(Profile::CoreMin),
        measurements: Some(records),
        required,
        history,
        baseline: None,
        current: None,
        require_baseline: false,
        speed_adjusted_baseline: false,
        paired_base: false,
        run: None,
    })
}

fn one(metric: MetricId, value: f64) -> (Verdict, Status) {
    let r = gate(&[record(metric, value)], &[], &[]);
    (r.verdict, r.results[0].status)
}

#[test]
fn hard_threshold_is_inclusive() {
    assert_eq!(one(MetricId::Perf02A, 60.0), (Verdict::Pass, Status::Pass));
    assert_eq!(
        one(MetricId::Perf02A, 60.001),
        (Verdict::Fail, Status::Fail)
    );
    assert_eq!(
        one(MetricId::Perf01A, 665_600.0),
        (Verdict::Pass, Status::Pass)
    );
    assert_eq!(
        one(MetricId::Perf01A, 665_601.0),
        (Verdict::Fail, Status::Fail)
    );
}

#[test]
fn operational_bands() {
    assert_eq!(one(MetricId::Perf04A, 8.0), (Verdict::Pass, Status::Pass));
    assert_eq!(one(MetricId::Perf04A, 8.01), (Verdict::Warn, Status::Warn));
    assert_eq!(one(MetricId::Perf04A, 12.0), (Verdict::Warn, Status::Warn));
    assert_eq!(one(MetricId::Perf04A, 12.01), (Verdict::Fail, Status::Fail));
    assert_eq!(one(MetricId::Perf04D, -3.0), (Verdict::Pass, Status::Pass));
    assert_eq!(one(MetricId::Perf04D, 20.5), (Verdict::Fail, Status::Fail));
}

#[test]
fn second_consecutive_warn_fails_and_a_pass_resets() {
    let warn = [record(MetricId::Perf04B, 20.0)];
    let first = gate(&warn, &[], &[]);
    assert_eq!(first.verdict, Verdict::Warn);
    let mut history = first.events("c1", None, None);
    let second = gate(&warn, &history, &[]);
    assert_eq!(second.verdict, Verdict::Fail);
    assert_eq!(second.results[0].band, Status::Warn);
    assert_eq!(second.results[0].warn_streak, 2);
    history.extend(second.events("c2", None, None));
    let pass = gate(&[record(MetricId::Perf04B, 10.0)], &history, &[]);
    assert_eq!(pass.verdict, Verdict::Pass);
    history.extend(pass.events("c3", None, None));
    // warn, pass, warn: the streak restarted.
    assert_eq!(gate(&warn, &history, &[]).verdict, Verdict::Warn);
}

#[test]
fn streaks_are_kept_per_record_key() {
    let mut a = record(MetricId::Perf04B, 20.0);
    a.detail = Some(Detail {
        workload: Some(Workload::CancellationStorm),
        ..Detail::default()
    });
    let mut b = a.clone();
    b.environment = Environment::DesktopFirefox;
    let history = gate(&[a.clone()], &[], &[]).events("c1", None, None);
    let r = gate(&[a, b], &history, &[]);
    let statuses: Vec<Status> = r.results.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Status::Fail, Status::Warn]);
}

#[test]
fn skip_is_never_a_pass_and_required_metrics_fail_closed() {
    let mut s = record(MetricId::Perf02B, 0.0);
    s.value = None;
    s.status = Status::Skip;
    let r = gate(&[s.clone(), record(MetricId::Perf01A, 1.0)], &[], &[]);
    assert_eq!(r.results[0].status, Status::Skip);
    assert_eq!(r.verdict, Verdict::Pass);
    let r = gate(
        &[s, record(MetricId::Perf01A, 1.0)],
        &[],
        &[MetricId::Perf01A, MetricId::Perf01B, MetricId::Perf02B],
    );
    assert_eq!(r.verdict, Verdict::PolicyError);
    assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
}

#[test]
fn empty_measurements_unit_mismatch_and_duplicates_are_policy_errors() {
    assert_eq!(gate(&[], &[], &[]).verdict, Verdict::PolicyError);
    let mut r = record(MetricId::Perf02A, 1.0);
    r.unit = scenarios::Unit::Microseconds;
    assert_eq!(gate(&[r], &[], &[]).verdict, Verdict::PolicyError);
    let d = record(MetricId::Perf02A, 1.0);
    assert_eq!(
        gate(&[d.clone(), d], &[], &[]).verdict,
        Verdict::PolicyError
    );
}

fn regression(base: f64, cur: f64, metric: MetricId) -> Verdict {
    let budgets = fixtures::budgets();
    let b = [record(metric, base)];
    let c = [record(metric, cur)];
    evaluate(&GateRequest {
        budgets: &budgets,
        profile: None,
        measurements: None,
        required: &[],
        history: &[],
        baseline: Some(&b),
        current: Some(&c),
        require_baseline: false,
        speed_adjusted_baseline: false,
        paired_base: false,
        run: None,
    })
    .verdict
}

#[test]
fn baseline_regression_boundary() {
    assert_eq!(regression(30.0, 33.0, MetricId::Perf02A), Verdict::Pass);
    assert_eq!(regression(30.0, 33.003, MetricId::Perf02A), Verdict::Fail);
    assert_eq!(regression(100.0, 110.0, MetricId::Perf02A), Verdict::Pass);
    assert_eq!(regression(100.0, 110.01, MetricId::Perf02A), Verdict::Fail);
    assert_eq!(regression(100.0, 90.0, MetricId::Perf02A), Verdict::Pass);
    // Percent metrics regress in percentage points.
    assert_eq!(regression(2.0, 12.0, MetricId::Perf04D), Verdict::Pass);
    assert_eq!(regression(2.0, 12.5, MetricId::Perf04D), Verdict::Fail);
}
