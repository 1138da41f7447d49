//! Wire results → summary records: per-seed p95s of per-op samples, their median, converted to the metric's unit.

use std::collections::BTreeMap;

use crate::ids::{Environment, Framework, MetricId, Probe, Profile, Unit, Workload};
use crate::protocol::{median, metric_for};
use crate::stats::{fold, overhead_pct, seed_p95, StatsError};
use crate::summary::{Detail, Record, SeedValue, Status};
use crate::wire::{SampleUnit, WireResult};

/// How the browser session was set up; copied into every record's detail.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionInfo {
    pub browser: String,
    pub browser_version: String,
    pub driver_version: String,
    /// `desktop`, `emulated` or `real`.
    pub device: String,
    pub cpu_throttle_rate: Option<f64>,
}

/// What every record of one run shares.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub commit: String,
    pub commands: Vec<String>,
}

/// Why results could not be folded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FoldError {
    #[error("no wire results to fold")]
    Empty,
    #[error("wire results mix {0}: fold one (profile, framework, workload) at a time")]
    Mixed(&'static str),
    #[error("probe {probe} is missing for seed {seed}")]
    MissingProbe { probe: Probe, seed: u64 },
    #[error("probe {probe}: {source}")]
    Stats { probe: Probe, source: StatsError },
    #[error("probe {probe} seed {seed}: the live baseline is missing or zero, so no overhead can be computed")]
    NoBaseline { probe: Probe, seed: u64 },
}

fn to_unit(v: f64, sample: SampleUnit, unit: Unit) -> f64 {
    match (sample, unit.nanos()) {
        (SampleUnit::Ns, Some(ns)) => v / ns,
        _ => v,
    }
}

/// Folds the wire results of one (profile, framework, workload) — one per seed — into one record per probe.
///
/// `artifact_paths[i]` is where `results[i]` was saved. Thresholds and status are left for `gate::stamp`.
pub fn records(
    environment: Environment,
    session: &SessionInfo,
    run: &RunInfo,
    results: &[WireResult],
    artifact_paths: &[String],
) -> Result<Vec<Record>, FoldError> {
    let first = results.first().ok_or(FoldError::Empty)?;
    let same = |f: fn(&WireResult) -> String| results.iter().all(|r| f(r) == f(first));
    if !same(|r| r.profile.to_string()) {
        return Err(FoldError::Mixed("profiles"));
    }
    if !same(|r| r.framework.to_string()) {
        return Err(FoldError::Mixed("frameworks"));
    }
    if !same(|r| r.workload.to_string()) {
        return Err(FoldError::Mixed("workloads"));
    }
    let mut out = Vec::new();
    for pr in &first.probes {
        let probe = pr.probe;
        let metric = metric_for(probe, environment);
        let unit = metric.unit();
        let mut per_seed = Vec::new();
        let mut batch_sizes = BTreeMap::new();
        let mut components: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for r in results {
            let p = r
                .probes
                .iter()
                .find(|p| p.probe == probe)
                .ok_or(FoldError::MissingProbe {
                    probe,
                    seed: r.seed,
                })?;
            let stats = |source| FoldError::Stats { probe, source };
            let value = if metric == MetricId::Perf04D {
                let replay = seed_p95(r.seed, &p.per_op()).map_err(stats)?.p95;
                let live = p.baseline_per_op().ok_or(FoldError::NoBaseline {
                    probe,
                    seed: r.seed,
                })?;
                let live = seed_p95(r.seed, &live).map_err(stats)?.p95;
                overhead_pct(replay, live).ok_or(FoldError::NoBaseline {
                    probe,
                    seed: r.seed,
                })?
            } else {
                to_unit(
                    seed_p95(r.seed, &p.per_op()).map_err(stats)?.p95,
                    p.unit,
                    unit,
                )
            };
            per_seed.push(SeedValue {
                seed: r.seed,
                p95: value,
            });
            batch_sizes.insert(r.seed.to_string(), serde_json::json!(p.batch_size));
            for (name, values) in &p.components {
                let f = fold([(r.seed, values.as_slice())]).map_err(stats)?;
                let name = match (p.unit, name.strip_suffix("_ns")) {
                    (SampleUnit::Ns, Some(stem)) if unit.nanos().is_some() => {
                        format!("{stem}_{unit}")
                    }
                    _ => name.clone(),
                };
                components
                    .entry(name)
                    .or_default()
                    .push(to_unit(f.median_p95, p.unit, unit));
            }
        }
        let seeds: Vec<f64> = per_seed.iter().map(|s| s.p95).collect();
        let value = median(&seeds).ok_or(FoldError::Empty)?;
        let mut extra = BTreeMap::new();
        extra.insert("probe".into(), serde_json::json!(probe));
        extra.insert("batch_size_per_seed".into(), serde_json::json!(batch_sizes));
        extra.insert(
            "loop_overhead_ns".into(),
            serde_json::json!(pr.loop_overhead_ns),
        );
        extra.insert("warmup".into(), serde_json::json!(first.warmup));
        extra.insert(
            "harness_version".into(),
            serde_json::json!(first.harness_version),
        );
        extra.insert("adapter".into(), serde_json::json!(first.adapter));
        extra.insert(
            "statistic".into(),
            serde_json::json!("median of per-seed p95 (HDR histogram, 3 significant figures)"),
        );
        if !components.is_empty() {
            let c: BTreeMap<String, f64> = components
                .iter()
                .filter_map(|(k, v)| median(v).map(|m| (k.clone(), m)))
                .collect();
            extra.insert("components_p95".into(), serde_json::json!(c));
        }
        out.push(Record {
            commit: run.commit.clone(),
            profile: first.profile,
            environment,
            metric_id: metric,
            value: Some(value),
            unit,
            threshold_warn: None,
            threshold_hard: None,
            status: Status::Pass,
            seed_set: results.iter().map(|r| r.seed).collect(),
            commands: run.commands.clone(),
            artifact_paths: artifact_paths.to_vec(),
            detail: Some(Detail {
                workload: Some(first.workload),
                framework: Some(first.framework),
                per_seed_p95: per_seed,
                iterations: Some(first.iterations),
                batch_size: Some(pr.batch_size),
                timer_tick_ns: Some(first.clock.tick_ns),
                cross_origin_isolated: Some(first.clock.cross_origin_isolated),
                browser: Some(session.browser.clone()),
                browser_version: Some(session.browser_version.clone()),
                driver_version: Some(session.driver_version.clone()),
                user_agent: Some(first.user_agent.clone()),
                device: Some(session.device.clone()),
                cpu_throttle_rate: session.cpu_throttle_rate,
                skip_reason: None,
                extra,
            }),
        });
    }
    Ok(out)
}

/// A `skip` record: the metric could not be measured here, and says why (never a pass).
pub fn skipped(
    environment: Environment,
    profile: Profile,
    framework: Framework,
    workload: Workload,
    metric: MetricId,
    run: &RunInfo,
    reason: &str,
) -> Record {
    Record {
        commit: run.commit.clone(),
        profile,
        environment,
        metric_id: metric,
        value: None,
        unit: metric.unit(),
        threshold_warn: None,
        threshold_hard: None,
        status: Status::Skip,
        seed_set: Vec::new(),
        commands: run.commands.clone(),
        artifact_paths: Vec::new(),
        detail: Some(Detail {
            workload: Some(workload),
            framework: Some(framework),
            skip_reason: Some(reason.to_owned()),
            ..Detail::default()
        }),
    }
}
