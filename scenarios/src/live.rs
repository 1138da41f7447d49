//! The host page's live table: each seed's value as the collector folds it, the median over the seeds
//! seen so far, and the status the gate would give (`gate::stamp`): the page computes none of it.

use serde::{Deserialize, Serialize};

use crate::fold::{self, FoldError, RunInfo, SessionInfo};
use crate::gate::{show, stamp};
use crate::ids::{Environment, GateKind, MetricId, Probe, Profile, Unit, Workload};
use crate::policy::budgets::BudgetPolicy;
use crate::protocol::median;
use crate::summary::{Record, SeedValue, Status};
use crate::wire::WireResult;

/// One probe of one seed, reduced as the collector reduces it: what the page keeps per result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSummary {
    pub workload: Workload,
    pub probe: Probe,
    pub metric: MetricId,
    /// The metric's unit (`p95` is in it).
    pub unit: Unit,
    pub seed: u64,
    pub batch_size: u32,
    pub loop_overhead_ns: f64,
    /// This seed's p95 in `unit` (M-PERF-04D: the replay overhead over the live baseline, percent).
    pub p95: f64,
}

/// Every probe of one wire result through the collector's own fold (`fold::records`), in its metric's unit.
pub fn seed_summaries(w: &WireResult, env: Environment) -> Result<Vec<SeedSummary>, FoldError> {
    let recs = fold::records(
        env,
        &SessionInfo::default(),
        &RunInfo::default(),
        std::slice::from_ref(w),
        &[],
    )?;
    Ok(recs
        .into_iter()
        .filter_map(|r| {
            let d = r.detail?;
            Some(SeedSummary {
                workload: w.workload,
                probe: d.probe?,
                metric: r.metric_id,
                unit: r.unit,
                seed: w.seed,
                batch_size: d.batch_size?,
                loop_overhead_ns: d.loop_overhead_ns.unwrap_or(0.0),
                p95: r.value?,
            })
        })
        .collect())
}

/// What the gate says of one value: its band (`None` when it cannot judge) and the thresholds used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    pub status: Option<Status>,
    pub unit: Unit,
    pub threshold_warn: Option<f64>,
    pub threshold_hard: Option<f64>,
    /// Operational metrics: at or below is a pass.
    pub target: Option<f64>,
    /// The budget in words, or why there is no judgement.
    pub budget: String,
}

/// Judges `value` (in `metric`'s unit) as `gate::stamp` judges a new record (its band; streaks need history).
pub fn judge(
    budgets: &BudgetPolicy,
    profile: Profile,
    environment: Environment,
    metric: MetricId,
    value: f64,
) -> Judgement {
    let mut record = Record {
        commit: String::new(),
        profile,
        environment,
        metric_id: metric,
        value: Some(value),
        unit: metric.unit(),
        threshold_warn: None,
        threshold_hard: None,
        status: Status::Pass,
        seed_set: Vec::new(),
        commands: Vec::new(),
        artifact_paths: Vec::new(),
        detail: None,
    };
    let unit = metric.unit();
    let stamped = stamp(budgets, &mut record);
    let t = budgets.thresholds(metric, profile);
    match (stamped, t) {
        (Ok(()), Some(t)) => Judgement {
            status: Some(record.status),
            unit,
            threshold_warn: record.threshold_warn,
            threshold_hard: record.threshold_hard,
            target: t.target,
            budget: match (t.gate, t.target) {
                (GateKind::Operational, Some(target)) => format!(
                    "≤ {} (warn {}, hard {}) {unit}",
                    show(target),
                    t.warn.map_or_else(|| "—".to_owned(), show),
                    show(t.hard)
                ),
                _ => format!("≤ {} {unit}", show(t.hard)),
            },
        },
        (Err(e), _) => unjudged(unit, e),
        (Ok(()), None) => unjudged(unit, format!("no threshold for {metric} in {profile}")),
    }
}

fn unjudged(unit: Unit, why: String) -> Judgement {
    Judgement {
        status: None,
        unit,
        threshold_warn: None,
        threshold_hard: None,
        target: None,
        budget: why,
    }
}

/// What the page asks for: the budgets file as served (or `null`), and every seed summary seen so far.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveRequest {
    /// `/ci/wasm_perf_budgets.json` as the page fetched it; `null` when there is none.
    pub budgets: Option<serde_json::Value>,
    pub profile: Profile,
    pub environment: Environment,
    pub results: Vec<SeedSummary>,
}

/// One row of the table: a (workload, probe) over the seeds seen so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveRow {
    pub key: String,
    pub workload: Workload,
    pub probe: Probe,
    pub metric: MetricId,
    pub batch_size: u32,
    /// Per-seed p95s in the metric's unit (a later result for a seed replaces the earlier one).
    pub per_seed: Vec<SeedValue>,
    /// Median of `per_seed`: the gate value.
    pub value: f64,
    #[serde(flatten)]
    pub judgement: Judgement,
    /// The cells to show, in [`HEADINGS`] order.
    pub cells: Vec<String>,
}

/// Column headings of [`LiveRow::cells`].
pub const HEADINGS: [&str; 8] = [
    "workload",
    "probe",
    "metric",
    "batch",
    "per-seed p95",
    "median p95",
    "budget",
    "status",
];

/// The table's rows, in the order their first result arrived.
pub fn rows(req: &LiveRequest) -> Vec<LiveRow> {
    let budgets = req
        .budgets
        .clone()
        .map(serde_json::from_value::<BudgetPolicy>);
    let mut groups: Vec<(String, Vec<&SeedSummary>)> = Vec::new();
    for s in &req.results {
        let key = format!("{}/{}", s.workload, s.probe);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, seen)) => {
                seen.retain(|o| o.seed != s.seed);
                seen.push(s);
            }
            None => groups.push((key, vec![s])),
        }
    }
    groups
        .into_iter()
        .filter_map(|(key, seen)| {
            let first = *seen.first()?;
            let per_seed: Vec<SeedValue> = seen
                .iter()
                .map(|s| SeedValue {
                    seed: s.seed,
                    p95: s.p95,
                })
                .collect();
            let p95s: Vec<f64> = per_seed.iter().map(|s| s.p95).collect();
            let value = median(&p95s)?;
            let judgement = match &budgets {
                None => unjudged(first.unit, "no budget file".to_owned()),
                Some(Err(e)) => unjudged(first.unit, format!("unreadable budgets file: {e}")),
                Some(Ok(b)) => judge(b, req.profile, req.environment, first.metric, value),
            };
            Some(row(key, first, per_seed, value, judgement))
        })
        .collect()
}

fn row(
    key: String,
    first: &SeedSummary,
    per_seed: Vec<SeedValue>,
    value: f64,
    judgement: Judgement,
) -> LiveRow {
    let seeds = per_seed
        .iter()
        .map(|s| format!("{}: {}", s.seed, show(s.p95)))
        .collect::<Vec<_>>()
        .join(", ");
    let unit = first.unit;
    let cells = vec![
        first.workload.to_string(),
        first.probe.to_string(),
        first.metric.to_string(),
        first.batch_size.to_string(),
        format!("{seeds} ({unit})"),
        format!("{} {unit}", show(value)),
        judgement.budget.clone(),
        judgement.status.map(|s| s.to_string()).unwrap_or_default(),
    ];
    LiveRow {
        key,
        workload: first.workload,
        probe: first.probe,
        metric: first.metric,
        batch_size: first.batch_size,
        per_seed,
        value,
        judgement,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    fn summary(metric: MetricId, seed: u64, p95: f64) -> SeedSummary {
        SeedSummary {
            workload: Workload::SteadyThroughput,
            probe: Probe::ReserveSend,
            metric,
            unit: metric.unit(),
            seed,
            batch_size: 64,
            loop_overhead_ns: 0.0,
            p95,
        }
    }

    #[test]
    fn median_of_the_latest_value_per_seed() {
        let budgets = serde_json::to_value(fixtures::budgets()).unwrap();
        let req = LiveRequest {
            budgets: Some(budgets),
            profile: Profile::CoreMin,
            environment: Environment::DesktopChromium,
            results: vec![
                summary(MetricId::Perf04A, 11, 9.0),
                summary(MetricId::Perf04A, 29, 1.0),
                summary(MetricId::Perf04A, 11, 3.0),
                summary(MetricId::Perf04A, 42, 2.0),
            ],
        };
        let r = rows(&req);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].per_seed.len(), 3);
        assert_eq!(r[0].value, 2.0);
        assert_eq!(r[0].cells[4], "29: 1, 11: 3, 42: 2 (us)");
    }

    #[test]
    fn no_or_unreadable_budgets_judge_nothing() {
        let mut req = LiveRequest {
            budgets: None,
            profile: Profile::CoreMin,
            environment: Environment::DesktopChromium,
            results: vec![summary(MetricId::Perf04A, 11, 9.0)],
        };
        assert_eq!(rows(&req)[0].judgement.status, None);
        assert_eq!(rows(&req)[0].cells[6], "no budget file");
        req.budgets = Some(serde_json::json!({"metrics": 3}));
        let r = rows(&req);
        assert_eq!(r[0].judgement.status, None);
        assert!(
            r[0].cells[6].starts_with("unreadable budgets file"),
            "{}",
            r[0].cells[6]
        );
    }
}
