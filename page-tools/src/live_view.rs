//! The live page's pictures, drawn by the `charts` crate as the report draws them: one per-seed
//! distribution plot per (workload, probe) from the per-operation values seen so far, and the budget
//! bars (finished seeds' median p95, or the running seed's p95 so far), judged by `scenarios::live`.

use serde::{Deserialize, Serialize};

use charts::{Bar, Distribution, SeedValues};
use scenarios::answer::sample_unit;
use scenarios::live::{self, LiveRequest, LiveRow, SeedSummary};
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::protocol::metric_for;
use scenarios::protocol::GATE_QUANTILE;
use scenarios::stats::nearest_rank;
use scenarios::summary::Status;
use scenarios::wire::{SampleUnit, WireResult};
use scenarios::{Environment, MetricId, Probe, Profile, Unit, Workload};

use crate::ToolsError;

/// One seed's per-operation values of one probe in the wire's sample unit (ns; bytes for the heap):
/// as the engine reported them so far, or, once the seed finished, all of them (`finished_samples`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveSamples {
    pub workload: Workload,
    pub probe: Probe,
    pub seed: u64,
    pub values: Vec<f64>,
    /// For a relative probe (replay): the live baseline's per-op values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Vec<f64>>,
    /// Whether the seed has finished (its value is then in `results`).
    #[serde(default)]
    pub finished: bool,
    /// The engine's set of timed samples `values` belong to (the page keeps the latest set only: a
    /// restart discards the earlier one). Absent for a finished seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
}

/// A finished seed's samples, every probe, from its wire result (`ProbeResult::per_op`, the one
/// derivation the report plots too).
pub fn finished_samples(wire: &WireResult) -> Vec<LiveSamples> {
    wire.probes
        .iter()
        .map(|p| LiveSamples {
            workload: wire.workload,
            probe: p.probe,
            seed: wire.seed,
            values: p.per_op(),
            baseline: p.baseline_per_op(),
            finished: true,
            attempt: None,
        })
        .collect()
}

/// What the page asks for: the live table's request plus the samples so far.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartsRequest {
    pub budgets: Option<serde_json::Value>,
    pub profile: Profile,
    pub environment: Environment,
    pub results: Vec<SeedSummary>,
    pub samples: Vec<LiveSamples>,
}

/// One distribution plot.
#[derive(Debug, Clone, Serialize)]
pub struct Plot {
    /// `workload/probe`, as the table's row key.
    pub key: String,
    pub svg: String,
}

/// The pictures, in the order the keys first arrived.
#[derive(Debug, Clone, Serialize)]
pub struct Pictures {
    pub distributions: Vec<Plot>,
    /// The budget bars (none before the first value).
    pub bars: Option<String>,
}

/// The budget lines of `metric`: the gate's warn and hard thresholds (none without budgets).
fn lines(
    budgets: Option<&BudgetPolicy>,
    req: &ChartsRequest,
    metric: MetricId,
) -> (Option<f64>, Option<f64>) {
    budgets.map_or((None, None), |b| {
        let j = live::judge(b, req.profile, req.environment, metric, 0.0);
        (j.threshold_warn, j.threshold_hard)
    })
}

/// Values in the wire's sample unit → the chart's unit (the metric's; a relative metric's times in µs;
/// bytes stay bytes).
fn scaled(values: &[f64], probe: Probe, unit: Unit) -> Vec<f64> {
    let per = match sample_unit(probe) {
        SampleUnit::Bytes => 1.0,
        SampleUnit::Ns => unit.nanos().or(Unit::Microseconds.nanos()).unwrap_or(1.0),
    };
    values.iter().map(|v| v / per).collect()
}

/// Every key's samples grouped by seed, in arrival order.
fn groups(samples: &[LiveSamples]) -> Vec<(String, Vec<&LiveSamples>)> {
    let mut out: Vec<(String, Vec<&LiveSamples>)> = Vec::new();
    for s in samples {
        let key = format!("{}/{}", s.workload, s.probe);
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(s),
            None => out.push((key, vec![s])),
        }
    }
    out
}

/// The distribution plots and the budget bars for the page.
pub fn pictures(req: &ChartsRequest) -> Result<Pictures, ToolsError> {
    let budgets = req
        .budgets
        .clone()
        .and_then(|b| serde_json::from_value::<BudgetPolicy>(b).ok());
    let rows = live::rows(&LiveRequest {
        budgets: req.budgets.clone(),
        profile: req.profile,
        environment: req.environment,
        results: req.results.clone(),
    });
    let mut distributions = Vec::new();
    let mut bars: Vec<Bar> = rows.iter().map(bar).collect();
    for (key, seeds) in groups(&req.samples) {
        let first = seeds[0];
        let metric = metric_for(first.probe, req.environment);
        let unit = metric.unit();
        let row = rows.iter().find(|r| r.key == key);
        let (warn, hard) = lines(budgets.as_ref(), req, metric);
        let values: Vec<SeedValues> = seeds
            .iter()
            .map(|s| SeedValues {
                seed: s.seed,
                values: scaled(&s.values, s.probe, unit),
                baseline: s.baseline.as_deref().map(|b| scaled(b, s.probe, unit)),
            })
            .collect();
        let title = format!(
            "{} {} {} — {}",
            short(metric),
            first.workload,
            first.probe,
            req.profile
        );
        let svg = charts::distribution(&Distribution {
            title: &title,
            unit,
            relative: metric == MetricId::Perf04D,
            seeds: &values,
            warn,
            hard,
            value: row.map(|r| r.value),
        })?;
        distributions.push(Plot {
            key: key.clone(),
            svg,
        });
        if let Some(b) = running_bar(req, budgets.as_ref(), &seeds, metric) {
            bars.push(b);
        }
    }
    let bars = if bars.is_empty() {
        None
    } else {
        Some(charts::headroom("Share of the hard budget (live)", &bars)?)
    };
    Ok(Pictures {
        distributions,
        bars,
    })
}

fn short(metric: MetricId) -> &'static str {
    metric.as_str().trim_start_matches("M-PERF-")
}

fn bar(r: &LiveRow) -> Bar {
    Bar {
        label: format!("{} {} {}", short(r.metric), r.workload, r.probe),
        value: Some(r.value),
        warn: r.judgement.threshold_warn,
        hard: r.judgement.threshold_hard,
        status: r.judgement.status.unwrap_or(Status::Skip),
    }
}

/// The running seed's bar: its p95 so far (nearest rank), judged; none for a relative metric or
/// when the key's seeds have all finished.
fn running_bar(
    req: &ChartsRequest,
    budgets: Option<&BudgetPolicy>,
    seeds: &[&LiveSamples],
    metric: MetricId,
) -> Option<Bar> {
    let running = seeds.iter().rev().find(|s| !s.finished)?;
    if metric == MetricId::Perf04D || running.values.is_empty() {
        return None;
    }
    let values = scaled(&running.values, running.probe, metric.unit());
    let p95 = nearest_rank(&values, GATE_QUANTILE);
    let j = budgets.map(|b| live::judge(b, req.profile, req.environment, metric, p95));
    Some(Bar {
        label: format!(
            "{} {} {} (seed {}, running)",
            short(metric),
            running.workload,
            running.probe,
            running.seed
        ),
        value: Some(p95),
        warn: j.as_ref().and_then(|j| j.threshold_warn),
        hard: j.as_ref().and_then(|j| j.threshold_hard),
        status: j.and_then(|j| j.status).unwrap_or(Status::Skip),
    })
}

/// A finished seed's samples for a wire JSON, as JSON `[LiveSamples]`.
pub fn finished_samples_json(wire_json: &str) -> Result<String, ToolsError> {
    let w: WireResult = serde_json::from_str(wire_json)?;
    Ok(serde_json::to_string(&finished_samples(&w))?)
}

/// The pictures for a JSON `ChartsRequest`, as JSON `Pictures`.
pub fn live_charts(request_json: &str) -> Result<String, ToolsError> {
    let req: ChartsRequest = serde_json::from_str(request_json)
        .map_err(|e| ToolsError::Input(format!("live charts request: {e}")))?;
    Ok(serde_json::to_string(&pictures(&req)?)?)
}
