//! The budget gate (contract 8.3): hard budgets, warn-then-block operational budgets, baseline regression, fail-closed.

mod baseline;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{GateKind, MetricId, Profile, Unit};
use crate::policy::budgets::{BudgetPolicy, Thresholds};
use crate::summary::{Record, RecordKey, Status};

/// Floating-point slack for comparisons that the contract writes with `<=`.
const EPS: f64 = 1e-9;

/// One line of the gate's event log (`artifacts/wasm_perf_gate_events.ndjson`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GateEvent {
    #[serde(flatten)]
    pub key: RecordKey,
    pub commit: String,
    /// The CI run that produced it (`--run-id`): a retry of the same run replaces its events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    pub value: Option<f64>,
    /// Where the value fell before streak escalation: pass, warn, fail or skip.
    pub band: Status,
    /// What the gate decided.
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
}

/// What the gate is asked to judge.
#[derive(Debug, Clone, Copy)]
pub struct GateRequest<'a> {
    pub budgets: &'a BudgetPolicy,
    /// Only records of this profile are judged against thresholds.
    pub profile: Option<Profile>,
    pub measurements: Option<&'a [Record]>,
    pub required: &'a [MetricId],
    /// Earlier events, oldest first.
    pub history: &'a [GateEvent],
    pub baseline: Option<&'a [Record]>,
    /// Compared with `baseline`; defaults to `measurements`.
    pub current: Option<&'a [Record]>,
    /// A judged key without a baseline record is an error, not just listed.
    pub require_baseline: bool,
    /// Compare the current value at the baseline's machine speed where both sides carry a
    /// machine-speed reference (`crate::speed`). Off by default: on the reference machine the
    /// adjustment widened the A/A spread of the stored-baseline rule (σ of the log ratio 1.9–4.5 %
    /// raw against 8.3–10.3 % adjusted, six A/A runs failing), so raw values are compared unless asked.
    pub speed_adjusted_baseline: bool,
    /// The baseline is a paired run's base, measured beside the candidate in this session: each key
    /// pairs with the base's whatever adapter crate either names (a base built before adapter crates
    /// names none). Otherwise keys pair only within one adapter, so two runtimes never mix.
    pub paired_base: bool,
    /// This gate run: `(commit, run id)`. Earlier events of the same run (a CI retry) do not count
    /// toward a warn streak.
    pub run: Option<(&'a str, &'a str)>,
}

/// The judgement of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricResult {
    pub key: RecordKey,
    pub value: Option<f64>,
    pub unit: Unit,
    pub threshold_warn: Option<f64>,
    pub threshold_hard: Option<f64>,
    pub band: Status,
    pub status: Status,
    /// Warn-band breaches in a row including this one (0 outside the warn band).
    pub warn_streak: u32,
    pub reason: String,
}

/// One baseline comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Regression {
    pub key: RecordKey,
    pub baseline: f64,
    /// The value measured now.
    pub current: f64,
    /// How much slower the machine ran now than when the baseline was measured (the ratio of the two
    /// records' `detail.speed_reference_ns`; > 1: slower now), when both carry one and the comparison
    /// uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_slowdown: Option<f64>,
    /// `current` at the baseline's machine speed (`current / machine_slowdown`): what was compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_at_baseline_speed: Option<f64>,
    /// Percent worse than baseline (percentage points for percent metrics), of the compared value.
    pub regression_pct: f64,
    pub max_regression_pct: f64,
    pub status: Status,
    /// This key's run-to-run spread on an unchanged build (`collector noise`), percent, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_pct: Option<f64>,
    /// Set when the base was measured beside the candidate in the same session (`run --against`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paired: Option<PairedNote>,
}

/// Overall outcome; maps to exit codes 0 (pass, warn), 1 (fail) and 2 (policy error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    PolicyError,
}

/// Everything the gate found: written to `wasm_perf_regression_report.json` and read back by the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GateReport {
    pub verdict: Verdict,
    pub results: Vec<MetricResult>,
    pub regressions: Vec<Regression>,
    /// Keys measured now that the baseline does not hold (nothing to compare them with).
    #[serde(default)]
    pub no_baseline: Vec<RecordKey>,
    /// Keys the baseline holds that were not measured now.
    #[serde(default)]
    pub not_measured: Vec<RecordKey>,
    /// Policy errors: missing required metrics, unit mismatches, duplicate or absent records.
    pub errors: Vec<String>,
    /// Things a reader must know that change no verdict (e.g. noise that reaches the regression rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl GateReport {
    /// The events to append to the history, one per judged record.
    pub fn events(
        &self,
        commit: &str,
        run_id: Option<&str>,
        recorded_at: Option<&str>,
    ) -> Vec<GateEvent> {
        self.results
            .iter()
            .map(|r| GateEvent {
                key: r.key.clone(),
                commit: commit.to_owned(),
                run_id: run_id.map(str::to_owned),
                value: r.value,
                band: r.band,
                status: r.status,
                recorded_at: recorded_at.map(str::to_owned),
            })
            .collect()
    }
}

/// A value for people: whole numbers as they are, fractions to four significant figures (0.000321, 101.97).
pub fn show(v: f64) -> String {
    if v.fract() == 0.0 || v.abs() >= 1000.0 {
        return format!("{v:.0}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    format!("{v:.digits$}")
}

/// True when `e` was recorded by the CI run `run` (same commit and run id): a retry of that run.
pub fn same_run(e: &GateEvent, run: Option<(&str, &str)>) -> bool {
    run.is_some_and(|(commit, id)| e.commit == commit && e.run_id.as_deref() == Some(id))
}

/// Warn-band breaches in a row at the end of `history` for `key`. Skips neither extend nor break a
/// streak, and events of the run being judged (`run`: a retry) are left out, so a retry never counts twice.
pub fn prior_warn_streak(history: &[GateEvent], key: &RecordKey, run: Option<(&str, &str)>) -> u32 {
    history
        .iter()
        .rev()
        .filter(|e| &e.key == key && e.band != Status::Skip && !same_run(e, run))
        .take_while(|e| e.band == Status::Warn)
        .count() as u32
}

/// Judges the request. Pure: the caller reads files and writes the report and events.
pub fn evaluate(req: &GateRequest<'_>) -> GateReport {
    let mut results = Vec::new();
    let mut errors = Vec::new();
    if let Some(measurements) = req.measurements {
        let judged: Vec<&Record> = measurements
            .iter()
            .filter(|r| req.profile.is_none_or(|p| r.profile == p))
            .collect();
        if judged.is_empty() {
            errors.push(match req.profile {
                Some(p) => format!("the measurements hold no record for profile {p}"),
                None => "the measurements hold no record".to_owned(),
            });
        }
        let mut seen: BTreeMap<RecordKey, usize> = BTreeMap::new();
        for r in &judged {
            let n = seen.entry(r.key()).or_default();
            *n += 1;
            if *n > 1 {
                continue;
            }
            match judge(req, r) {
                Ok(res) => results.push(res),
                Err(e) => errors.push(e),
            }
        }
        errors.extend(
            seen.iter()
                .filter(|(_, n)| **n > 1)
                .map(|(k, n)| format!("{n} records measure {k}: keep one")),
        );
        for m in req.required {
            let measured = results
                .iter()
                .any(|r| r.key.metric_id == *m && r.status != Status::Skip);
            if !measured {
                errors.push(format!(
                    "required metric {m} is missing from the measurements (or only skipped)"
                ));
            }
        }
    }
    let compared = baseline::compare(req);
    errors.extend(compared.errors);
    let regressions = compared.regressions;
    let verdict = verdict_of(&errors, &results, &regressions);
    GateReport {
        verdict,
        results,
        regressions,
        no_baseline: compared.no_baseline,
        not_measured: compared.not_measured,
        errors,
        warnings: compared.warnings,
    }
}

/// The worst of them: any error is a policy error, then fail, warn, pass.
pub(crate) fn verdict_of(
    errors: &[String],
    results: &[MetricResult],
    regressions: &[Regression],
) -> Verdict {
    let any = |s: Status| {
        results.iter().any(|r| r.status == s) || regressions.iter().any(|r| r.status == s)
    };
    if !errors.is_empty() {
        Verdict::PolicyError
    } else if any(Status::Fail) {
        Verdict::Fail
    } else if any(Status::Warn) {
        Verdict::Warn
    } else {
        Verdict::Pass
    }
}

/// The baseline rule on a change: more than `max` worse (percent, or points for percent metrics) fails.
pub(crate) fn regression_status(regression_pct: f64, max: f64) -> Status {
    if regression_pct > max + EPS {
        Status::Fail
    } else {
        Status::Pass
    }
}

fn judge(req: &GateRequest<'_>, r: &Record) -> Result<MetricResult, String> {
    let key = r.key();
    let t = req
        .budgets
        .thresholds(r.metric_id, r.profile)
        .ok_or_else(|| format!("the budgets define no threshold for {key}"))?;
    if r.unit != t.unit {
        return Err(format!(
            "{key} is written in {} but its budget is in {}: convert the measurement",
            r.unit, t.unit
        ));
    }
    let mut res = MetricResult {
        key: key.clone(),
        value: r.value,
        unit: r.unit,
        threshold_warn: t.warn,
        threshold_hard: Some(t.hard),
        band: Status::Skip,
        status: Status::Skip,
        warn_streak: 0,
        reason: String::new(),
    };
    let value = match (r.status, r.value) {
        (Status::Skip, Some(v)) => {
            return Err(format!(
                "{key} is marked skip but carries the value {}: a skip has no value; remove the value or judge the record",
                show(v)
            ))
        }
        (Status::Skip, None) | (_, None) => {
            res.reason = r
                .detail
                .as_ref()
                .and_then(|d| d.skip_reason.clone())
                .unwrap_or_else(|| "no value measured".into());
            return Ok(res);
        }
        (_, Some(v)) => check_value(&key, v, r.unit)?,
    };
    (res.band, res.reason) = band(&t, value);
    res.status = res.band;
    if res.band == Status::Warn {
        res.warn_streak = prior_warn_streak(req.history, &key, req.run) + 1;
        if res.warn_streak >= req.budgets.consecutive_warn_limit {
            res.status = Status::Fail;
            res.reason.push_str(&format!(
                "; warn breach {} in a row escalates to fail (limit {})",
                res.warn_streak, req.budgets.consecutive_warn_limit
            ));
        } else {
            res.reason.push_str(&format!(
                "; warn breach {} of {} allowed in a row",
                res.warn_streak, req.budgets.consecutive_warn_limit
            ));
        }
    }
    Ok(res)
}

/// Where a value falls against its thresholds (inclusive, with [`EPS`] slack), and why in words.
fn band(t: &Thresholds, value: f64) -> (Status, String) {
    let unit = t.unit;
    match t.gate {
        GateKind::Hard => {
            let ok = value <= t.hard + EPS;
            let reason = format!(
                "{} {unit} {} hard budget {} {unit}",
                show(value),
                if ok { "<=" } else { ">" },
                show(t.hard)
            );
            (if ok { Status::Pass } else { Status::Fail }, reason)
        }
        GateKind::Operational => {
            let target = t.target.unwrap_or(t.hard);
            if value <= target + EPS {
                let reason = format!("{} {unit} <= target {} {unit}", show(value), show(target));
                (Status::Pass, reason)
            } else if value <= t.hard + EPS {
                let (v, lo, hi) = (show(value), show(target), show(t.hard));
                (
                    Status::Warn,
                    format!("{v} {unit} in warn band ({lo}, {hi}] {unit}"),
                )
            } else {
                let reason = format!(
                    "{} {unit} > hard threshold {} {unit}",
                    show(value),
                    show(t.hard)
                );
                (Status::Fail, reason)
            }
        }
    }
}

/// A measured value the gate can judge: finite, and below 0 only for percent metrics.
pub fn check_value(key: &RecordKey, v: f64, unit: Unit) -> Result<f64, String> {
    if !v.is_finite() {
        return Err(format!("{key} has a non-finite value"));
    }
    if v < 0.0 && unit != Unit::Percent {
        return Err(format!(
            "{key} is negative ({} {unit}): only percent metrics can be below 0; fix the measurement",
            show(v)
        ));
    }
    Ok(v)
}

/// Fills a new record's thresholds and status from the budgets (its band: streaks are the gate's job).
///
/// A record with a value is judged whatever status it was built with; one without stays `skip`.
pub fn stamp(budgets: &BudgetPolicy, record: &mut Record) -> Result<(), String> {
    if record.value.is_some() {
        record.status = Status::Pass;
    }
    let req = GateRequest {
        budgets,
        profile: None,
        measurements: None,
        required: &[],
        history: &[],
        baseline: None,
        current: None,
        require_baseline: false,
        speed_adjusted_baseline: false,
        paired_base: false,
        run: None,
    };
    let res = judge(&req, record)?;
    record.threshold_warn = res.threshold_warn;
    record.threshold_hard = res.threshold_hard;
    record.status = res.band;
    Ok(())
}

/// How a regression was measured when the base ran beside the candidate (`collector run --against`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PairedNote {
    /// Where the base came from (a directory, or a git ref and its commit).
    pub base_source: String,
    /// The interval of the change (percent) from the block bootstrap, when the key has blocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_pct: Option<(f64, f64)>,
    /// The bootstrap's point estimate (its statistic over the paired blocks: the gate's, except
    /// where a seed's value came from the per-operation view).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_change_pct: Option<f64>,
    pub blocks: u32,
    /// How long a turn lasted (the engines' yield interval), ms, where the key was timed in batches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_ms: Option<f64>,
    /// Resolved, decided by the point estimate, or compared directly (no blocks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// Paired passes the estimate pooled: 1, or more where the first pass's interval straddled the
    /// line and the unit was measured again (`run --resolve-for`); then the regression's `baseline`,
    /// `current` and status are the pooled estimate's, not the first pass's records.
    #[serde(default = "one_pass")]
    pub passes: u32,
}

fn one_pass() -> u32 {
    1
}

/// How the comparison settles a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Resolution {
    /// The whole interval is on one side of the regression line.
    Resolved,
    /// The interval straddles the line: the point estimate decided (the contract's rule).
    PointEstimate,
}
