//! The measured noise floor: how much each record moves between runs of the same build, and whether the
//! baseline-regression rule (contract 8.3, 10 %) can tell a regression from that noise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::gate::{show, GateReport};
use crate::ids::Unit;
use crate::speed;
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
    /// Each run's machine-speed reference (`detail.speed_reference_ns`), when every run has one and
    /// the metric is not a percentage (which is already a ratio measured in one stretch).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speed_references_ns: Vec<f64>,
    /// Each run's value at the first run's machine speed, as `--speed-adjusted-baseline` compares
    /// values (`crate::speed`), when `speed_references_ns` is there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values_at_first_speed: Vec<f64>,
    /// `(max / min − 1) × 100` (percentage points `max − min` for percent metrics) of the raw values,
    /// as the baseline rule compares them by default: the largest regression an unchanged build
    /// showed against itself.
    pub spread_pct: f64,
    /// The same spread of `values_at_first_speed` (what `--speed-adjusted-baseline` compares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread_at_first_speed_pct: Option<f64>,
    /// True when the raw spread reaches the regression rule: such a comparison cannot tell a
    /// regression from noise.
    pub exceeds_rule: bool,
}

/// The spread of every record key measured with a value in every run.
pub fn noise(runs: &[Vec<Record>], max_regression_pct: f64) -> NoiseReport {
    type Runs = (Unit, Vec<f64>, Vec<Option<f64>>);
    let mut values: BTreeMap<RecordKey, Runs> = BTreeMap::new();
    for run in runs {
        for r in run.iter().filter(|r| r.status != Status::Skip) {
            if let Some(v) = r.value {
                let e = values.entry(r.key()).or_insert((r.unit, vec![], vec![]));
                e.1.push(v);
                e.2.push(speed::of_record(r));
            }
        }
    }
    let entries = values
        .into_iter()
        .filter(|(_, (_, v, _))| v.len() == runs.len() && runs.len() >= 2)
        .map(|(key, (unit, values, refs))| {
            let at_first = (unit != Unit::Percent)
                .then(|| speed::at_first_speed(&values, &refs))
                .flatten();
            let spread_pct = spread(&values, unit);
            let spread_at_first_speed_pct = at_first.as_deref().map(|v| spread(v, unit));
            NoiseEntry {
                key,
                unit,
                exceeds_rule: spread_pct >= max_regression_pct,
                values,
                speed_references_ns: match at_first {
                    Some(_) => refs.into_iter().flatten().collect(),
                    None => Vec::new(),
                },
                values_at_first_speed: at_first.unwrap_or_default(),
                spread_pct,
                spread_at_first_speed_pct,
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
        // A noise report from before records were keyed by adapter names none: it serves any.
        let Some(e) = noise.entries.iter().find(|e| {
            e.key == reg.key || (e.key.adapter.is_none() && e.key == reg.key.without_adapter())
        }) else {
            continue;
        };
        // The spread of the values as this comparison compared them (raw, or at one speed).
        let spread_pct = match (reg.machine_slowdown, e.spread_at_first_speed_pct) {
            (Some(_), Some(at_one_speed)) => at_one_speed,
            _ => e.spread_pct,
        };
        reg.noise_pct = Some(spread_pct);
        if spread_pct >= noise.max_regression_pct {
            report.warnings.push(format!(
                "{}: run-to-run noise {} % over {} runs of one build reaches the {} % rule: this comparison cannot tell a regression from noise",
                reg.key,
                show(spread_pct),
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

    #[test]
    fn spread_is_raw_and_also_at_one_machine_speed_when_every_run_has_a_reference() {
        let at = |v: f64, reference: Option<f64>| {
            let mut r = rec(MetricId::Perf02A, Unit::Milliseconds, v);
            r.detail = Some(crate::summary::Detail {
                speed_reference_ns: reference,
                ..Default::default()
            });
            r
        };
        // The machine ran 20 % slower in the second run and the value followed it.
        let n = noise(
            &[vec![at(5.0, Some(100.0))], vec![at(6.0, Some(120.0))]],
            10.0,
        );
        let e = &n.entries[0];
        assert!((e.spread_pct - 20.0).abs() < 1e-9);
        assert!(e.spread_at_first_speed_pct.unwrap().abs() < 1e-9, "{e:?}");
        assert_eq!(e.values_at_first_speed.len(), 2);
        assert!(
            e.exceeds_rule,
            "the raw spread is what the default rule compares"
        );
        // One run without a reference: raw spread only.
        let n = noise(&[vec![at(5.0, Some(100.0))], vec![at(6.0, None)]], 10.0);
        let e = &n.entries[0];
        assert!((e.spread_pct - 20.0).abs() < 1e-9);
        assert_eq!(e.spread_at_first_speed_pct, None);
        assert!(e.speed_references_ns.is_empty() && e.values_at_first_speed.is_empty());
    }
}
