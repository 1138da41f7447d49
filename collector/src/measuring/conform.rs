//! The adapter conformance suite in the page (`harness_wasm::conformance`): asked at the start of every
//! session, before anything is timed; a run refuses a build whose adapter fails it.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use webdriver::Session;

use scenarios::conformance::ConformanceReport;

use super::ask::page_result;
use super::plan::SessionUnit;
use crate::files::{to_json_bytes, write_atomic};

const CONFORMANCE_JS: &str = include_str!("../../../www/webdriver/conformance.js");

/// Runs the suite for every seed in the open page, saves the reports in `raw_dir`, and returns them.
pub async fn in_page(
    session: &Session,
    seeds: &[u64],
    at: &SessionUnit,
    raw_dir: &Path,
) -> Result<Vec<ConformanceReport>> {
    let (env, profile, framework) = (at.env, at.profile, at.framework);
    let got = session
        .execute_async(CONFORMANCE_JS, vec![json!(seeds)])
        .await
        .map_err(anyhow::Error::from)
        .and_then(page_result)
        .with_context(|| {
            format!("{env} {profile} {framework}: the adapter conformance suite did not run")
        })?;
    let Value::Array(items) = got else {
        bail!("{env} {profile}: the page's conformance answer is not an array: {got}");
    };
    let mut reports = Vec::new();
    for item in items {
        let text = item.as_str().unwrap_or_default();
        let r: ConformanceReport = serde_json::from_str(text).with_context(|| {
            format!("{env} {profile}: a conformance report the collector cannot read: {text}")
        })?;
        reports.push(r);
    }
    if reports.len() != seeds.len() {
        bail!(
            "{env} {profile}: {} conformance reports for {} seeds",
            reports.len(),
            seeds.len()
        );
    }
    let file = raw_dir.join(format!("{env}-{profile}-{framework}-conformance.json"));
    write_atomic(&file, &to_json_bytes(&reports)?)?;
    Ok(reports)
}

/// The failure lines of `reports`, one per failed check and seed.
pub fn failures(reports: &[ConformanceReport]) -> Vec<String> {
    reports
        .iter()
        .flat_map(|r| r.failures().map(|f| f.to_string()))
        .collect()
}

/// The error a run stops with when the adapter fails the suite (nothing has been timed yet).
pub fn refuse(reports: &[ConformanceReport], at: &SessionUnit) -> Result<()> {
    let lines = failures(reports);
    if lines.is_empty() {
        return Ok(());
    }
    let adapter = reports.first().map_or("?", |r| r.adapter.as_str());
    bail!(
        "{} {} {}: the adapter `{adapter}` fails the conformance suite, so nothing it does can be timed honestly:\n  {}\nfix the adapter (`collector check-adapter` lists every check), then run again",
        at.env,
        at.profile,
        at.framework,
        lines.join("\n  ")
    )
}
