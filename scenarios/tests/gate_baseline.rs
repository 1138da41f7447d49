//! The gate's fail-closed baseline, value sanity and retry rules at their boundaries.

mod common;

use common::record;
use scenarios::fixtures;
use scenarios::gate::{evaluate, GateEvent, GateReport, GateRequest, Verdict};
use scenarios::summary::{Record, Status};
use scenarios::{MetricId, Unit};

struct Ask<'a> {
    measurements: Option<&'a [Record]>,
    baseline: Option<&'a [Record]>,
    current: Option<&'a [Record]>,
    history: &'a [GateEvent],
    require_baseline: bool,
    speed_adjusted: bool,
    paired_base: bool,
    run: Option<(&'a str, &'a str)>,
}

const NONE: Ask<'static> = Ask {
    measurements: None,
    baseline: None,
    current: None,
    history: &[],
    require_baseline: false,
    speed_adjusted: false,
    paired_base: false,
    run: None,
};

fn gate(a: Ask<'_>) -> GateReport {
    let budgets = fixtures::budgets();
    evaluate(&GateRequest {
        budgets: &budgets,
        profile: None,
        measurements: a.measurements,
        required: &[],
        history: a.history,
        baseline: a.baseline,
        current: a.current,
        require_baseline: a.require_baseline,
        speed_adjusted_baseline: a.speed_adjusted,
        paired_base: a.paired_base,
        run: a.run,
    })
}

fn has_error(r: &GateReport, needle: &str) -> bool {
    r.verdict == Verdict::PolicyError && r.errors.iter().any(|e| e.contains(needle))
}

#[test]
fn a_baseline_with_nothing_to_compare_is_an_error() {
    let b = [record(MetricId::Perf04A, 5.0)];
    let r = gate(Ask {
        baseline: Some(&b),
        ..NONE
    });
    assert!(has_error(&r, "nothing to compare"), "{:?}", r.errors);
    let other = [record(MetricId::Perf04B, 5.0)];
    let r = gate(Ask {
        baseline: Some(&b),
        current: Some(&other),
        ..NONE
    });
    assert!(has_error(&r, "shares no measured record"), "{:?}", r.errors);
}

/// `r` as measured through the adapter crate `name`.
fn through(mut r: Record, name: &str) -> Record {
    r.detail.get_or_insert_with(Default::default).adapter_crate =
        Some(scenarios::wire::AdapterCrate {
            name: name.into(),
            version: "0.1.0".into(),
            commit: None,
        });
    r
}

#[test]
fn two_adapters_never_compare_but_a_paired_base_pairs_whatever_it_names() {
    let b = [through(record(MetricId::Perf04A, 5.0), "reference-adapter")];
    let c = [through(
        record(MetricId::Perf04A, 9.0),
        "futures-local-adapter",
    )];
    let r = gate(Ask {
        baseline: Some(&b),
        current: Some(&c),
        ..NONE
    });
    assert!(r.regressions.is_empty(), "{:?}", r.regressions);
    assert!(has_error(&r, "same adapter crate"), "{:?}", r.errors);
    assert_eq!(r.no_baseline.len(), 1);
    assert_eq!(
        r.no_baseline[0].adapter.as_deref(),
        Some("futures-local-adapter")
    );
    assert_eq!(
        r.not_measured[0].adapter.as_deref(),
        Some("reference-adapter")
    );
    let same = [through(
        record(MetricId::Perf04A, 5.0),
        "futures-local-adapter",
    )];
    let r = gate(Ask {
        baseline: Some(&same),
        current: Some(&c),
        ..NONE
    });
    assert_eq!(r.regressions.len(), 1, "{:?}", r.errors);
    // A paired run's base built before adapter crates names none; it still pairs.
    let old = [record(MetricId::Perf04A, 5.0)];
    let r = gate(Ask {
        baseline: Some(&old),
        current: Some(&c),
        paired_base: true,
        ..NONE
    });
    assert_eq!(r.regressions.len(), 1, "{:?}", r.errors);
    assert!(r.no_baseline.is_empty() && r.not_measured.is_empty());
    // A stored baseline from before adapter keys pairs as it did, and the report says so.
    let r = gate(Ask {
        baseline: Some(&old),
        current: Some(&c),
        ..NONE
    });
    assert_eq!(r.regressions.len(), 1, "{:?}", r.errors);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("name no adapter crate") && w.contains("futures-local-adapter")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn keys_on_one_side_are_listed_and_can_be_required() {
    let b = [
        record(MetricId::Perf04A, 5.0),
        record(MetricId::Perf04C, 1.0),
    ];
    let c = [
        record(MetricId::Perf04A, 5.0),
        record(MetricId::Perf04B, 5.0),
    ];
    let ask = |require_baseline| Ask {
        baseline: Some(&b),
        current: Some(&c),
        require_baseline,
        ..NONE
    };
    let r = gate(ask(false));
    assert_eq!(r.verdict, Verdict::Pass, "{:?}", r.errors);
    assert_eq!(r.regressions.len(), 1);
    assert_eq!(r.no_baseline.len(), 1);
    assert_eq!(r.no_baseline[0].metric_id, MetricId::Perf04B);
    assert_eq!(r.not_measured.len(), 1);
    assert_eq!(r.not_measured[0].metric_id, MetricId::Perf04C);
    assert!(has_error(&gate(ask(true)), "--require-baseline"));
}

#[test]
fn baselines_in_another_unit_or_not_above_zero_are_errors() {
    let mut b = record(MetricId::Perf03B, 1000.0);
    b.unit = Unit::Microseconds;
    let c = [record(MetricId::Perf03B, 2.0)];
    let r = gate(Ask {
        baseline: Some(std::slice::from_ref(&b)),
        current: Some(&c),
        ..NONE
    });
    assert!(has_error(&r, "convert it"), "{:?}", r.errors);
    for v in [0.0, -1.0] {
        let b = [record(MetricId::Perf03B, v)];
        let r = gate(Ask {
            baseline: Some(&b),
            current: Some(&c),
            ..NONE
        });
        assert!(has_error(&r, "cannot be compared"), "{v}: {:?}", r.errors);
    }
    // Percent metrics compare in points, so a baseline at or below 0 is fine.
    let b = [record(MetricId::Perf04D, -2.0)];
    let c = [record(MetricId::Perf04D, 3.0)];
    let r = gate(Ask {
        baseline: Some(&b),
        current: Some(&c),
        ..NONE
    });
    assert_eq!(r.verdict, Verdict::Pass, "{:?}", r.errors);
    assert!((r.regressions[0].regression_pct - 5.0).abs() < 1e-12);
}

#[test]
fn negative_values_and_skips_with_values_are_errors() {
    for (m, v) in [(MetricId::Perf03B, -1.0), (MetricId::Perf01A, -665_600.0)] {
        let r = gate(Ask {
            measurements: Some(&[record(m, v)]),
            ..NONE
        });
        assert!(has_error(&r, "negative"), "{m}: {:?}", r.errors);
    }
    let r = gate(Ask {
        measurements: Some(&[record(MetricId::Perf04D, -3.0)]),
        ..NONE
    });
    assert_eq!(r.verdict, Verdict::Pass, "percent may be negative");
    let mut s = record(MetricId::Perf01A, 9e9);
    s.status = Status::Skip;
    let r = gate(Ask {
        measurements: Some(std::slice::from_ref(&s)),
        ..NONE
    });
    assert!(has_error(&r, "a skip has no value"), "{:?}", r.errors);
}

#[test]
fn a_retry_of_the_same_run_does_not_extend_a_warn_streak() {
    let warn = [record(MetricId::Perf04B, 20.0)];
    let first = gate(Ask {
        measurements: Some(&warn),
        run: Some(("c1", "run-7")),
        ..NONE
    });
    assert_eq!(first.verdict, Verdict::Warn);
    let history = first.events("c1", Some("run-7"), None);
    let retry = gate(Ask {
        measurements: Some(&warn),
        history: &history,
        run: Some(("c1", "run-7")),
        ..NONE
    });
    assert_eq!(retry.verdict, Verdict::Warn, "a retry is the same breach");
    assert_eq!(retry.results[0].warn_streak, 1);
    let next_run = gate(Ask {
        measurements: Some(&warn),
        history: &history,
        run: Some(("c1", "run-8")),
        ..NONE
    });
    assert_eq!(
        next_run.verdict,
        Verdict::Fail,
        "another run is a second breach"
    );
}

/// A record of `metric` measured while the machine-speed reference cost `reference` ns per operation.
fn at_speed(metric: MetricId, value: f64, reference: Option<f64>) -> Record {
    let mut r = record(metric, value);
    r.detail = Some(scenarios::summary::Detail {
        speed_reference_ns: reference,
        ..Default::default()
    });
    r
}

#[test]
fn raw_by_default_and_at_the_baselines_machine_speed_on_request() {
    // The machine ran 20 % slower now and the value is 20 % higher: raw (the default) it fails …
    let b = [at_speed(MetricId::Perf04A, 5.0, Some(100.0))];
    let c = [at_speed(MetricId::Perf04A, 6.0, Some(120.0))];
    let ask = |speed_adjusted| Ask {
        baseline: Some(&b),
        current: Some(&c),
        speed_adjusted,
        ..NONE
    };
    let raw = gate(ask(false));
    assert_eq!(raw.regressions[0].status, Status::Fail);
    assert_eq!(raw.regressions[0].machine_slowdown, None);
    assert_eq!(raw.regressions[0].current_at_baseline_speed, None);
    // … and at the baseline's speed, asked for, it is no regression.
    let r = gate(ask(true));
    assert_eq!(r.verdict, Verdict::Pass, "{:?}", r.regressions);
    let reg = &r.regressions[0];
    assert!((reg.machine_slowdown.unwrap() - 1.2).abs() < 1e-12);
    assert!((reg.current_at_baseline_speed.unwrap() - 5.0).abs() < 1e-12);
    assert_eq!(reg.current, 6.0);
    assert!(reg.regression_pct.abs() < 1e-9);

    // A machine that ran faster cannot hide a regression: −10 % raw at a 25 % faster machine is +20 %.
    let fast = [at_speed(MetricId::Perf04A, 4.5, Some(75.0))];
    let r = gate(Ask {
        baseline: Some(&b),
        current: Some(&fast),
        speed_adjusted: true,
        ..NONE
    });
    assert_eq!(r.regressions[0].status, Status::Fail, "{:?}", r.regressions);
    assert!((r.regressions[0].regression_pct - 20.0).abs() < 1e-9);
}

#[test]
fn without_a_reference_on_both_sides_or_for_percent_metrics_values_compare_raw() {
    let b = [at_speed(MetricId::Perf04A, 5.0, None)];
    let c = [at_speed(MetricId::Perf04A, 6.0, Some(120.0))];
    let r = gate(Ask {
        baseline: Some(&b),
        current: Some(&c),
        speed_adjusted: true,
        ..NONE
    });
    assert_eq!(r.regressions[0].machine_slowdown, None);
    assert_eq!(r.regressions[0].status, Status::Fail);
    let b = [at_speed(MetricId::Perf04D, 2.0, Some(100.0))];
    let c = [at_speed(MetricId::Perf04D, 3.0, Some(200.0))];
    let r = gate(Ask {
        baseline: Some(&b),
        current: Some(&c),
        speed_adjusted: true,
        ..NONE
    });
    assert_eq!(r.regressions[0].machine_slowdown, None);
    assert!((r.regressions[0].regression_pct - 1.0).abs() < 1e-12);
}

#[test]
fn a_machine_far_from_the_baselines_speed_is_warned_about() {
    let b = [at_speed(MetricId::Perf04A, 5.0, Some(100.0))];
    let c = [at_speed(MetricId::Perf04A, 7.5, Some(150.0))];
    let r = gate(Ask {
        baseline: Some(&b),
        current: Some(&c),
        speed_adjusted: true,
        ..NONE
    });
    assert_eq!(r.verdict, Verdict::Pass);
    assert!(
        r.warnings.iter().any(|w| w.contains("×1.50")),
        "{:?}",
        r.warnings
    );
}
