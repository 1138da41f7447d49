//! `ci/wasm_perf_budgets.json`: every metric's unit, gate kind and thresholds, and its validator.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{check_schema_version, contract, Violation};
use crate::ids::{GateKind, MetricId, Profile, Unit};

/// The budget policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetPolicy {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub profiles: Vec<Profile>,
    /// A metric more than this many percent worse than its baseline fails.
    pub max_regression_pct: f64,
    /// Warn-band breaches in a row that escalate to a failure.
    pub consecutive_warn_limit: u32,
    pub metrics: Vec<MetricBudget>,
}

/// One metric's budget: per-profile thresholds (hard) or target/warn/hard (operational).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricBudget {
    pub id: MetricId,
    pub name: String,
    pub unit: Unit,
    pub lower_is_better: bool,
    pub gate: GateKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<BTreeMap<Profile, f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard: Option<f64>,
}

/// The thresholds that apply to one metric in one profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub gate: GateKind,
    pub unit: Unit,
    /// At or below: pass. Only operational metrics have one.
    pub target: Option<f64>,
    /// Above: warn band. Only operational metrics have one.
    pub warn: Option<f64>,
    /// Above: fail.
    pub hard: f64,
}

impl BudgetPolicy {
    /// Thresholds of `metric` in `profile`; `None` when the policy does not define them (validate first).
    pub fn thresholds(&self, metric: MetricId, profile: Profile) -> Option<Thresholds> {
        let m = self.metrics.iter().find(|m| m.id == metric)?;
        match m.gate {
            GateKind::Hard => Some(Thresholds {
                gate: m.gate,
                unit: m.unit,
                target: None,
                warn: None,
                hard: *m.thresholds.as_ref()?.get(&profile)?,
            }),
            GateKind::Operational => Some(Thresholds {
                gate: m.gate,
                unit: m.unit,
                target: m.target,
                warn: m.warn,
                hard: m.hard?,
            }),
        }
    }

    /// Every rule the policy breaks; empty when it is valid.
    pub fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        check_schema_version(self.schema_version, &mut out);
        for p in Profile::ALL {
            if !self.profiles.contains(p) {
                out.push(Violation::new(
                    "profiles",
                    "$.profiles",
                    format!("profile `{p}` is missing"),
                    "list core-min, core-trace and full-dev",
                ));
            }
        }
        let pct = self.max_regression_pct;
        if !(pct.is_finite() && pct > 0.0 && pct <= contract::MAX_REGRESSION_PCT) {
            out.push(Violation::new(
                "max_regression_pct",
                "$.max_regression_pct",
                format!(
                    "{pct} is not a percentage in (0, {}]: the contract allows at most {} % (section 8.3); a looser rule is a governance change (section 11)",
                    contract::MAX_REGRESSION_PCT,
                    contract::MAX_REGRESSION_PCT
                ),
                format!(
                    "use the contract's default, {}",
                    contract::MAX_REGRESSION_PCT
                ),
            ));
        }
        if self.consecutive_warn_limit != contract::CONSECUTIVE_WARN_LIMIT {
            out.push(Violation::new(
                "consecutive_warn_limit",
                "$.consecutive_warn_limit",
                format!(
                    "{} differs from the contract: two consecutive warn-band breaches escalate to a hard failure (section 4)",
                    self.consecutive_warn_limit
                ),
                format!("use the contract's {}", contract::CONSECUTIVE_WARN_LIMIT),
            ));
        }
        for id in MetricId::ALL {
            let n = self.metrics.iter().filter(|m| m.id == *id).count();
            if n != 1 {
                out.push(Violation::new(
                    if n == 0 {
                        "metrics.missing"
                    } else {
                        "metrics.duplicate"
                    },
                    "$.metrics",
                    format!("{id} appears {n} times"),
                    format!("define {id} exactly once"),
                ));
            }
        }
        for (i, m) in self.metrics.iter().enumerate() {
            check_metric(&format!("$.metrics[{i}]"), m, &mut out);
        }
        out
    }
}

fn positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

fn check_metric(path: &str, m: &MetricBudget, out: &mut Vec<Violation>) {
    if !m.lower_is_better {
        out.push(Violation::new(
            "metric.direction",
            format!("{path}.lower_is_better"),
            format!("{} is lower-is-better in the contract", m.id),
            "set \"lower_is_better\": true",
        ));
    }
    if m.gate != m.id.gate_kind() {
        out.push(Violation::new(
            "metric.gate",
            format!("{path}.gate"),
            format!(
                "{} is a {} metric in the contract, not {}",
                m.id,
                m.id.gate_kind(),
                m.gate
            ),
            format!("set \"gate\": \"{}\"", m.id.gate_kind()),
        ));
    }
    if m.unit != m.id.unit() {
        out.push(Violation::new(
            "metric.unit",
            format!("{path}.unit"),
            format!("{} is measured in {}, not {}", m.id, m.id.unit(), m.unit),
            format!(
                "set \"unit\": \"{}\" and convert the thresholds",
                m.id.unit()
            ),
        ));
    }
    match m.gate {
        GateKind::Hard => check_hard(path, m, out),
        GateKind::Operational => check_operational(path, m, out),
    }
}

fn check_hard(path: &str, m: &MetricBudget, out: &mut Vec<Violation>) {
    if m.target.is_some() || m.warn.is_some() || m.hard.is_some() {
        out.push(Violation::new(
            "metric.shape",
            path.to_string(),
            "a hard metric has per-profile `thresholds`, not target/warn/hard",
            "remove target, warn and hard",
        ));
    }
    let Some(t) = &m.thresholds else {
        out.push(Violation::new(
            "metric.shape",
            format!("{path}.thresholds"),
            "a hard metric needs per-profile thresholds",
            "add {\"core-min\": …, \"core-trace\": …, \"full-dev\": …}",
        ));
        return;
    };
    for p in Profile::ALL {
        let here = format!("{path}.thresholds.{p}");
        match t.get(p) {
            None => out.push(Violation::new(
                "metric.threshold",
                here,
                format!("no {p} threshold"),
                "add it from the contract's section 3 table",
            )),
            Some(v) if !positive(*v) => out.push(Violation::new(
                "metric.threshold",
                here,
                format!("{v} is not a positive number"),
                "use the contract's section 3 value",
            )),
            Some(v) => {
                if let Some(c) = contract::hard_thresholds(m.id) {
                    let want = c[contract::profile_index(*p)];
                    if *v != want {
                        out.push(drift(here, *v, want));
                    }
                }
            }
        }
    }
}

fn check_operational(path: &str, m: &MetricBudget, out: &mut Vec<Violation>) {
    if m.thresholds.is_some() {
        out.push(Violation::new(
            "metric.shape",
            format!("{path}.thresholds"),
            "an operational metric has target/warn/hard, not per-profile thresholds",
            "remove \"thresholds\"",
        ));
    }
    let (Some(target), Some(warn), Some(hard)) = (m.target, m.warn, m.hard) else {
        out.push(Violation::new(
            "metric.shape",
            path.to_string(),
            "an operational metric needs target, warn and hard",
            "add all three from the contract's section 4 table",
        ));
        return;
    };
    if !([target, warn, hard].into_iter().all(positive) && target <= warn && warn <= hard) {
        out.push(Violation::new(
            "metric.order",
            path.to_string(),
            format!("need 0 < target ({target}) <= warn ({warn}) <= hard ({hard})"),
            "order the bands as the contract's section 4 does",
        ));
    }
    if let Some(c) = contract::operational_thresholds(m.id) {
        for (name, v, want) in [
            ("target", target, c[0]),
            ("warn", warn, c[1]),
            ("hard", hard, c[2]),
        ] {
            if v != want {
                out.push(drift(format!("{path}.{name}"), v, want));
            }
        }
    }
}

fn drift(path: String, found: f64, want: f64) -> Violation {
    Violation::new(
        "metric.contract_drift",
        path,
        format!("{found} differs from the contract's {want}"),
        format!("thresholds are governance-controlled (contract section 11): restore {want}, or change the contract first"),
    )
}
