//! `ci/wasm_benchmark_corpus.json`: scenarios mapped to frameworks, workloads, environments and metrics, and coverage rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{check_schema_version, Violation};
use crate::ids::{Environment, Framework, MetricId, Workload};
use crate::protocol::{metrics_for, metrics_in, MIN_ITERATIONS, SEED_SET};

/// The benchmark corpus file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Corpus {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub required_frameworks: Vec<Framework>,
    pub required_workloads: Vec<Workload>,
    pub required_environments: Vec<Environment>,
    pub seed_set: Vec<u64>,
    pub min_iterations: u32,
    pub scenarios: Vec<Scenario>,
}

/// One scenario: a workload in a host framework, run in some environments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub framework: Framework,
    pub workload: Workload,
    /// The user journey the scenario stands for.
    pub journey: String,
    pub environments: Vec<Environment>,
    /// Kept as text so an unknown ID is reported as a rule, with its path.
    pub metric_ids: Vec<String>,
    pub seed_set: Vec<u64>,
    pub iterations: u32,
    pub warmup: u32,
    pub command: String,
}

/// How many scenarios cover each framework, workload, environment and metric.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Coverage {
    pub frameworks: BTreeMap<String, usize>,
    pub workloads: BTreeMap<String, usize>,
    pub environments: BTreeMap<String, usize>,
    pub metrics: BTreeMap<String, usize>,
}

/// The canonical envelope every scenario command must use.
pub const COMMAND_PREFIX: &str = "collector run";

impl Corpus {
    /// Counts per framework, workload, environment and metric (every contract value listed, zero when uncovered).
    pub fn coverage(&self) -> Coverage {
        let mut c = Coverage::default();
        for f in Framework::ALL {
            c.frameworks.insert(f.to_string(), 0);
        }
        for w in Workload::ALL {
            c.workloads.insert(w.to_string(), 0);
        }
        for e in Environment::BROWSERS {
            c.environments.insert(e.to_string(), 0);
        }
        for m in MetricId::ALL {
            c.metrics.insert(m.to_string(), 0);
        }
        for s in &self.scenarios {
            *c.frameworks.entry(s.framework.to_string()).or_default() += 1;
            *c.workloads.entry(s.workload.to_string()).or_default() += 1;
            for e in &s.environments {
                *c.environments.entry(e.to_string()).or_default() += 1;
            }
            for m in &s.metric_ids {
                *c.metrics.entry(m.clone()).or_default() += 1;
            }
        }
        c
    }

    /// Every rule the corpus breaks; empty when it is valid.
    pub fn validate(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        check_schema_version(self.schema_version, &mut out);
        check_required(self, &mut out);
        if self.seed_set != SEED_SET {
            out.push(seed_violation("$.seed_set", &self.seed_set));
        }
        if self.min_iterations < MIN_ITERATIONS {
            out.push(iterations_violation(
                "$.min_iterations",
                self.min_iterations,
            ));
        }
        for (i, s) in self.scenarios.iter().enumerate() {
            check_scenario(&format!("$.scenarios[{i}]"), s, &mut out);
            if self.scenarios[..i].iter().any(|o| o.id == s.id) {
                out.push(Violation::new(
                    "scenario.duplicate_id",
                    format!("$.scenarios[{i}].id"),
                    format!("scenario id `{}` is used twice", s.id),
                    "give every scenario its own id",
                ));
            }
            if let Some(j) = self.scenarios[..i]
                .iter()
                .position(|o| (o.framework, o.workload) == (s.framework, s.workload))
            {
                out.push(Violation::new(
                    "scenario.duplicate_pair",
                    format!("$.scenarios[{i}]"),
                    format!(
                        "`{}` runs `{}` in `{}` again, as $.scenarios[{j}] (`{}`) does: `collector run` measures each (framework, workload) once",
                        s.id, s.workload, s.framework, self.scenarios[j].id
                    ),
                    format!(
                        "keep one `{}` `{}` scenario: move this one's environments into $.scenarios[{j}] and delete it",
                        s.framework, s.workload
                    ),
                ));
            }
        }
        check_coverage(self, &mut out);
        out
    }
}

fn check_required(c: &Corpus, out: &mut Vec<Violation>) {
    let fix = "the contract (section 8.2) requires it: add it back";
    for f in Framework::ALL
        .iter()
        .filter(|f| !c.required_frameworks.contains(f))
    {
        out.push(Violation::new(
            "required.framework",
            "$.required_frameworks",
            format!("`{f}` is not required"),
            fix,
        ));
    }
    for w in Workload::ALL
        .iter()
        .filter(|w| !c.required_workloads.contains(w))
    {
        out.push(Violation::new(
            "required.workload",
            "$.required_workloads",
            format!("`{w}` is not required"),
            fix,
        ));
    }
    for e in Environment::BROWSERS
        .iter()
        .filter(|e| !c.required_environments.contains(e))
    {
        out.push(Violation::new(
            "required.environment",
            "$.required_environments",
            format!("`{e}` is not required"),
            fix,
        ));
    }
}

fn seed_violation(path: &str, found: &[u64]) -> Violation {
    Violation::new(
        "protocol.seed_set",
        path,
        format!("seed set {found:?} differs from the protocol's {SEED_SET:?}"),
        format!("use exactly {SEED_SET:?} (contract section 6.1)"),
    )
}

fn iterations_violation(path: &str, found: u32) -> Violation {
    Violation::new(
        "protocol.iterations",
        path,
        format!("{found} iterations per seed is below the protocol's minimum"),
        format!("use at least {MIN_ITERATIONS} (contract section 6.2)"),
    )
}

fn check_scenario(path: &str, s: &Scenario, out: &mut Vec<Violation>) {
    if s.seed_set != SEED_SET {
        out.push(seed_violation(&format!("{path}.seed_set"), &s.seed_set));
    }
    if s.iterations < MIN_ITERATIONS {
        out.push(iterations_violation(
            &format!("{path}.iterations"),
            s.iterations,
        ));
    }
    if s.environments.is_empty() || s.environments.contains(&Environment::Build) {
        out.push(Violation::new(
            "scenario.environments",
            format!("{path}.environments"),
            "a scenario runs in one or more browser environments (not `build`)",
            "list desktop-chromium, desktop-firefox and/or mobile-android",
        ));
    }
    if s.metric_ids.is_empty() {
        out.push(Violation::new(
            "metric.mapping",
            format!("{path}.metric_ids"),
            "the scenario maps to no metric",
            "map it to the metric IDs its workload measures",
        ));
    }
    let producible = metrics_for(s.workload);
    for (j, raw) in s.metric_ids.iter().enumerate() {
        let here = format!("{path}.metric_ids[{j}]");
        match raw.parse::<MetricId>() {
            Err(e) => out.push(Violation::new(
                "metric.unknown",
                here,
                e.to_string(),
                "use a metric ID from the contract (M-PERF-01A … M-PERF-04D)",
            )),
            Ok(m) if !producible.contains(&m) => out.push(Violation::new(
                "metric.mapping",
                here,
                format!("workload `{}` does not measure {m}", s.workload),
                format!(
                    "map `{}` to some of: {}",
                    s.workload,
                    producible
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Ok(_) => {}
        }
    }
    check_metric_coverage(path, s, out);
    if !s.command.trim_start().starts_with(COMMAND_PREFIX) {
        out.push(Violation::new(
            "scenario.command",
            format!("{path}.command"),
            format!("`{}` is not the canonical runner envelope", s.command),
            format!("start the command with `{COMMAND_PREFIX}`"),
        ));
    }
}

fn check_coverage(c: &Corpus, out: &mut Vec<Violation>) {
    let cov = c.coverage();
    let uncovered = |map: &BTreeMap<String, usize>,
                     rule: &'static str,
                     path: &str,
                     out: &mut Vec<Violation>| {
        for (name, n) in map {
            if *n == 0 {
                out.push(Violation::new(
                    rule,
                    path,
                    format!("`{name}` is covered by no scenario"),
                    format!("add a scenario for `{name}`"),
                ));
            }
        }
    };
    uncovered(&cov.frameworks, "coverage.framework", "$.scenarios", out);
    uncovered(&cov.workloads, "coverage.workload", "$.scenarios", out);
    uncovered(
        &cov.environments,
        "coverage.environment",
        "$.scenarios[*].environments",
        out,
    );
    uncovered(
        &cov.metrics,
        "coverage.metric",
        "$.scenarios[*].metric_ids",
        out,
    );
    for f in &c.required_frameworks {
        for w in &c.required_workloads {
            for e in &c.required_environments {
                let covered = c
                    .scenarios
                    .iter()
                    .any(|s| s.framework == *f && s.workload == *w && s.environments.contains(e));
                if !covered {
                    out.push(Violation::new(
                        "coverage.triple",
                        "$.scenarios",
                        format!("no scenario runs `{w}` in `{f}` on `{e}`"),
                        format!("add `{e}` to the environments of the `{f}` `{w}` scenario"),
                    ));
                }
            }
        }
    }
}

/// A scenario maps every metric its workload measures in each of its environments (a dropped metric
/// would silently leave the gate without it).
fn check_metric_coverage(path: &str, s: &Scenario, out: &mut Vec<Violation>) {
    let mapped: Vec<MetricId> = s.metric_ids.iter().filter_map(|m| m.parse().ok()).collect();
    let mut missing: Vec<MetricId> = s
        .environments
        .iter()
        .flat_map(|e| metrics_in(s.workload, *e))
        .filter(|m| !mapped.contains(m))
        .collect();
    missing.sort();
    missing.dedup();
    for m in missing {
        out.push(Violation::new(
            "metric.coverage",
            format!("{path}.metric_ids"),
            format!(
                "`{}` measures {m} in its environments, but the scenario does not map it",
                s.workload
            ),
            format!("add \"{m}\" to metric_ids"),
        ));
    }
}
