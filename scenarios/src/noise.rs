//! The measured noise floor: how much each record moves between runs of the same build, and whether the
//! baseline-regression rule (contract 8.3, 10 %) can tell a regression from that noise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gate::{show, GateReport};
use crate::ids::Unit;
use crate::summary::{Record, RecordKey, Status};

/// `artifacts/wasm_noise_report.json`: the spread of each record key over repeated runs of one build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NoiseReport {
    /// How many runs were measured.
    pub runs: u32,
    /// The baseline rule the spread is compared with, percent.
    pub max_regression_pct: f64,
    pub entries: Vec<NoiseEntry>,
}

/// One record key's values over the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NoiseEntry {
    pub key: RecordKey,
    pub unit: Unit,
    /// The gate value of each run, in run order.
    pub values: Vec<f64>,
    /// `(max / min − 1) × 100` (percentage points `max − min` for percent metrics): the largest
    /// regression an unchanged build showed against itself.
    pub spread_pct: f64,
    /// True when the spread reaches the regression rule: such a comparison cannot tell a regression from noise.
    pub exceeds_rule: bool,
}

/// The spread of every record key measured with a value in every run.
pub fn noise(runs: &[Vec<Record>], max_regression_pct: f64) -> NoiseReport {
    let mut values: BTreeMap<RecordKey, (Unit, Vec<f64>)> = BTreeMap::new();
    for run in runs {
        for r in run.iter().filter(|r| r.status != Status::Skip) {
            if let Some(v) = r.value {
                values
                    .entry(r.key())
                    .or_insert((r.unit, Vec::new()))
                    .1
                    .push(v);
            }
        }
    }
    let entries = values
        .into_iter()
        .filter(|(_, (_, v))| v.len() == runs.len() && runs.len() >= 2)
        .map(|(key, (unit, values))| {
            let spread_pct = spread(&values, unit);
            NoiseEntry {
                key,
                unit,
                exceeds_rule: spread_pct >= max_regression_pct,
                values,
                spread_pct,
            }
        })
        .collect();
    NoiseReport {
        runs: runs.len() as u32,
        max_regression_pct,
        entries,
    }
}

fn spread(values: &[f64], unit: Unit) -> f64 {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    match unit {
        Unit::Percent => max - min,
        _ if min > 0.0 => (max / min - 1.0) * 100.0,
        _ => 0.0,
    }
}

/// Puts each compared key's measured noise beside its regression, and warns where the noise reaches
/// the rule (the comparison then says more about the machine than about the change).
pub fn annotate(report: &mut GateReport, noise: &NoiseReport) {
    for reg in &mut report.regressions {
        let Some(e) = noise.entries.iter().find(|e| e.key == reg.key) else {
            continue;
        };
        reg.noise_pct = Some(e.spread_pct);
        if e.exceeds_rule {
            report.warnings.push(format!(
                "{}: run-to-run noise {} % over {} runs of one build reaches the {} % rule: this comparison cannot tell a regression from noise",
                reg.key,
                show(e.spread_pct),
                noise.runs,
                show(reg.max_regression_pct)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Environment, MetricId, Profile};

    fn rec(metric: MetricId, unit: Unit, v: f64) -> Record {
        Record {
            commit: "c".into(),
            profile: Profile::CoreMin,
            environment: Environment::DesktopChromium,
            metric_id: metric,
            value: Some(v),
            unit,
            threshold_warn: None,
            threshold_hard: None,
            status: Status::Pass,
            seed_set: vec![],
            commands: vec![],
            artifact_paths: vec![],
            detail: None,
        }
    }

    #[test]
    fn spread_is_the_largest_self_regression() {
        let runs = vec![
            vec![
                rec(MetricId::Perf02A, Unit::Milliseconds, 26.1),
                rec(MetricId::Perf04D, Unit::Percent, -2.0),
            ],
            vec![
                rec(MetricId::Perf02A, Unit::Milliseconds, 33.1),
                rec(MetricId::Perf04D, Unit::Percent, 3.0),
            ],
            vec![rec(MetricId::Perf02A, Unit::Milliseconds, 30.0)],
        ];
        let n = noise(&runs, 10.0);
        assert_eq!(n.entries.len(), 1, "04D was not measured in every run");
        let e = &n.entries[0];
        assert!((e.spread_pct - 26.82).abs() < 0.01, "{}", e.spread_pct);
        assert!(e.exceeds_rule);
        assert_eq!(spread(&[-2.0, 3.0], Unit::Percent), 5.0);
    }
}
