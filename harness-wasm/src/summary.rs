//! Per-seed reduction of a wire result for the host page's live table (the collector folds for real).

use serde::Serialize;

use scenarios::protocol::metric_for;
use scenarios::stats::{overhead_pct, seed_p95};
use scenarios::wire::{SampleUnit, WireResult};
use scenarios::{Environment, MetricId, Probe};

use crate::error::HarnessError;

/// One probe of one seed, reduced to its per-operation p95.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeSummary {
    pub probe: Probe,
    pub metric: MetricId,
    pub unit: SampleUnit,
    pub batch_size: u32,
    pub loop_overhead_ns: f64,
    /// p95 of the per-operation values (ns or bytes).
    pub p95: f64,
    /// p95 of the baseline's per-operation values, for relative probes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_p95: Option<f64>,
    /// `(p95 / baseline_p95 - 1) * 100`, for relative probes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overhead_pct: Option<f64>,
}

/// Reduces every probe of `w` (per-op values, overhead removed) as the collector does per seed.
pub fn summarize(w: &WireResult, env: Environment) -> Result<Vec<ProbeSummary>, HarnessError> {
    let stats = |e: scenarios::stats::StatsError| HarnessError::Input(e.to_string());
    w.probes
        .iter()
        .map(|p| {
            let p95 = seed_p95(w.seed, &p.per_op()).map_err(stats)?.p95;
            let baseline_p95 = match p.baseline_per_op() {
                Some(b) => Some(seed_p95(w.seed, &b).map_err(stats)?.p95),
                None => None,
            };
            Ok(ProbeSummary {
                probe: p.probe,
                metric: metric_for(p.probe, env),
                unit: p.unit,
                batch_size: p.batch_size,
                loop_overhead_ns: p.loop_overhead_ns,
                p95,
                baseline_p95,
                overhead_pct: baseline_p95.and_then(|b| overhead_pct(p95, b)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenarios::wire::{ClockInfo, ProbeResult, WIRE_VERSION};
    use std::collections::BTreeMap;

    #[test]
    fn per_op_p95_and_overhead() {
        let w = WireResult {
            wire_version: WIRE_VERSION,
            harness_version: "0".into(),
            adapter: "a".into(),
            workload: scenarios::Workload::StreamingIo,
            framework: scenarios::Framework::VanillaJs,
            profile: scenarios::Profile::CoreTrace,
            seed: 11,
            iterations: 100,
            warmup: 0,
            clock: ClockInfo {
                tick_ns: 5000.0,
                cross_origin_isolated: true,
            },
            user_agent: "ua".into(),
            probes: vec![ProbeResult {
                probe: Probe::ReplayStep,
                unit: SampleUnit::Ns,
                batch_size: 10,
                loop_overhead_ns: 100.0,
                samples: (1..=100).map(|i| f64::from(i) * 10.0 + 100.0).collect(),
                baseline_samples: Some((1..=100).map(|i| f64::from(i) * 8.0 + 100.0).collect()),
                components: BTreeMap::new(),
            }],
        };
        let s = summarize(&w, Environment::DesktopChromium).unwrap();
        assert_eq!(s[0].metric, MetricId::Perf04D);
        assert_eq!(s[0].p95, 95.0);
        assert_eq!(s[0].baseline_p95, Some(76.0));
        assert!((s[0].overhead_pct.unwrap() - 25.0).abs() < 1e-9);
    }
}
