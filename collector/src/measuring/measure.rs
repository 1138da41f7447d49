//! Measuring a plan: serve the pages, run its browser sessions (up to `--jobs` at once), fold each session's
//! wire results into records, and confirm the units that would warn or fail in fresh sessions.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use futures_util::StreamExt;

use scenarios::paired::{straddles, workload_estimates, PairedEstimate, PairedKey, PairedPass};
use scenarios::records::workload_records;
use scenarios::summary::Record;
use scenarios::{Environment, MetricId};

use super::browser::{self, SessionResults, WorkloadResults};
use super::confirm::Unit;
use super::plan::Plan;
use super::progress::Progress;
use super::{adb, confirm, Inputs};
use crate::against::BaseBuild;
use crate::gating::{self, GateInputs};
use crate::profiles::module_path;
use crate::serve::{start, Roots};

/// What measuring a plan gave: every session's raw results, their records (confirmed when gated), the time.
pub struct Measured {
    pub sessions: Vec<SessionResults>,
    pub records: Vec<Record>,
    /// A paired run's base records and each key's paired estimate (empty otherwise).
    pub base_records: Vec<Record>,
    pub paired: Vec<PairedKey>,
    pub elapsed: Duration,
}

/// Serves the pages, measures the plan, then (when `gate` is given) confirms every unit that would warn or fail.
pub async fn measure_all(
    inputs: &Inputs,
    dist: &Path,
    raw_dir: &Path,
    gate: Option<&GateInputs>,
    confirmations: u32,
    base: Option<&BaseBuild>,
) -> Result<Measured> {
    let roots = Roots {
        www: inputs.www.clone(),
        dist: dist.to_path_buf(),
        ci: inputs.ci.clone(),
        base: base.map(|b| b.served.path().to_path_buf()),
    };
    let server = start(&roots, &inputs.listen).await?;
    let mut origin = server.origin();
    if let Some(serial) = &inputs.adb_reverse {
        adb::adb(&adb::reverse_args(serial.as_deref(), server.port, false)).await?;
        if inputs.listen.public_origin.is_none() {
            origin = format!("http://localhost:{}", server.port);
        }
    }
    let m = Measure {
        inputs,
        dist,
        origin: &origin,
        paired: base.is_some(),
    };
    let measured = measure_served(&m, raw_dir, gate, confirmations).await;
    if let Some(serial) = &inputs.adb_reverse {
        let _ = adb::adb(&adb::reverse_args(serial.as_deref(), server.port, true)).await;
    }
    server.stop().await;
    measured
}

/// Measures (and confirms) the plan against the server at `m.origin`. A paired run is not confirmed
/// by re-running: its verdict rests on the base measured beside it.
async fn measure_served(
    m: &Measure<'_>,
    raw_dir: &Path,
    gate: Option<&GateInputs>,
    confirmations: u32,
) -> Result<Measured> {
    let inputs = m.inputs;
    eprintln!("serving {} at {}", inputs.www.display(), m.origin);
    super::grid::warn_grid_timeouts(&inputs.plan, &inputs.settings).await;
    let progress = Progress::new(inputs.plan.jobs());
    let sessions = m.sessions(&inputs.plan, raw_dir, &progress).await?;
    let mut records = m.records_of(&sessions)?;
    let (base_records, mut paired) = m.base_records_of(&sessions)?;
    if m.paired {
        paired = m
            .resolve_straddles(&sessions, paired, raw_dir, &progress)
            .await?;
    }
    if let Some(gate) = gate.filter(|_| !m.paired) {
        records = m
            .confirm(records, gate, confirmations, raw_dir, &progress)
            .await?;
    }
    progress.finish();
    Ok(Measured {
        sessions,
        records,
        base_records,
        paired,
        elapsed: progress.elapsed(),
    })
}

/// Each session's start and total time, and what they mean for a parallel plan (stderr).
pub fn print_times(sessions: &[SessionResults], jobs: u32) {
    if sessions.is_empty() {
        return;
    }
    let secs = |d: Duration| d.as_secs_f64();
    for s in sessions {
        eprintln!(
            "session {} {} {}: started in {:.1}s, done in {:.1}s",
            s.env,
            s.profile,
            s.framework,
            secs(s.start_time),
            secs(s.unit_time)
        );
    }
    let sum: Duration = sessions.iter().map(|s| s.unit_time).sum();
    let longest = sessions
        .iter()
        .map(|s| s.unit_time)
        .max()
        .unwrap_or_default();
    eprintln!(
        "{} session(s), {jobs} at once: {:.1}s of sessions in all; the longest, {:.1}s, is the wall time with one node per session",
        sessions.len(),
        secs(sum),
        secs(longest)
    );
}

/// What every measurement of a run shares: its inputs, builds and the server's origin.
struct Measure<'a> {
    inputs: &'a Inputs,
    dist: &'a Path,
    origin: &'a str,
    /// The base build is served beside the candidate and measured with it (`run --against`).
    paired: bool,
}

impl Measure<'_> {
    /// The plan's browser sessions, up to `--jobs` open at once, results in plan order; the first
    /// failure is the run's error.
    async fn sessions(
        &self,
        plan: &Plan,
        raw_dir: &Path,
        progress: &Progress,
    ) -> Result<Vec<SessionResults>> {
        let ctx = browser::Ctx {
            iterations: plan.iterations,
            slowdown_pct: plan.slowdown_pct,
            seeds: &plan.seeds,
            settings: &self.inputs.settings,
            origin: self.origin,
            raw_dir,
            paired: self.paired,
        };
        let units = plan.sessions();
        // After a failure no new session starts, but those already open finish and close cleanly (a
        // dropped remote session would hold its grid slot until the grid's own timeout).
        let failed = AtomicBool::new(false);
        let results: Vec<Result<Option<SessionResults>>> = futures_util::stream::iter(units.iter())
            .map(|u| async {
                if failed.load(Ordering::SeqCst) {
                    return Ok(None);
                }
                let got = browser::measure(&ctx, u, progress).await;
                if got.is_err() {
                    failed.store(true, Ordering::SeqCst);
                }
                got.map(Some)
            })
            .buffered(self.inputs.jobs.max(1) as usize)
            .collect()
            .await;
        let mut out = Vec::new();
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }

    /// The records of measured sessions (`scenarios::records`), in plan order.
    fn records_of(&self, sessions: &[SessionResults]) -> Result<Vec<Record>> {
        let inputs = self.inputs;
        let mut out = Vec::new();
        for got in sessions {
            let (env, profile, framework) = (got.env, got.profile, got.framework);
            let wasm = module_path(self.dist, profile).display().to_string();
            for w in &got.workloads {
                let mut paths = vec![wasm.clone()];
                paths.extend(w.paths.iter().cloned());
                if let Some(log) = &got.driver_log {
                    paths.push(log.display().to_string());
                }
                let recs = workload_records(
                    &inputs.budgets,
                    env,
                    &got.session,
                    &inputs.run,
                    &w.results,
                    &paths,
                )
                .with_context(|| {
                    format!(
                        "{env} {profile} {framework}/{}: cannot fold the samples",
                        w.workload
                    )
                })?;
                out.extend(recs);
            }
        }
        Ok(out)
    }

    /// A paired run's base records (folded like the candidate's) and each key's paired estimate.
    fn base_records_of(
        &self,
        sessions: &[SessionResults],
    ) -> Result<(Vec<Record>, Vec<PairedKey>)> {
        let inputs = self.inputs;
        let (mut records, mut paired) = (Vec::new(), Vec::new());
        for got in sessions {
            let (env, profile, framework) = (got.env, got.profile, got.framework);
            for w in &got.workloads {
                let Some(base) = &w.base else { continue };
                let what = || format!("{env} {profile} {framework}/{} (base)", w.workload);
                let recs = workload_records(
                    &inputs.budgets,
                    env,
                    &got.session,
                    &inputs.run,
                    &base.results,
                    &base.paths,
                )
                .with_context(|| format!("{}: cannot fold the samples", what()))?;
                let estimates = self
                    .estimates(env, &[w])
                    .with_context(|| format!("{}: cannot pair the samples", what()))?;
                for r in &recs {
                    let estimate = estimates
                        .iter()
                        .find(|(m, _)| *m == r.metric_id)
                        .and_then(|(_, e)| e.clone());
                    paired.push(PairedKey {
                        key: r.key(),
                        estimate,
                        turn_ms: w.results.first().and_then(|w| w.yield_every_ms),
                    });
                }
                records.extend(recs);
            }
        }
        Ok((records, paired))
    }

    /// The paired estimates of one workload over its passes (the first pass, then any measured to
    /// resolve a straddle), pooled.
    fn estimates(
        &self,
        env: Environment,
        passes: &[&WorkloadResults],
    ) -> Result<Vec<(MetricId, Option<PairedEstimate>)>> {
        let passes: Vec<PairedPass<'_>> = passes
            .iter()
            .filter_map(|w| {
                let base = w.base.as_ref()?;
                Some(PairedPass {
                    cand: &w.results,
                    base: &base.results,
                    turns: &base.turns,
                })
            })
            .collect();
        let max = self.inputs.budgets.max_regression_pct;
        Ok(workload_estimates(env, &passes, max)?)
    }

    /// Where a key's interval straddles the regression line, measures its unit again in a fresh
    /// session (both sides, the same seeds; raw answers under `<raw>/resolve-<k>/`) and pools the
    /// blocks, pass after pass, until every key of the unit resolves; no pass starts once
    /// `--resolve-for` of such extra measuring is spent, and then the pooled point estimate decides.
    async fn resolve_straddles(
        &self,
        first: &[SessionResults],
        mut keys: Vec<PairedKey>,
        raw_dir: &Path,
        progress: &Progress,
    ) -> Result<Vec<PairedKey>> {
        let r = &self.inputs.resolve;
        let mut spent = Duration::ZERO;
        let units: std::collections::BTreeSet<Unit> = keys
            .iter()
            .filter(|k| k.estimate.is_some() && (r.forced_passes > 0 || straddles(k)))
            .filter_map(|k| Unit::of(&k.key))
            .collect();
        for u in units {
            let Some(w0) = first_pass(first, &u) else {
                continue;
            };
            let mut extra: Vec<SessionResults> = Vec::new();
            loop {
                let forced = (extra.len() as u32) < r.forced_passes;
                let open = keys
                    .iter()
                    .any(|k| Unit::of(&k.key) == Some(u) && straddles(k));
                let more = forced || (open && spent < r.cap);
                if !more {
                    break;
                }
                let pass = extra.len() + 2;
                let why = if open {
                    "its paired interval straddles the regression line"
                } else {
                    "TEST ONLY: --test-resolve-passes"
                };
                eprintln!("measuring {u} again (pass {pass}): {why}");
                let sub = self
                    .inputs
                    .plan
                    .only(u.env, u.profile, u.framework, u.workload);
                progress.grow(sub.jobs());
                let started = Instant::now();
                let dir = raw_dir.join(format!("resolve-{}", pass - 1));
                extra.extend(self.sessions(&sub, &dir, progress).await?);
                spent += started.elapsed();
                let mut passes = vec![w0];
                passes.extend(
                    extra
                        .iter()
                        .filter_map(|s| first_pass(std::slice::from_ref(s), &u)),
                );
                let estimates = self
                    .estimates(u.env, &passes)
                    .with_context(|| format!("{u}: cannot pair the samples of {pass} passes"))?;
                for k in keys.iter_mut().filter(|k| Unit::of(&k.key) == Some(u)) {
                    if let Some((_, e)) = estimates.iter().find(|(m, _)| *m == k.key.metric_id) {
                        k.estimate = e.clone();
                    }
                }
            }
        }
        Ok(keys)
    }

    /// Re-measures, `n` times in fresh sessions, each unit the gate would warn or fail on; the verdict
    /// then rests on the confirmations (raw results under `<raw>/confirm-<i>/`).
    async fn confirm(
        &self,
        first: Vec<Record>,
        gate: &GateInputs,
        n: u32,
        raw_dir: &Path,
        progress: &Progress,
    ) -> Result<Vec<Record>> {
        let probe = GateInputs {
            measurements: Some(first),
            required: Vec::new(),
            ..gate.clone()
        };
        let units = confirm::breaching_units(&gating::judge(&probe, &self.inputs.past));
        let first = probe.measurements.unwrap_or_default();
        if n == 0 || units.is_empty() {
            return Ok(first);
        }
        let plan = &self.inputs.plan;
        let mut again = Vec::new();
        for i in 1..=n {
            for u in &units {
                let sub = plan.only(u.env, u.profile, u.framework, u.workload);
                eprintln!("confirming {u} ({i} of {n}): it would warn or fail");
                progress.grow(sub.jobs());
                let dir = raw_dir.join(format!("confirm-{i}"));
                let sessions = self.sessions(&sub, &dir, progress).await?;
                again.extend(self.records_of(&sessions)?);
            }
        }
        Ok(confirm::merge(first, &units, &again))
    }
}

/// The workload results of unit `u` among `sessions`.
fn first_pass<'s>(sessions: &'s [SessionResults], u: &Unit) -> Option<&'s WorkloadResults> {
    sessions
        .iter()
        .filter(|s| s.env == u.env && s.profile == u.profile && s.framework == u.framework)
        .flat_map(|s| &s.workloads)
        .find(|w| w.workload == u.workload)
}
