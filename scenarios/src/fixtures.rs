//! Built-in good policies derived from the contract, and one breaking mutation per validator rule (for `--self-test`).

use std::collections::BTreeMap;

use crate::ids::{Environment, Framework, GateKind, MetricId, Profile, Workload};
use crate::policy::budgets::{BudgetPolicy, MetricBudget};
use crate::policy::contract;
use crate::policy::corpus::{Corpus, Scenario};
use crate::policy::optimization::{
    CargoSettings, OptimizationPolicy, Variant, WasmOpt, WasmOptLevel, FORBIDDEN_FEATURES,
    REQUIRED_FEATURES,
};
use crate::protocol::{metrics_for, MIN_ITERATIONS, SEED_SET};

/// A change that must make a valid document break exactly the named rule.
pub struct Mutation<T> {
    pub rule: &'static str,
    pub what: &'static str,
    pub apply: fn(&mut T),
}

/// The contract's budgets as a policy.
pub fn budgets() -> BudgetPolicy {
    let metrics = MetricId::ALL
        .iter()
        .map(|&id| {
            let mut m = MetricBudget {
                id,
                name: id.to_string(),
                unit: id.unit(),
                lower_is_better: true,
                gate: id.gate_kind(),
                thresholds: None,
                target: None,
                warn: None,
                hard: None,
            };
            if let Some(t) = contract::hard_thresholds(id) {
                m.thresholds = Some(
                    Profile::ALL
                        .iter()
                        .map(|p| (*p, t[contract::profile_index(*p)]))
                        .collect::<BTreeMap<_, _>>(),
                );
            }
            if let Some([target, warn, hard]) = contract::operational_thresholds(id) {
                (m.target, m.warn, m.hard) = (Some(target), Some(warn), Some(hard));
            }
            m
        })
        .collect();
    BudgetPolicy {
        schema: None,
        schema_version: 1,
        source: None,
        profiles: Profile::ALL.to_vec(),
        max_regression_pct: contract::MAX_REGRESSION_PCT,
        consecutive_warn_limit: contract::CONSECUTIVE_WARN_LIMIT,
        metrics,
    }
}

fn metric_mut(p: &mut BudgetPolicy, id: MetricId) -> &mut MetricBudget {
    let i = p.metrics.iter().position(|m| m.id == id).unwrap_or(0);
    &mut p.metrics[i]
}

/// One mutation per budget rule.
pub fn budget_mutations() -> Vec<Mutation<BudgetPolicy>> {
    vec![
        Mutation {
            rule: "schema_version",
            what: "schema_version 2",
            apply: |p| p.schema_version = 2,
        },
        Mutation {
            rule: "profiles",
            what: "full-dev profile dropped",
            apply: |p| p.profiles.retain(|x| *x != Profile::FullDev),
        },
        Mutation {
            rule: "max_regression_pct",
            what: "max_regression_pct loosened to 1e6",
            apply: |p| p.max_regression_pct = 1e6,
        },
        Mutation {
            rule: "consecutive_warn_limit",
            what: "warn limit 1000",
            apply: |p| p.consecutive_warn_limit = 1000,
        },
        Mutation {
            rule: "metrics.missing",
            what: "M-PERF-04D removed",
            apply: |p| p.metrics.retain(|m| m.id != MetricId::Perf04D),
        },
        Mutation {
            rule: "metrics.duplicate",
            what: "M-PERF-01A listed twice",
            apply: |p| {
                let m = p.metrics[0].clone();
                p.metrics.push(m)
            },
        },
        Mutation {
            rule: "metric.direction",
            what: "higher-is-better heap",
            apply: |p| metric_mut(p, MetricId::Perf03A).lower_is_better = false,
        },
        Mutation {
            rule: "metric.gate",
            what: "04A made hard",
            apply: |p| {
                let m = metric_mut(p, MetricId::Perf04A);
                m.gate = GateKind::Hard;
            },
        },
        Mutation {
            rule: "metric.unit",
            what: "02A in us",
            apply: |p| metric_mut(p, MetricId::Perf02A).unit = crate::Unit::Microseconds,
        },
        Mutation {
            rule: "metric.shape",
            what: "03B without thresholds",
            apply: |p| metric_mut(p, MetricId::Perf03B).thresholds = None,
        },
        Mutation {
            rule: "metric.threshold",
            what: "01B core-min threshold removed",
            apply: |p| {
                if let Some(t) = metric_mut(p, MetricId::Perf01B).thresholds.as_mut() {
                    t.remove(&Profile::CoreMin);
                }
            },
        },
        Mutation {
            rule: "metric.order",
            what: "04B warn above hard",
            apply: |p| metric_mut(p, MetricId::Perf04B).warn = Some(30.0),
        },
        Mutation {
            rule: "metric.contract_drift",
            what: "04C hard loosened to 80",
            apply: |p| metric_mut(p, MetricId::Perf04C).hard = Some(80.0),
        },
    ]
}

/// A corpus covering every framework × workload in every environment.
pub fn corpus() -> Corpus {
    let mut scenarios = Vec::new();
    for f in Framework::ALL {
        for w in Workload::ALL {
            scenarios.push(Scenario {
                id: format!("{f}/{w}"),
                framework: *f,
                workload: *w,
                journey: format!("{w} in a {f} app"),
                environments: Environment::BROWSERS.to_vec(),
                metric_ids: metrics_for(*w).iter().map(|m| m.to_string()).collect(),
                seed_set: SEED_SET.to_vec(),
                iterations: MIN_ITERATIONS,
                warmup: 200,
                command: format!("collector run --framework {f} --workload {w}"),
            });
        }
    }
    Corpus {
        schema: None,
        schema_version: 1,
        source: None,
        required_frameworks: Framework::ALL.to_vec(),
        required_workloads: Workload::ALL.to_vec(),
        required_environments: Environment::BROWSERS.to_vec(),
        seed_set: SEED_SET.to_vec(),
        min_iterations: MIN_ITERATIONS,
        scenarios,
    }
}

/// One mutation per corpus rule.
pub fn corpus_mutations() -> Vec<Mutation<Corpus>> {
    vec![
        Mutation {
            rule: "schema_version",
            what: "schema_version 0",
            apply: |c| c.schema_version = 0,
        },
        Mutation {
            rule: "required.framework",
            what: "nextjs no longer required",
            apply: |c| c.required_frameworks.retain(|f| *f != Framework::Nextjs),
        },
        Mutation {
            rule: "protocol.seed_set",
            what: "seed 101 dropped",
            apply: |c| c.scenarios[0].seed_set.retain(|s| *s != 101),
        },
        Mutation {
            rule: "protocol.iterations",
            what: "1999 iterations",
            apply: |c| c.scenarios[1].iterations = 1999,
        },
        Mutation {
            rule: "metric.unknown",
            what: "unknown metric M-PERF-09Z",
            apply: |c| c.scenarios[2].metric_ids.push("M-PERF-09Z".into()),
        },
        Mutation {
            rule: "metric.mapping",
            what: "memory-pressure mapped to 04A",
            apply: |c| {
                if let Some(s) = c
                    .scenarios
                    .iter_mut()
                    .find(|s| s.workload == Workload::MemoryPressure)
                {
                    s.metric_ids = vec!["M-PERF-04A".into()];
                }
            },
        },
        Mutation {
            rule: "scenario.command",
            what: "command outside the runner envelope",
            apply: |c| c.scenarios[0].command = "node bench.js".into(),
        },
        Mutation {
            rule: "scenario.duplicate_id",
            what: "two scenarios share an id",
            apply: |c| {
                let id = c.scenarios[0].id.clone();
                c.scenarios[1].id = id;
            },
        },
        Mutation {
            rule: "scenario.duplicate_pair",
            what: "vanilla-js/cold-start listed again under another id",
            apply: |c| {
                let mut s = c.scenarios[0].clone();
                s.id = "vanilla-js/cold-start-again".into();
                c.scenarios.push(s);
            },
        },
        Mutation {
            rule: "scenario.environments",
            what: "scenario with no environment",
            apply: |c| c.scenarios[0].environments.clear(),
        },
        Mutation {
            rule: "coverage.framework",
            what: "every react scenario removed",
            apply: |c| c.scenarios.retain(|s| s.framework != Framework::React),
        },
        Mutation {
            rule: "coverage.workload",
            what: "every streaming-io scenario removed",
            apply: |c| c.scenarios.retain(|s| s.workload != Workload::StreamingIo),
        },
        Mutation {
            rule: "coverage.environment",
            what: "mobile-android dropped everywhere",
            apply: |c| {
                c.scenarios
                    .iter_mut()
                    .for_each(|s| s.environments.retain(|e| *e != Environment::MobileAndroid))
            },
        },
        Mutation {
            rule: "coverage.triple",
            what: "react/steady-throughput no longer runs in desktop-chromium",
            apply: |c| {
                c.scenarios
                    .iter_mut()
                    .filter(|s| s.id == "react/steady-throughput")
                    .for_each(|s| {
                        s.environments
                            .retain(|e| *e != Environment::DesktopChromium)
                    })
            },
        },
        Mutation {
            rule: "metric.coverage",
            what: "vanilla-js/cold-start drops M-PERF-02B",
            apply: |c| c.scenarios[0].metric_ids.retain(|m| m != "M-PERF-02B"),
        },
    ]
}

/// The contract's section 8.1 variants.
pub fn optimization() -> OptimizationPolicy {
    let variant = |id: &str,
                   pp: &str,
                   bp,
                   opt: &str,
                   lto: &str,
                   debug,
                   level,
                   passes: &[&str],
                   features: &[&str]| Variant {
        id: id.into(),
        policy_profile: pp.into(),
        budget_profile: bp,
        intent: format!("{id} builds"),
        features: features.iter().map(|f| f.to_string()).collect(),
        cargo: CargoSettings {
            opt_level: opt.into(),
            lto: lto.into(),
            codegen_units: if debug { 16 } else { 1 },
            debug,
            panic: "abort".into(),
            strip: !debug,
        },
        wasm_opt: WasmOpt {
            level,
            passes: passes.iter().map(|p| p.to_string()).collect(),
        },
    };
    OptimizationPolicy {
        schema: None,
        schema_version: 1,
        source: None,
        crate_name: "reference-adapter".into(),
        target: "wasm32-unknown-unknown".into(),
        wasm_bindgen_target: "web".into(),
        required_features: REQUIRED_FEATURES.iter().map(|f| f.to_string()).collect(),
        forbidden_features: FORBIDDEN_FEATURES.iter().map(|f| f.to_string()).collect(),
        size_groups: Vec::new(),
        variants: vec![
            variant(
                "dev",
                "wasm-browser-dev",
                Profile::FullDev,
                "1",
                "off",
                true,
                WasmOptLevel::None,
                &[],
                &["trace", "diagnostics"],
            ),
            variant(
                "canary",
                "wasm-browser-canary",
                Profile::CoreTrace,
                "s",
                "thin",
                false,
                WasmOptLevel::Moderate,
                &["-Os"],
                &["trace"],
            ),
            variant(
                "release",
                "wasm-browser-release",
                Profile::CoreMin,
                "z",
                "fat",
                false,
                WasmOptLevel::Aggressive,
                &["-Oz"],
                &[],
            ),
        ],
    }
}

/// One mutation per optimization rule.
pub fn optimization_mutations() -> Vec<Mutation<OptimizationPolicy>> {
    vec![
        Mutation {
            rule: "features.forbidden_list",
            what: "forbidden feature list emptied",
            apply: |p| p.forbidden_features.clear(),
        },
        Mutation {
            rule: "schema_version",
            what: "schema_version 3",
            apply: |p| p.schema_version = 3,
        },
        Mutation {
            rule: "target",
            what: "native target",
            apply: |p| p.target = "x86_64-unknown-linux-gnu".into(),
        },
        Mutation {
            rule: "wasm_bindgen_target",
            what: "bundler target",
            apply: |p| p.wasm_bindgen_target = "bundler".into(),
        },
        Mutation {
            rule: "features.conflict",
            what: "a feature both required and forbidden",
            apply: |p| {
                p.required_features.push("x".into());
                p.forbidden_features.push("x".into());
            },
        },
        Mutation {
            rule: "variants.missing",
            what: "canary removed",
            apply: |p| p.variants.retain(|v| v.id != "canary"),
        },
        Mutation {
            rule: "variants.mapping",
            what: "release mapped to full-dev",
            apply: |p| p.variants[2].budget_profile = Profile::FullDev,
        },
        Mutation {
            rule: "variants.posture",
            what: "release at opt-level 3",
            apply: |p| p.variants[2].cargo.opt_level = "3".into(),
        },
        Mutation {
            rule: "variants.unknown",
            what: "an extra `turbo` variant",
            apply: |p| {
                let mut v = p.variants[0].clone();
                v.id = "turbo".into();
                p.variants.push(v);
            },
        },
        Mutation {
            rule: "cargo.opt_level",
            what: "opt-level fast",
            apply: |p| p.variants[0].cargo.opt_level = "fast".into(),
        },
        Mutation {
            rule: "cargo.lto",
            what: "lto maybe",
            apply: |p| p.variants[1].cargo.lto = "maybe".into(),
        },
        Mutation {
            rule: "cargo.codegen_units",
            what: "codegen_units 0",
            apply: |p| p.variants[1].cargo.codegen_units = 0,
        },
        Mutation {
            rule: "cargo.panic",
            what: "panic unwind",
            apply: |p| p.variants[0].cargo.panic = "unwind".into(),
        },
        Mutation {
            rule: "wasm_opt.passes",
            what: "dev with passes",
            apply: |p| p.variants[0].wasm_opt.passes = vec!["-O1".into()],
        },
        Mutation {
            rule: "features.required",
            what: "a required feature no variant enables",
            apply: |p| p.required_features.push("extra".into()),
        },
        Mutation {
            rule: "features.trace",
            what: "canary's `trace` feature renamed to `x`",
            apply: |p| p.variants[1].features = vec!["x".into()],
        },
        Mutation {
            rule: "features.forbidden",
            what: "dev with tokio/net",
            apply: |p| p.variants[0].features.push("tokio/net".into()),
        },
    ]
}

#[cfg(test)]
mod tests;
