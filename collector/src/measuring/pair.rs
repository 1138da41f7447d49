//! Asking the page for a paired answer (`run --against`): one (workload, seed) of the candidate and of
//! the base taking turns in one page, or cold start's seeds frame by frame; both answers are saved and
//! checked like any other (the base's under `base/`), and the turn log is kept beside them.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Value};
use webdriver::Session;

use scenarios::paired::{abba, TurnEnd, TURN_MS};
use scenarios::wire::WireResult;

use super::ask::{ask, cold_label, keep, one_per_job, page_config, Job};
use crate::files::{to_json_bytes, write_atomic};

const RUN_PAIRED_JS: &str = include_str!("../../../www/webdriver/run-paired.js");
const RUN_COLD_START_PAIRED_JS: &str =
    include_str!("../../../www/webdriver/run-cold-start-paired.js");

/// Both sides' answers to one question and the turns they took (an unpaired step: no base, no turns).
pub struct PairedAnswer {
    pub candidate: (WireResult, PathBuf),
    pub base: Option<(WireResult, PathBuf)>,
    pub turns: Vec<TurnEnd>,
}

/// Runs one (workload, seed) of both builds in the page, taking turns in the ABBA order.
pub async fn run_paired_seed(session: &Session, job: &Job, raw_dir: &Path) -> Result<PairedAnswer> {
    let pattern: Vec<_> = (0..4).map(abba).collect();
    let arg = json!({"config": page_config(job), "pattern": pattern, "turn_ms": TURN_MS});
    let label = format!("{} (paired with the base)", job.label());
    let value = ask(session, RUN_PAIRED_JS, arg, &label).await?;
    take(job, &value, raw_dir)
}

/// Runs cold start of `jobs` for both builds in one call, frame by frame in turns.
pub async fn run_paired_cold(
    session: &Session,
    jobs: &[Job],
    raw_dir: &Path,
) -> Result<Vec<PairedAnswer>> {
    let label = format!("{} (paired with the base)", cold_label(jobs));
    let configs: Vec<Value> = jobs.iter().map(page_config).collect();
    let value = ask(
        session,
        RUN_COLD_START_PAIRED_JS,
        Value::Array(configs),
        &label,
    )
    .await?;
    let answers = one_per_job(value, jobs, &label, "paired answer")?;
    jobs.iter()
        .zip(&answers)
        .map(|(job, answer)| take(job, answer, raw_dir))
        .collect()
}

/// Saves and checks both sides' answers (the base's under `base/`) and the turn log.
fn take(job: &Job, value: &Value, raw_dir: &Path) -> Result<PairedAnswer> {
    let label = job.label();
    let candidate = keep(job, &value["candidate"], raw_dir)?;
    let base = keep(job, &value["base"], &raw_dir.join("base")).with_context(|| {
        format!("{label}: the base build's answer (was it built from a commit with the same workloads and probes?)")
    })?;
    let turns: Vec<TurnEnd> =
        serde_json::from_value(value["turns"].clone()).with_context(|| {
            format!(
                "{label}: the page's turn log is malformed: {}",
                value["turns"]
            )
        })?;
    let path = raw_dir.join("turns").join(job.raw_name());
    write_atomic(&path, &to_json_bytes(&turns)?)?;
    Ok(PairedAnswer {
        candidate,
        base: Some(base),
        turns,
    })
}
