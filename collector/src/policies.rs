//! Loading the `ci/` policy files: parse with located errors, then refuse any that breaks a rule.

use std::path::Path;

use anyhow::Result;
use serde::de::DeserializeOwned;

use scenarios::policy::budgets::BudgetPolicy;
use scenarios::policy::corpus::Corpus;
use scenarios::policy::optimization::OptimizationPolicy;
use scenarios::policy::Violation;

use crate::documents::Document;
use crate::files::read_json;
use crate::table;

/// The error for a policy that breaks rules: every violation on its own line, with its path and fix.
pub fn broken(path: &Path, violations: &[Violation]) -> anyhow::Error {
    let list: Vec<String> = violations.iter().map(|v| format!("  {v}")).collect();
    anyhow::anyhow!(
        "{}: {} rule(s) broken:\n{}",
        path.display(),
        violations.len(),
        table::first_few(&list, "\n")
    )
}

fn load_valid<T: DeserializeOwned>(
    path: &Path,
    kind: Document,
    validate: fn(&T) -> Vec<Violation>,
) -> Result<T> {
    let doc: T = read_json(path, kind.schema_path())?;
    let v = validate(&doc);
    if v.is_empty() {
        Ok(doc)
    } else {
        Err(broken(path, &v))
    }
}

pub fn budgets(path: &Path) -> Result<BudgetPolicy> {
    load_valid(path, Document::Budgets, BudgetPolicy::validate)
}

pub fn corpus(path: &Path) -> Result<Corpus> {
    load_valid(path, Document::Corpus, Corpus::validate)
}

pub fn optimization(path: &Path) -> Result<OptimizationPolicy> {
    load_valid(path, Document::Optimization, OptimizationPolicy::validate)
}
