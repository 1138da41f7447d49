//! Property test of the policy and summary parsers: random mutations of good documents never panic,
//! and any mutant the validators accept still holds every value the contract fixes (no accepted drift).
//! `PROPTEST_CASES=N` sets the number of mutants per document (256 by default, as in CI).

use proptest::prelude::*;
use serde_json::{json, Value};

use scenarios::fixtures;
use scenarios::gate::{evaluate, GateRequest, Verdict};
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::policy::contract::{self, hard_thresholds, operational_thresholds, profile_index};
use scenarios::policy::corpus::Corpus;
use scenarios::policy::optimization::{
    OptimizationPolicy, FORBIDDEN_FEATURES, REQUIRED_FEATURES, VARIANTS,
};
use scenarios::protocol::{metrics_in, MIN_ITERATIONS, SEED_SET};
use scenarios::summary::Summary;
use scenarios::{Environment, Framework, GateKind, MetricId, Profile, Unit, Workload};

/// One edit of a JSON tree: which node (an index into its nodes, wrapped), what to do, and a value seed.
type Edit = (usize, u8, u64);

const NUMBERS: [f64; 12] = [
    0.0, -1.0, 1.0, 2.0, 10.0, 10.01, 1000.0, 1e6, 1e-9, 1e308, -0.0, 0.5,
];
const WORDS: [&str; 8] = [
    "",
    "x",
    "core-min",
    "full-dev",
    "M-PERF-04A",
    "desktop-chromium",
    "ms",
    "hard",
];

fn nodes(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| {
            here.push(json!(k));
            nodes(c, here, out);
            here.pop();
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| {
            here.push(json!(i));
            nodes(c, here, out);
            here.pop();
        }),
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Value::String(k) => &mut v[k.as_str()],
        Value::Number(i) => &mut v[i.as_u64().unwrap_or(0) as usize],
        _ => v,
    })
}

fn apply(doc: &mut Value, (node, kind, seed): Edit) {
    let mut all = Vec::new();
    nodes(doc, &mut Vec::new(), &mut all);
    if !matches!(kind % 7, 3 | 4) {
        // Values are edited at the leaves, where the contract's numbers and names live.
        let leaves: Vec<Vec<Value>> = all
            .iter()
            .filter(|p| !matches!(at(doc, p), Value::Object(_) | Value::Array(_)))
            .cloned()
            .collect();
        if !leaves.is_empty() {
            all = leaves;
        }
    }
    let path = &all[node % all.len()];
    let pick = seed as usize;
    if kind % 7 == 3 || kind % 7 == 4 {
        // Delete or duplicate: an edit of the parent.
        let Some((last, parent)) = path.split_last() else {
            return;
        };
        match (at(doc, parent), last) {
            (Value::Object(m), Value::String(k)) if kind % 7 == 3 => {
                m.remove(k);
            }
            (Value::Array(a), Value::Number(i)) => {
                let i = i.as_u64().unwrap_or(0) as usize;
                if kind % 7 == 3 {
                    a.remove(i);
                } else {
                    let c = a[i].clone();
                    a.push(c);
                }
            }
            _ => {}
        }
        return;
    }
    let target = at(doc, path);
    *target = match kind % 7 {
        0 => json!(NUMBERS[pick % NUMBERS.len()]),
        1 => json!(WORDS[pick % WORDS.len()]),
        2 => [Value::Null, json!(true), json!([]), json!({})][pick % 4].clone(),
        5 => match target.as_f64() {
            Some(x) => json!(x * (1.0 + (pick % 5) as f64 * 0.01)),
            None => json!(pick % 3000),
        },
        _ => json!(pick % 200),
    };
}

fn mutated<T: serde::Serialize>(good: &T, edits: &[Edit]) -> String {
    let mut doc = serde_json::to_value(good).expect("fixtures serialize");
    for e in edits {
        apply(&mut doc, *e);
    }
    doc.to_string()
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u64>()), 1..4)
}

/// Every value of the budgets that the contract fixes, as the contract states it.
fn budgets_hold_the_contract(p: &BudgetPolicy) -> Result<(), String> {
    if p.consecutive_warn_limit != contract::CONSECUTIVE_WARN_LIMIT
        || !(p.max_regression_pct > 0.0 && p.max_regression_pct <= contract::MAX_REGRESSION_PCT)
    {
        return Err("escalation rule drifted".into());
    }
    for m in MetricId::ALL {
        for prof in Profile::ALL {
            let t = p
                .thresholds(*m, *prof)
                .ok_or(format!("{m} {prof} missing"))?;
            let ok = match m.gate_kind() {
                GateKind::Hard => {
                    Some(t.hard) == hard_thresholds(*m).map(|h| h[profile_index(*prof)])
                }
                GateKind::Operational => {
                    Some([
                        t.target.unwrap_or(f64::NAN),
                        t.warn.unwrap_or(f64::NAN),
                        t.hard,
                    ]) == operational_thresholds(*m)
                }
            };
            if !ok || t.unit != m.unit() || t.gate != m.gate_kind() {
                return Err(format!("{m} {prof} drifted: {t:?}"));
            }
        }
    }
    Ok(())
}

fn corpus_holds_the_contract(c: &Corpus) -> Result<(), String> {
    for f in Framework::ALL {
        for w in Workload::ALL {
            for e in Environment::BROWSERS {
                let covered = c.scenarios.iter().any(|s| {
                    s.framework == *f
                        && s.workload == *w
                        && s.environments.contains(e)
                        && s.seed_set == SEED_SET
                        && s.iterations >= MIN_ITERATIONS
                        && metrics_in(*w, *e)
                            .iter()
                            .all(|m| s.metric_ids.iter().any(|x| x == m.as_str()))
                });
                if !covered {
                    return Err(format!("{f}/{w} on {e} is not covered"));
                }
            }
        }
    }
    Ok(())
}

fn optimization_holds_the_contract(p: &OptimizationPolicy) -> Result<(), String> {
    let has = |list: &[String], f: &&str| list.iter().any(|x| x == f);
    if !REQUIRED_FEATURES
        .iter()
        .all(|f| has(&p.required_features, f))
        || !FORBIDDEN_FEATURES
            .iter()
            .all(|f| has(&p.forbidden_features, f))
    {
        return Err("feature lists shrank".into());
    }
    for (id, policy_profile, budget) in VARIANTS {
        let v = p
            .variants
            .iter()
            .find(|v| v.id == id)
            .ok_or("variant gone")?;
        if v.policy_profile != policy_profile || v.budget_profile != budget {
            return Err(format!("{id} remapped"));
        }
    }
    Ok(())
}

fn good_summary() -> Value {
    let rec = |m: &str, unit: &str, v: f64, env: &str| {
        json!({
            "commit": "c", "profile": "core-min", "environment": env, "metric_id": m,
            "value": v, "unit": unit, "threshold_warn": null, "threshold_hard": null,
            "status": "pass", "seed_set": SEED_SET, "commands": ["t"], "artifact_paths": [],
            "detail": {"workload": "steady-throughput", "framework": "vanilla-js"}
        })
    };
    json!({"schema_version": 1, "records": [
        rec("M-PERF-01A", "bytes", 224605.0, "build"),
        rec("M-PERF-02A", "ms", 14.0, "desktop-chromium"),
        rec("M-PERF-04A", "us", 0.1, "desktop-chromium"),
        rec("M-PERF-04D", "percent", -1.0, "desktop-chromium"),
    ]})
}

proptest! {
    #[test]
    fn budget_mutants_that_validate_hold_the_contract(e in edits()) {
        let text = mutated(&fixtures::budgets(), &e);
        if let Ok(p) = serde_json::from_str::<BudgetPolicy>(&text) {
            if p.validate().is_empty() {
                prop_assert_eq!(budgets_hold_the_contract(&p), Ok(()), "accepted: {}", text);
            }
        }
    }

    #[test]
    fn corpus_mutants_that_validate_hold_the_contract(e in edits()) {
        let text = mutated(&fixtures::corpus(), &e);
        if let Ok(c) = serde_json::from_str::<Corpus>(&text) {
            if c.validate().is_empty() {
                prop_assert_eq!(corpus_holds_the_contract(&c), Ok(()), "accepted: {}", text);
            }
        }
    }

    #[test]
    fn optimization_mutants_that_validate_hold_the_contract(e in edits()) {
        let text = mutated(&fixtures::optimization(), &e);
        if let Ok(p) = serde_json::from_str::<OptimizationPolicy>(&text) {
            if p.validate().is_empty() {
                prop_assert_eq!(optimization_holds_the_contract(&p), Ok(()), "accepted: {}", text);
            }
        }
    }

    #[test]
    fn summary_mutants_are_judged_or_refused_never_passed_wrongly(e in edits()) {
        let text = mutated(&good_summary(), &e);
        let Ok(s) = serde_json::from_str::<Summary>(&text) else { return Ok(()) };
        let budgets = fixtures::budgets();
        let report = evaluate(&GateRequest {
            budgets: &budgets,
            profile: None,
            measurements: Some(&s.records),
            required: &[],
            history: &[],
            baseline: None,
            current: None,
            require_baseline: false,
            speed_adjusted_baseline: false,
            paired_base: false,
            run: None,
        });
        if report.verdict != Verdict::PolicyError {
            for r in &report.results {
                if let Some(v) = r.value {
                    prop_assert!(v.is_finite() && (v >= 0.0 || r.unit == Unit::Percent), "{}", text);
                    let t = budgets.thresholds(r.key.metric_id, r.key.profile).unwrap();
                    prop_assert_eq!(r.unit, t.unit);
                }
            }
        }
    }
}
