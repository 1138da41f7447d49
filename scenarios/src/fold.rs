//! Wire results → records' values: per-seed p95s of per-op samples, their median, converted to the metric's unit.

use std::collections::BTreeMap;

use crate::ids::{Environment, MetricId, Probe, Unit};
use crate::protocol::{median, metric_for, timing, Timing};
use crate::stats::{
    median_of_seed_p95s, overhead_pct, seed_p95, tail_resolution_ns, two_views, StatsError,
    TwoViews, View,
};
use crate::summary::{Detail, Record, SeedValue, Status};
use crate::wire::{ProbeResult, SampleUnit, WireResult};

/// The statistic every folded record's value is, in words.
pub const STATISTIC: &str = "median of per-seed p95 (nearest rank: a measured value); a latency probe's seed p95 is the larger of the p95 of batch means and the p95 of single-operation readings (±1 tick) once that spans two ticks (per_op_view_seeds, tail_resolution_ns)";

/// How the browser session was set up; copied into every record's detail.
#[derive(
    Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct SessionInfo {
    pub browser: String,
    pub browser_version: String,
    pub driver_version: String,
    /// `desktop`, `emulated` or `real`.
    pub device: String,
    pub cpu_throttle_rate: Option<f64>,
    /// The remote WebDriver endpoint (credentials redacted); `None` for a local driver.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// `platformName` the endpoint returned.
    #[serde(default)]
    pub platform: Option<String>,
    /// The grid node that ran the session, when the grid says.
    #[serde(default)]
    pub node: Option<String>,
}

/// What every record of one run shares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInfo {
    pub commit: String,
    pub commands: Vec<String>,
    /// Fewer seeds or iterations than the protocol: said in every record.
    pub reduced_protocol: bool,
    /// Browser sessions open at once (`--jobs`), said in every measured record.
    pub concurrency: Option<u32>,
    /// TEST ONLY: the local server delayed every response this many ms.
    pub server_delay_ms: Option<u64>,
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

/// A sample value (ns or bytes) in a metric's unit.
pub(crate) fn to_unit(v: f64, sample: SampleUnit, unit: Unit) -> f64 {
    match (sample, unit.nanos()) {
        (SampleUnit::Ns, Some(ns)) => v / ns,
        _ => v,
    }
}

/// One probe folded over every seed.
#[derive(Debug, Clone, PartialEq)]
struct Folded {
    metric: MetricId,
    value: f64,
    per_seed: Vec<SeedValue>,
    batch_size_per_seed: BTreeMap<String, u32>,
    loop_overhead_ns_per_seed: BTreeMap<String, f64>,
    warmup_batches_per_seed: BTreeMap<String, u32>,
    unsteady_warmup_seeds: u32,
    components_p95: BTreeMap<String, f64>,
    rejected_batches: u32,
    /// The machine-speed reference over the seeds' stretches (p95), ns per reference operation.
    speed_reference_ns: Option<f64>,
    /// Seeds whose p95 the per-op view set, and seeds whose tail was below the clock's resolution.
    views: Option<Views>,
}

/// How the two views of a latency probe combined over the seeds.
#[derive(Debug, Clone, PartialEq, Default)]
struct Views {
    /// Seeds whose value the per-op view set, and seeds whose tail was below the resolution.
    per_op_seeds: u32,
    hidden_seeds: u32,
    /// Each seed's batch-view p95 and per-op-view p95 reading, in the metric's unit.
    batch_p95: Vec<f64>,
    per_op_p95: Vec<f64>,
}

/// Folds the wire results of one (profile, framework, workload) — one per seed — into one record per probe.
///
/// `artifact_paths[i]` is where `results[i]` was saved. Thresholds and status are left for `gate::stamp`
/// (`records::workload_records` does the whole job).
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
    let in_turn = results.iter().filter_map(|r| r.cold_seeds_in_turn).min();
    first
        .probes
        .iter()
        .map(|pr| {
            let folded = fold_probe(pr.probe, environment, results)?;
            let mut rec = record(environment, session, run, first, pr, folded, artifact_paths);
            if let Some(d) = rec.detail.as_mut() {
                d.cold_seeds_in_turn = in_turn;
            }
            Ok(rec)
        })
        .collect()
}

/// The probe's samples in every seed: per-seed p95 in the metric's unit, their median, the components.
fn fold_probe(
    probe: Probe,
    environment: Environment,
    results: &[WireResult],
) -> Result<Folded, FoldError> {
    let metric = metric_for(probe, environment);
    let unit = metric.unit();
    let mut per_seed = Vec::new();
    let mut batch_size_per_seed = BTreeMap::new();
    let mut loop_overhead_ns_per_seed = BTreeMap::new();
    let mut warmup_batches_per_seed = BTreeMap::new();
    let mut unsteady_warmup_seeds = 0u32;
    let mut components: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut rejected_batches = 0u32;
    let mut views: Option<Views> = None;
    let mut speed = Vec::new();
    for r in results {
        let p = r
            .probes
            .iter()
            .find(|p| p.probe == probe)
            .ok_or(FoldError::MissingProbe {
                probe,
                seed: r.seed,
            })?;
        let (p95, two) = seed_value(p, metric, r.seed, r.clock.tick_ns)?;
        per_seed.push(SeedValue { seed: r.seed, p95 });
        if let Some(t) = two {
            let v = views.get_or_insert_with(Views::default);
            v.per_op_seeds += u32::from(t.view == View::PerOp);
            v.hidden_seeds += u32::from(t.tail_below_resolution);
            v.batch_p95.push(to_unit(t.batch_p95, p.unit, unit));
            v.per_op_p95.push(to_unit(t.per_op_p95, p.unit, unit));
        }
        batch_size_per_seed.insert(r.seed.to_string(), p.batch_size);
        loop_overhead_ns_per_seed.insert(r.seed.to_string(), p.loop_overhead_ns);
        if p.warmup_batches > 0 {
            warmup_batches_per_seed.insert(r.seed.to_string(), p.warmup_batches);
        }
        unsteady_warmup_seeds += u32::from(p.warmup_unsteady);
        rejected_batches += p.rejected_batches;
        speed.push(p.speed_reference.as_ref());
        for (name, values) in &p.components {
            let f = median_of_seed_p95s([(r.seed, values.as_slice())])
                .map_err(|source| FoldError::Stats { probe, source })?;
            components
                .entry(component_name(name, p.unit, unit))
                .or_default()
                .push(to_unit(f.median_p95, p.unit, unit));
        }
    }
    let seeds: Vec<f64> = per_seed.iter().map(|s| s.p95).collect();
    Ok(Folded {
        metric,
        value: median(&seeds).ok_or(FoldError::Empty)?,
        per_seed,
        batch_size_per_seed,
        loop_overhead_ns_per_seed,
        warmup_batches_per_seed,
        unsteady_warmup_seeds,
        components_p95: components
            .iter()
            .filter_map(|(k, v)| median(v).map(|m| (k.clone(), m)))
            .collect(),
        rejected_batches,
        speed_reference_ns: crate::speed::across_seeds(&speed),
        views,
    })
}

/// One seed's p95 in the metric's unit (04D: the replay overhead over the live baseline, in percent),
/// and, where the probe has a per-operation view, how the two views combined.
fn seed_value(
    p: &ProbeResult,
    metric: MetricId,
    seed: u64,
    tick_ns: f64,
) -> Result<(f64, Option<TwoViews>), FoldError> {
    let probe = p.probe;
    let stats = |source| FoldError::Stats { probe, source };
    if let (Some(single), true) = (&p.per_op_samples, metric != MetricId::Perf04D) {
        let two = two_views(seed, &p.per_op(), single, tick_ns).map_err(stats)?;
        return Ok((to_unit(two.value, p.unit, metric.unit()), Some(two)));
    }
    let p95 = seed_p95(seed, &p.per_op()).map_err(stats)?.p95;
    if metric != MetricId::Perf04D {
        return Ok((to_unit(p95, p.unit, metric.unit()), None));
    }
    let no_baseline = FoldError::NoBaseline { probe, seed };
    let live = p.baseline_per_op().ok_or(no_baseline.clone())?;
    let live = seed_p95(seed, &live).map_err(stats)?.p95;
    overhead_pct(p95, live)
        .map(|v| (v, None))
        .ok_or(no_baseline)
}

/// `compile_ns` → `compile_ms` when the record is in ms; other names are kept.
fn component_name(name: &str, sample: SampleUnit, unit: Unit) -> String {
    match (sample, name.strip_suffix("_ns")) {
        (SampleUnit::Ns, Some(stem)) if unit.nanos().is_some() => format!("{stem}_{unit}"),
        _ => name.to_owned(),
    }
}

fn record(
    environment: Environment,
    session: &SessionInfo,
    run: &RunInfo,
    first: &WireResult,
    pr: &ProbeResult,
    f: Folded,
    artifact_paths: &[String],
) -> Record {
    Record {
        commit: run.commit.clone(),
        profile: first.profile,
        environment,
        metric_id: f.metric,
        value: Some(f.value),
        unit: f.metric.unit(),
        threshold_warn: None,
        threshold_hard: None,
        status: Status::Pass,
        seed_set: f.per_seed.iter().map(|s| s.seed).collect(),
        commands: run.commands.clone(),
        artifact_paths: artifact_paths.to_vec(),
        detail: Some(Detail {
            workload: Some(first.workload),
            framework: Some(first.framework),
            per_seed_p95: f.per_seed,
            iterations: Some(first.iterations),
            batch_size: f.batch_size_per_seed.values().copied().min(),
            batch_size_max: f.batch_size_per_seed.values().copied().max(),
            timer_tick_ns: Some(first.clock.tick_ns),
            cross_origin_isolated: Some(first.clock.cross_origin_isolated),
            browser: Some(session.browser.clone()),
            browser_version: Some(session.browser_version.clone()),
            driver_version: Some(session.driver_version.clone()),
            user_agent: Some(first.user_agent.clone()),
            device: Some(session.device.clone()),
            cpu_throttle_rate: session.cpu_throttle_rate,
            webdriver_endpoint: session.endpoint.clone(),
            platform_name: session.platform.clone(),
            grid_node: session.node.clone(),
            concurrent_sessions: run.concurrency,
            probe: Some(pr.probe),
            warmup: Some(first.warmup),
            harness_version: Some(first.harness_version.clone()),
            adapter: Some(first.adapter.clone()),
            adapter_crate: first.adapter_crate.clone(),
            statistic: Some(STATISTIC.to_owned()),
            batch_size_per_seed: f.batch_size_per_seed,
            unsteady_warmup_seeds: (!f.warmup_batches_per_seed.is_empty())
                .then_some(f.unsteady_warmup_seeds),
            warmup_batches_per_seed: f.warmup_batches_per_seed,
            loop_overhead_ns: f
                .loop_overhead_ns_per_seed
                .values()
                .copied()
                .reduce(f64::min),
            loop_overhead_ns_max: f
                .loop_overhead_ns_per_seed
                .values()
                .copied()
                .reduce(f64::max),
            loop_overhead_ns_per_seed: f.loop_overhead_ns_per_seed,
            components_p95: f.components_p95,
            reduced_protocol: run.reduced_protocol.then_some(true),
            injected_slowdown_pct: first.injected_slowdown_pct,
            built_slowdown_pct: first.built_slowdown_pct,
            cold_frame_gc: first.cold_frame_gc,
            server_delay_ms: run.server_delay_ms,
            timing: Some(timing(pr.probe)),
            rejected_batches: (timing(pr.probe) == Timing::Batches).then_some(f.rejected_batches),
            per_op_view_seeds: f.views.as_ref().map(|v| v.per_op_seeds),
            tail_below_resolution_seeds: f.views.as_ref().map(|v| v.hidden_seeds),
            tail_resolution_ns: f
                .views
                .as_ref()
                .map(|_| tail_resolution_ns(first.clock.tick_ns)),
            batch_view_p95: f.views.as_ref().and_then(|v| median(&v.batch_p95)),
            per_op_view_p95: f.views.as_ref().and_then(|v| median(&v.per_op_p95)),
            speed_reference_ns: f.speed_reference_ns,
            ..Detail::default()
        }),
    }
}
