//! Measuring a plan as a service the commands call (`run`, `noise`): every input read and checked before
//! anything is measured, the profiles built or taken prebuilt, the pages served, the sessions run.

pub mod adb;
pub mod ask;
pub mod browser;
pub mod confirm;
pub mod conform;
pub mod grid;
pub mod measure;
pub mod pair;
pub mod plan;
pub mod progress;
pub mod size_records;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use scenarios::attribution::{AttributionFile, SizeGroup};
use scenarios::fold::RunInfo;
use scenarios::gate::GateEvent;
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::protocol::{metrics_in, unmeasurable};
use scenarios::summary::Record;
use scenarios::{Framework, MetricId};

use crate::gating::{self, GateFiles, GateInputs, GatingSettings};
use crate::profiles::{build, module_path, Toolchain};
use crate::serve::Listen;
use crate::signals::StopSignals;
use crate::summaries::read_summary;
use crate::{policies, provenance};

use browser::{SessionResults, SessionSettings};
use measure::measure_all;
use plan::{Plan, PlanRequest};

/// What a run measures and how, typed by the command from its flags and the environment.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// The checkout's policies, served at `/ci/` (the page reads the budgets there).
    pub ci: PathBuf,
    /// How profiles are built (in the checkout's workspace), and the base of `--against REF`.
    pub tools: Toolchain,
    pub corpus: PathBuf,
    pub budgets: PathBuf,
    /// The optimization policy (profiles to build, size groups).
    pub policy: PathBuf,
    pub history: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    /// The commit to record [default: $GITHUB_SHA or `git rev-parse HEAD`].
    pub commit: Option<String>,
    pub plan: PlanRequest,
    pub session: SessionSettings,
    pub www: PathBuf,
    /// How the pages are served (the test-only response delay included).
    pub listen: Listen,
    pub jobs: u32,
    /// `--adb-reverse`: the device serial (if any) whose localhost is routed to the server.
    pub adb_reverse: Option<Option<String>>,
    /// Take these built profiles instead of building into `dist`.
    pub prebuilt: Option<PathBuf>,
    pub dist: PathBuf,
    pub resolve: Resolve,
}

/// How a paired run resolves a key whose interval straddles the regression line (`--resolve-for`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Resolve {
    /// No further pass starts once this much extra measuring is spent (zero: never measure more).
    pub cap: std::time::Duration,
    /// TEST ONLY (`--test-resolve-passes`): extra passes of every paired unit, straddling or not.
    pub forced_passes: u32,
}

/// Every input of a run, read and checked before anything is measured (bad input fails in seconds).
pub struct Inputs {
    pub budgets: BudgetPolicy,
    pub plan: Plan,
    pub files: GateFiles,
    pub past: Vec<GateEvent>,
    pub baseline: Option<Vec<Record>>,
    pub run: RunInfo,
    pub settings: SessionSettings,
    pub www: PathBuf,
    /// The checkout's policies, served at `/ci/`.
    pub ci: PathBuf,
    pub listen: Listen,
    pub jobs: u32,
    pub adb_reverse: Option<Option<String>>,
    /// The optimization policy's size groups (the size attribution's roll-up).
    pub size_groups: Vec<SizeGroup>,
    /// The size attribution file stored beside `--baseline`, if any.
    pub stored_attribution: Option<(PathBuf, AttributionFile)>,
    pub resolve: Resolve,
}

impl Inputs {
    pub fn read(artifacts: &Path, s: &RunSettings) -> Result<Inputs> {
        let corpus = policies::corpus(&s.corpus)?;
        let plan = Plan::new(&s.plan, &corpus, &s.corpus)?;
        let files = GateFiles::new(artifacts, s.history.as_deref(), None);
        grid::check_jobs(s.jobs, &plan, &s.session)?;
        Ok(Inputs {
            budgets: policies::budgets(&s.budgets)?,
            past: gating::read_history(&files.history)?,
            baseline: s.baseline.as_deref().map(read_summary).transpose()?,
            run: RunInfo {
                commit: provenance::commit(s.commit.as_deref()),
                commands: vec![provenance::command_line()],
                reduced_protocol: plan.is_reduced(),
                concurrency: Some(s.jobs),
                server_delay_ms: s.listen.delay.map(|d| d.as_millis() as u64),
            },
            settings: s.session.clone(),
            www: s.www.clone(),
            ci: s.ci.clone(),
            listen: s.listen.clone(),
            jobs: s.jobs,
            adb_reverse: s.adb_reverse.clone(),
            size_groups: policies::optimization(&s.policy)?.size_groups,
            stored_attribution: size_records::stored_beside(s.baseline.as_deref())?,
            resolve: s.resolve,
            plan,
            files,
        })
    }

    /// The metrics this plan must produce: a missing one fails the gate (fail-closed).
    pub fn required_metrics(&self) -> Vec<MetricId> {
        let plan = &self.plan;
        let required: BTreeSet<MetricId> = plan
            .environments
            .iter()
            .flat_map(|e| {
                plan.workloads_in(*e)
                    .flat_map(move |w| metrics_in(w.workload, *e))
            })
            .filter(|m| plan.profiles.iter().any(|p| unmeasurable(*p, *m).is_none()))
            .collect();
        required.into_iter().collect()
    }
}

/// Builds the planned profiles (or takes `--prebuilt`) and checks every module and host page is there.
pub fn prepare_dist(s: &RunSettings, plan: &Plan) -> Result<PathBuf> {
    let dist = match &s.prebuilt {
        Some(dir) => dir.clone(),
        None => {
            let policy = policies::optimization(&s.policy)?;
            build(&policy, &plan.profiles, &s.dist, &s.tools)?;
            s.dist.clone()
        }
    };
    for p in &plan.profiles {
        let wasm = module_path(&dist, *p);
        if !wasm.is_file() {
            bail!("{} is missing: build it with `collector build --profile {p}` or point --prebuilt at a directory holding {p}/", wasm.display());
        }
    }
    for f in plan
        .frameworks
        .iter()
        .filter(|f| **f != Framework::VanillaJs)
    {
        let page = dist.join("hosts").join(f.as_str()).join("index.html");
        if !page.is_file() {
            bail!("the {f} host page {} is missing: build the framework hosts with `ci/build-hosts.sh`", page.display());
        }
    }
    Ok(dist)
}

/// Runs the adapter conformance suite, and nothing else, in every session of the plan (`collector
/// check-adapter`); raw reports go to `raw/<stamp>-conformance/`.
pub fn check_conformance(artifacts: &Path, s: &RunSettings) -> Result<Vec<SessionResults>> {
    let mut s = s.clone();
    s.session.conformance_only = true;
    let inputs = Inputs::read(artifacts, &s)?;
    let dist = prepare_dist(&s, &inputs.plan)?;
    let stamp = provenance::now().replace(':', "");
    let raw_dir = artifacts.join("raw").join(format!("{stamp}-conformance"));
    let runtime = tokio::runtime::Runtime::new()?;
    let measured = runtime.block_on(async {
        let mut stop = StopSignals::listen()?;
        tokio::select! {
            r = measure_all(&inputs, &dist, &raw_dir, None, 0, None) => r,
            why = stop.wait() => bail!("interrupted ({why}): browsers and drivers were stopped"),
        }
    })?;
    Ok(measured.sessions)
}

/// Measures the plan `runs` times, each in fresh sessions, without confirmation, summary or gate
/// (`collector noise`); returns each run's records and the budgets' regression rule.
pub fn measure_runs(
    artifacts: &Path,
    s: &RunSettings,
    runs: u32,
) -> Result<(Vec<Vec<Record>>, f64)> {
    let inputs = Inputs::read(artifacts, s)?;
    let dist = prepare_dist(s, &inputs.plan)?;
    let stamp = provenance::now().replace(':', "");
    let gate = GateInputs::new(
        inputs.budgets.clone(),
        inputs.run.commit.clone(),
        &GatingSettings::default(),
    )?;
    let runtime = tokio::runtime::Runtime::new()?;
    let mut out = Vec::new();
    for i in 1..=runs {
        eprintln!("noise run {i} of {runs}");
        let raw_dir = artifacts.join("raw").join(format!("{stamp}-noise-{i}"));
        let measured = runtime.block_on(async {
            let mut stop = StopSignals::listen()?;
            tokio::select! {
                r = measure_all(&inputs, &dist, &raw_dir, Some(&gate), 0, None) => r,
                why = stop.wait() => bail!("interrupted ({why}): browsers and drivers were stopped; nothing was written"),
            }
        })?;
        out.push(measured.records);
    }
    Ok((out, inputs.budgets.max_regression_pct))
}
