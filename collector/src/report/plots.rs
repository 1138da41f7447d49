//! The report's rows mapped onto the `charts` crate's plain inputs (the crate draws; the page draws
//! the same ones): headroom bars, per-seed latency CDFs with budget lines, cold-init phases, sizes.

use std::collections::BTreeMap;

use scenarios::{MetricId, Unit};

use super::model::Row;
use super::ReportError;

pub type Svg = Result<String, ReportError>;

/// One bar per record: its value as a share of the hard budget, the target marked, 100 % = budget.
pub fn headroom(title: &str, rows: &[&Row<'_>]) -> Svg {
    let bars: Vec<charts::Bar> = rows
        .iter()
        .map(|r| charts::Bar {
            label: r.label(),
            value: r.record.value,
            warn: r.record.threshold_warn,
            hard: r.record.threshold_hard,
            status: r.status,
        })
        .collect();
    Ok(charts::headroom(title, &bars)?)
}

/// Per-seed CDFs of a record's per-operation values (log axis), with the target, hard budget and value.
pub fn distribution(row: &Row<'_>) -> Svg {
    let title = format!("{} — {}", row.label(), row.key.profile);
    Ok(charts::distribution(&charts::Distribution {
        title: &title,
        unit: row.unit(),
        relative: row.key.metric_id == MetricId::Perf04D,
        seeds: row.samples,
        warn: row.record.threshold_warn,
        hard: row.record.threshold_hard,
        value: row.record.value,
    })?)
}

/// Stacked cold-init phases (`detail.components_p95`) per environment × profile × framework; a row
/// without phases has no bar. The legend names the first bar's phases.
pub fn phases(rows: &[&Row<'_>]) -> Svg {
    let ordered: Vec<(&Row<'_>, Vec<(String, f64)>)> = rows
        .iter()
        .filter_map(|r| {
            Some((
                *r,
                ordered_phases(&r.record.detail.as_ref()?.components_p95),
            ))
        })
        .collect();
    let bars: Vec<charts::PhaseBar> = ordered
        .iter()
        .map(|(r, p)| charts::PhaseBar {
            label: format!(
                "{} {} {}",
                r.key.environment,
                r.key.profile,
                r.key.framework.map_or("-".into(), |f| f.to_string())
            ),
            lengths: p.iter().map(|x| x.1).collect(),
            hard: r.record.threshold_hard,
        })
        .collect();
    let names: Vec<String> = ordered
        .first()
        .map(|(_, p)| {
            p.iter()
                .map(|(name, _)| name.trim_end_matches("_ms").replace('_', " "))
                .collect()
        })
        .unwrap_or_default();
    Ok(charts::phases(&charts::Phases {
        title: "Cold init: p95 of each phase (median over seeds)",
        unit: rows.first().map_or(Unit::Milliseconds, |r| r.unit()),
        names: &names,
        bars: &bars,
    })?)
}

/// Phases in the order a cold start runs them; unknown names after, alphabetically.
fn ordered_phases(c: &BTreeMap<String, f64>) -> Vec<(String, f64)> {
    const ORDER: [&str; 6] = [
        "fetch",
        "glue_import",
        "compile",
        "instantiate",
        "runtime_start",
        "first_task",
    ];
    let rank = |k: &str| {
        let stem = k.rsplit_once('_').map_or(k, |(s, _)| s);
        ORDER.iter().position(|o| *o == stem).unwrap_or(ORDER.len())
    };
    let mut v: Vec<(String, f64)> = c.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by_key(|(k, _)| rank(k));
    v
}

/// Raw and gzip module sizes per profile, each bar with its hard budget.
pub fn sizes(rows: &[&Row<'_>]) -> Svg {
    let modules: Vec<charts::ModuleSize> = rows
        .iter()
        .map(|r| charts::ModuleSize {
            label: format!(
                "{} {}",
                r.key.profile,
                if r.key.metric_id == MetricId::Perf01A {
                    "raw"
                } else {
                    "gzip -9"
                }
            ),
            bytes: r.record.value,
            hard: r.record.threshold_hard,
            status: r.status,
        })
        .collect();
    Ok(charts::module_sizes(
        "Module size against the hard budget (red)",
        &modules,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_the_cold_start() {
        let c = [
            ("compile_ms", 1.0),
            ("fetch_ms", 2.0),
            ("zeta_ms", 0.1),
            ("first_task_ms", 0.5),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let names: Vec<String> = ordered_phases(&c).into_iter().map(|p| p.0).collect();
        assert_eq!(
            names,
            ["fetch_ms", "compile_ms", "first_task_ms", "zeta_ms"]
        );
    }
}
