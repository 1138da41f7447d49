//! Human-readable tables of records and gate verdicts; they return text and the caller prints it.

use comfy_table::{
    presets::UTF8_FULL_CONDENSED, ColumnConstraint, ContentArrangement, Table, Width,
};
use scenarios::gate::{GateReport, MetricResult, Verdict};
use scenarios::summary::{Record, RecordKey};

use crate::units::{digits, human, human_opt, why, Why};

/// The widest a "why" cell gets before it wraps.
const WHY_WIDTH: u16 = 44;

/// A table that keeps its columns and wraps long cells.
fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}

/// The short reason of a judged record, in scaled units (the report file keeps the gate's exact words).
fn short_why(r: &MetricResult) -> String {
    why(&Why {
        value: r.value,
        unit: r.unit,
        kind: r.key.metric_id.gate_kind(),
        warn: r.threshold_warn,
        hard: r.threshold_hard,
        band: r.band,
        status: r.status,
        streak: r.warn_streak,
        skip_reason: Some(&r.reason),
    })
}

/// `framework/workload`, and the adapter crate after it where the table holds `several`.
fn scenario(key: &RecordKey, several: bool) -> String {
    let s = match (key.framework, key.workload) {
        (Some(f), Some(w)) => format!("{f}/{w}"),
        (None, Some(w)) => w.to_string(),
        _ => "-".into(),
    };
    match &key.adapter {
        Some(a) if several => format!("{s} ({a})"),
        _ => s,
    }
}

/// Whether the keys name more than one adapter crate.
fn several<'k>(keys: impl IntoIterator<Item = &'k RecordKey>) -> bool {
    let mut first = None;
    keys.into_iter()
        .filter_map(|k| k.adapter.as_deref())
        .any(|a| *first.get_or_insert(a) != a)
}

/// Records as measured, with their stamped status.
pub fn records(records: &[Record]) -> String {
    let mut t = table();
    t.set_header([
        "metric",
        "profile",
        "environment",
        "scenario",
        "value",
        "target",
        "hard",
        "status",
    ]);
    let keys: Vec<RecordKey> = records.iter().map(Record::key).collect();
    let several = several(&keys);
    for (r, key) in records.iter().zip(&keys) {
        t.add_row([
            r.metric_id.to_string(),
            r.profile.to_string(),
            r.environment.to_string(),
            scenario(key, several),
            human_opt(r.value, r.unit),
            human_opt(r.threshold_warn, r.unit),
            human_opt(r.threshold_hard, r.unit),
            r.status.to_string(),
        ]);
    }
    format!("{t}\n")
}

/// The gate's verdict: one row per judged record, then regressions, errors and the overall verdict.
/// How a regression's two values were compared: paired in one session (with the interval), at the
/// baseline's machine speed, or raw.
pub fn compared(
    paired: Option<&scenarios::paired::PairedNote>,
    machine_slowdown: Option<f64>,
) -> String {
    match (paired, machine_slowdown) {
        (Some(p), _) => match (p.interval_pct, p.resolution) {
            (Some((lo, hi)), Some(res)) => format!(
                "paired{}: 95 % CI [{lo:+.1}, {hi:+.1}] over {} blocks{}, {}",
                p.turn_ms
                    .map_or(String::new(), |ms| format!(" in {ms} ms turns")),
                p.blocks,
                if p.passes > 1 {
                    format!(" of {} passes (pooled)", p.passes)
                } else {
                    String::new()
                },
                match res {
                    scenarios::paired::Resolution::Resolved => "resolved",
                    scenarios::paired::Resolution::PointEstimate => "point estimate decides",
                }
            ),
            _ => "paired: direct".to_owned(),
        },
        (None, Some(m)) => format!("machine now/then {m:.3}"),
        (None, None) => "raw".to_owned(),
    }
}

/// The gate's verdict as text: the judged records, the baseline comparisons, what could not be
/// compared, warnings, policy errors and the verdict line.
pub fn verdict(report: &GateReport) -> String {
    let mut out = String::new();
    if !report.results.is_empty() {
        out.push_str(&format!("{}\n", results_table(report)));
    }
    if !report.regressions.is_empty() {
        out.push_str(&format!("{}\n", regressions_table(report)));
        if let Some(p) = report.regressions.iter().find_map(|r| r.paired.as_ref()) {
            out.push_str(&format!(
                "baseline = the base build {}, measured beside the candidate in the same browser session(s)\n",
                p.base_source
            ));
        }
    }
    for k in &report.no_baseline {
        out.push_str(&format!(
            "no baseline: {k} (measured now, not in the baseline: nothing compared)\n"
        ));
    }
    for k in &report.not_measured {
        out.push_str(&format!(
            "not measured: {k} (in the baseline, not measured now)\n"
        ));
    }
    for w in &report.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    for e in &report.errors {
        out.push_str(&format!("policy error: {e}\n"));
    }
    out.push_str(match report.verdict {
        Verdict::Pass => "verdict: PASS\n",
        Verdict::Warn => "verdict: WARN (passes now; a second warn in a row fails)\n",
        Verdict::Fail => "verdict: FAIL\n",
        Verdict::PolicyError => "verdict: POLICY ERROR (the measurements cannot be judged)\n",
    });
    out
}

fn results_table(report: &GateReport) -> Table {
    let mut t = table();
    t.set_header([
        "metric",
        "profile",
        "environment",
        "scenario",
        "value",
        "status",
        "why",
    ]);
    let several = several(report.results.iter().map(|r| &r.key));
    for r in &report.results {
        t.add_row([
            r.key.metric_id.to_string(),
            r.key.profile.to_string(),
            r.key.environment.to_string(),
            scenario(&r.key, several),
            human_opt(r.value, r.unit),
            r.status.to_string().to_uppercase(),
            short_why(r),
        ]);
    }
    if let Some(c) = t.column_mut(6) {
        c.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(WHY_WIDTH)));
    }
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(250);
    t
}

fn regressions_table(report: &GateReport) -> Table {
    let mut t = table();
    t.set_header([
        "regression",
        "scenario",
        "baseline",
        "current",
        "compared",
        "change %",
        "max %",
        "noise %",
        "status",
    ]);
    let several = several(report.regressions.iter().map(|r| &r.key));
    for r in &report.regressions {
        t.add_row([
            format!(
                "{} {} {}",
                r.key.metric_id, r.key.profile, r.key.environment
            ),
            scenario(&r.key, several),
            human(r.baseline, r.key.metric_id.unit()),
            human(r.current, r.key.metric_id.unit()),
            compared(r.paired.as_ref(), r.machine_slowdown),
            format!("{:+.2}", r.regression_pct),
            digits(r.max_regression_pct),
            r.noise_pct.map_or("?".to_owned(), digits),
            r.status.to_string().to_uppercase(),
        ]);
    }
    t
}

/// At most `MAX_LISTED` items joined by `sep`, then how many more there were (100 000 duplicate records
/// make one readable line, not 7 MB of them).
pub fn first_few(items: &[String], sep: &str) -> String {
    const MAX_LISTED: usize = 10;
    let mut out = items
        .iter()
        .take(MAX_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(sep);
    if items.len() > MAX_LISTED {
        out.push_str(&format!(
            "{sep}… and {} more ({} in all)",
            items.len() - MAX_LISTED,
            items.len()
        ));
    }
    out
}
