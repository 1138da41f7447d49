//! `collector validate`: checks a ci/ policy file (or the validators themselves) and writes the policy summaries.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use scenarios::fixtures::{self, Mutation};
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::policy::corpus::{Corpus, Coverage};
use scenarios::policy::optimization::{OptimizationPolicy, Variant};
use scenarios::policy::Violation;

use crate::cli::{PolicyKind, ValidateArgs};
use crate::documents::{Document, Output};
use crate::files::{parse_json, read_json, to_json_bytes, write_atomic};
use crate::outcome::Outcome;

pub fn run(artifacts: &Path, args: &ValidateArgs) -> Result<Outcome> {
    if args.self_test {
        return self_test(args.kind);
    }
    let (Some(kind), Some(file)) = (args.kind, args.file.as_deref()) else {
        anyhow::bail!("validate needs KIND and FILE (or --self-test): e.g. `collector validate corpus ci/wasm_benchmark_corpus.json`");
    };
    let violations = match kind {
        PolicyKind::Budgets => {
            let p: BudgetPolicy = read_json(file, Document::Budgets.schema_path())?;
            p.validate()
        }
        PolicyKind::Corpus => {
            let c: Corpus = read_json(file, Document::Corpus.schema_path())?;
            let v = c.validate();
            let summary = CorpusSummary::new(file, &c, &v);
            write_atomic(
                &Output::CorpusSummary.in_dir(artifacts),
                &to_json_bytes(&summary)?,
            )?;
            v
        }
        PolicyKind::Optimization => {
            let p: OptimizationPolicy = read_json(file, Document::Optimization.schema_path())?;
            let v = p.validate();
            let summary = OptimizationSummary::new(file, &p, &v);
            write_atomic(
                &Output::PipelineSummary.in_dir(artifacts),
                &to_json_bytes(&summary)?,
            )?;
            v
        }
    };
    if violations.is_empty() {
        println!("{}: valid {kind:?} policy", file.display());
        return Ok(Outcome::Pass);
    }
    Err(crate::policies::broken(file, &violations))
}

#[derive(Serialize)]
struct CorpusSummary<'a> {
    schema_version: u32,
    policy: String,
    verdict: &'static str,
    scenario_count: usize,
    seed_set: &'a [u64],
    coverage: Coverage,
    violations: &'a [Violation],
}

impl<'a> CorpusSummary<'a> {
    fn new(file: &Path, c: &'a Corpus, v: &'a [Violation]) -> Self {
        CorpusSummary {
            schema_version: 1,
            policy: file.display().to_string(),
            verdict: if v.is_empty() { "pass" } else { "fail" },
            scenario_count: c.scenarios.len(),
            seed_set: &c.seed_set,
            coverage: c.coverage(),
            violations: v,
        }
    }
}

#[derive(Serialize)]
struct OptimizationSummary<'a> {
    schema_version: u32,
    policy: String,
    verdict: &'static str,
    variants: &'a [Variant],
    violations: &'a [Violation],
}

impl<'a> OptimizationSummary<'a> {
    fn new(file: &Path, p: &'a OptimizationPolicy, v: &'a [Violation]) -> Self {
        OptimizationSummary {
            schema_version: 1,
            policy: file.display().to_string(),
            verdict: if v.is_empty() { "pass" } else { "fail" },
            variants: &p.variants,
            violations: v,
        }
    }
}

/// Runs every mutation of one policy and reports whether its rule caught it.
fn check_rules<T: Clone>(
    name: &str,
    good: T,
    validate: fn(&T) -> Vec<Violation>,
    muts: Vec<Mutation<T>>,
) -> usize {
    let mut missed = 0;
    let clean = validate(&good);
    if clean.is_empty() {
        println!("  ok    {name}: the built-in good fixture is valid");
    } else {
        missed += 1;
        println!(
            "  FAIL  {name}: the good fixture breaks {} rule(s): {}",
            clean.len(),
            clean[0]
        );
    }
    for m in muts {
        let mut doc = good.clone();
        (m.apply)(&mut doc);
        match validate(&doc).into_iter().find(|v| v.rule == m.rule) {
            Some(v) => println!("  ok    {name}: rule `{}` caught {}: {}", m.rule, m.what, v),
            None => {
                missed += 1;
                println!("  FAIL  {name}: rule `{}` did not catch {}", m.rule, m.what);
            }
        }
    }
    missed
}

/// Documents that must not parse, with the JSON path the error must name.
const PARSE_FIXTURES: &[(&str, &str, &str)] = &[
    ("malformed JSON", "{\"schema_version\": 1,", "malformed JSON"),
    ("empty file", "  \n", "is empty"),
    ("wrong type", "{\"schema_version\": \"one\"}", "$.schema_version"),
    ("unknown metric id", "{\"schema_version\":1,\"profiles\":[],\"max_regression_pct\":10,\"consecutive_warn_limit\":2,\"metrics\":[{\"id\":\"M-PERF-99\"}]}", "$.metrics[0].id"),
    ("unknown profile", "{\"schema_version\":1,\"profiles\":[\"core-max\"]}", "$.profiles[0]"),
    ("unknown field", "{\"schema_version\":1,\"profiles\":[],\"max_regression_pct\":10,\"consecutive_warn_limit\":2,\"metrics\":[],\"threshold_override\":1}", "threshold_override"),
];

fn self_test(only: Option<PolicyKind>) -> Result<Outcome> {
    let want = |k| only.is_none_or(|o| o == k);
    let mut missed = 0;
    println!("validator self-test");
    if want(PolicyKind::Budgets) {
        missed += check_rules(
            "budgets",
            fixtures::budgets(),
            BudgetPolicy::validate,
            fixtures::budget_mutations(),
        );
        for (what, text, expect) in PARSE_FIXTURES {
            match parse_json::<BudgetPolicy>(text, Path::new("<fixture>"), "the budgets schema") {
                Err(e) if e.to_string().contains(expect) => {
                    println!("  ok    budgets: parse rejects {what}: {e}")
                }
                other => {
                    missed += 1;
                    println!("  FAIL  budgets: {what} should be rejected naming `{expect}`, got {other:?}");
                }
            }
        }
    }
    if want(PolicyKind::Corpus) {
        missed += check_rules(
            "corpus",
            fixtures::corpus(),
            Corpus::validate,
            fixtures::corpus_mutations(),
        );
    }
    if want(PolicyKind::Optimization) {
        missed += check_rules(
            "optimization",
            fixtures::optimization(),
            OptimizationPolicy::validate,
            fixtures::optimization_mutations(),
        );
    }
    if missed == 0 {
        println!("self-test passed: every rule caught its violation");
        Ok(Outcome::Pass)
    } else {
        println!("self-test FAILED: {missed} check(s) missed");
        Ok(Outcome::BudgetFailure)
    }
}
