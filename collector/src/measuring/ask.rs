//! Asking the page: one (workload, seed) per call, or cold start's seeds in one interleaved call; each
//! answer saved under the run's raw directory, then parsed and checked against the question.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use webdriver::Session;

use scenarios::answer::Asked;
use scenarios::wire::WireResult;
use scenarios::{Environment, Framework, Profile, Workload};

use crate::answers::checked;
use crate::files::write_atomic;

const RUN_SCENARIO_JS: &str = include_str!("../../../www/webdriver/run-scenario.js");
const RUN_COLD_START_JS: &str = include_str!("../../../www/webdriver/run-cold-start.js");

/// Unwraps `{ok: …}` / `{err: …}` from the page scripts.
pub fn page_result(v: Value) -> Result<Value> {
    match v {
        Value::Object(mut m) if m.contains_key("ok") => Ok(m.remove("ok").unwrap_or(Value::Null)),
        Value::Object(m) if m.contains_key("err") => Err(anyhow!(
            "the page threw: {}",
            m["err"].as_str().unwrap_or("(no message)")
        )),
        other => Err(anyhow!(
            "the page returned {other} instead of {{ok}} or {{err}}"
        )),
    }
}

/// One (workload, seed) asked of the page.
pub struct Job {
    pub env: Environment,
    pub profile: Profile,
    pub framework: Framework,
    pub workload: Workload,
    pub warmup: u32,
    pub seed: u64,
    pub iterations: u32,
    pub slowdown_pct: Option<f64>,
}

impl Job {
    pub fn label(&self) -> String {
        let (e, p, f, w, s) = self.names();
        format!("{e} {p} {f}/{w} seed {s}")
    }

    /// Its environment, profile, framework, workload and seed: what names it.
    fn names(&self) -> (Environment, Profile, Framework, Workload, u64) {
        (
            self.env,
            self.profile,
            self.framework,
            self.workload,
            self.seed,
        )
    }

    /// What it asks, as the answer check reads it.
    pub fn asked(&self) -> Asked {
        Asked {
            workload: self.workload,
            framework: self.framework,
            profile: self.profile,
            seed: self.seed,
            iterations: self.iterations,
            warmup: self.warmup,
            slowdown_pct: self.slowdown_pct,
        }
    }

    /// Where its wire JSON is kept, under the run's raw directory.
    pub(super) fn raw_name(&self) -> String {
        let (e, p, f, w, s) = self.names();
        format!("{e}/{p}/{f}-{w}-seed{s}.json")
    }
}

/// What the page is asked for one job (`ScenarioOptions`).
pub(super) fn page_config(job: &Job) -> Value {
    let mut config = json!({
        "workload": job.workload, "seed": job.seed, "iterations": job.iterations,
        "warmup": job.warmup, "framework": job.framework,
    });
    if let Some(p) = job.slowdown_pct {
        config["slowdown_pct"] = json!(p);
    }
    config
}

/// The progress label of one interleaved cold-start call: `… /cold-start seeds 11,29,42`.
pub fn cold_label(jobs: &[Job]) -> String {
    let seeds: Vec<String> = jobs.iter().map(|j| j.seed.to_string()).collect();
    match jobs.first() {
        Some(j) => format!(
            "{} {} {}/{} seeds {}",
            j.env,
            j.profile,
            j.framework,
            j.workload,
            seeds.join(",")
        ),
        None => "cold-start (no seeds)".to_owned(),
    }
}

/// Runs one page script to its `{ok}` value, with the hint for a failed or lost call.
pub(super) async fn ask(session: &Session, script: &str, arg: Value, label: &str) -> Result<Value> {
    let remote = session.location().is_remote();
    session
        .execute_async(script, vec![arg])
        .await
        .map_err(|e| {
            let lost = e.is_session_lost();
            anyhow::Error::from(e).context(match (lost, remote) {
                (true, false) => "the browser crashed or was closed (session lost)",
                (true, true) => "the remote session was lost: the node's browser crashed, or the grid ended the session — a grid cuts any call longer than its node `session-timeout` (default 300 s): raise that above --scenario-timeout rather than --scenario-timeout",
                (false, false) => "the WebDriver call failed or timed out (raise --scenario-timeout if the page is merely slow)",
                (false, true) => "the remote WebDriver call failed or timed out: a grid cuts any call longer than its node `session-timeout` (default 300 s), so raise the grid's session-timeout above --scenario-timeout; raise --scenario-timeout only if the page itself is slow",
            })
        })
        .and_then(page_result)
        .with_context(|| format!("{label}: the scenario did not complete"))
}

/// Runs one scenario in the page and keeps its answer under `raw_dir` (kept even when it is refused, as evidence).
pub async fn run_seed(
    session: &Session,
    job: &Job,
    raw_dir: &Path,
) -> Result<(WireResult, PathBuf)> {
    let label = job.label();
    let value = ask(session, RUN_SCENARIO_JS, page_config(job), &label).await?;
    keep(job, &value, raw_dir)
}

/// Runs cold start for `jobs` (one workload, distinct seeds) in one call, the page taking their frames
/// of samples in turns, and keeps each seed's answer as `run_seed` does.
pub async fn run_cold_seeds(
    session: &Session,
    jobs: &[Job],
    raw_dir: &Path,
) -> Result<Vec<(WireResult, PathBuf)>> {
    let label = cold_label(jobs);
    let configs: Vec<Value> = jobs.iter().map(page_config).collect();
    let value = ask(session, RUN_COLD_START_JS, Value::Array(configs), &label).await?;
    let answers = one_per_job(value, jobs, &label, "wire JSON string")?;
    jobs.iter()
        .zip(&answers)
        .map(|(job, answer)| keep(job, answer, raw_dir))
        .collect()
}

/// The page's answer to a call about several seeds: a list with one `what` per job, in order.
pub(super) fn one_per_job(
    value: Value,
    jobs: &[Job],
    label: &str,
    what: &str,
) -> Result<Vec<Value>> {
    match value {
        Value::Array(a) if a.len() == jobs.len() => Ok(a),
        other => bail!(
            "{label}: the page returned {other}, not one {what} per seed ({}); rebuild the host pages from this commit",
            jobs.len()
        ),
    }
}

/// Saves one page answer (a wire JSON string) under `raw_dir`, parses it and checks it answers `job`.
pub(super) fn keep(job: &Job, value: &Value, raw_dir: &Path) -> Result<(WireResult, PathBuf)> {
    let label = job.label();
    let text = value
        .as_str()
        .with_context(|| format!("{label}: the page returned {value}, not a wire JSON string"))?;
    let path = raw_dir.join(job.raw_name());
    write_atomic(&path, text.as_bytes())?;
    let wire = checked(text, &path, &job.asked()).with_context(|| {
        format!(
            "{label}: the page's answer is refused (kept in {})",
            path.display()
        )
    })?;
    Ok((wire, path))
}
