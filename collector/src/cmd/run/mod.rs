//! `collector run`: build (or take prebuilt) profiles, serve them, measure each environment × profile in a real
//! browser (up to `--jobs` sessions at once on a remote endpoint), fold the samples into records, judge them,
//! and only then write `wasm_budget_summary.json` — or, with `--shard`/`--no-gate`, write the shard file.

mod adb;
mod ask;
mod attribution;
mod browser;
mod confirm;
mod finish;
mod measure;
mod pair;
mod plan;
mod progress;
mod remote;
pub(super) mod shard;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Result};

use scenarios::fold::RunInfo;
use scenarios::gate::GateEvent;
use scenarios::paired::PairedKey;
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::protocol::{metrics_in, unmeasurable};
use scenarios::summary::Record;
use scenarios::{Framework, MetricId};

use crate::cli::{GatingArgs, RunArgs};
use crate::gating::{self, GateFiles, GateInputs};
use crate::outcome::Outcome;
use crate::profiles::{build, module_path, Toolchain};
use crate::signals::StopSignals;
use crate::sizes::module_records;
use crate::summaries::read_summary;
use crate::{against, policies, provenance};

use browser::SessionSettings;
pub(super) use finish::{finish, Ending};
use measure::measure_all;
use plan::Plan;

/// Every input of a run, read and checked before anything is measured (bad input fails in seconds).
struct Inputs {
    budgets: BudgetPolicy,
    plan: Plan,
    files: GateFiles,
    past: Vec<GateEvent>,
    baseline: Option<Vec<Record>>,
    run: RunInfo,
    settings: SessionSettings,
    www: PathBuf,
    listen: crate::serve::Listen,
    jobs: u32,
    /// `--adb-reverse`: the device serial (if any) whose localhost is routed to the server.
    adb_reverse: Option<Option<String>>,
    /// The optimization policy's size groups (the size attribution's roll-up).
    size_groups: Vec<scenarios::attribution::SizeGroup>,
    /// The size attribution file stored beside `--baseline`, if any.
    stored_attribution: Option<(PathBuf, scenarios::attribution::AttributionFile)>,
}

impl Inputs {
    fn read(artifacts: &Path, args: &RunArgs) -> Result<Inputs> {
        let corpus = policies::corpus(&args.corpus)?;
        let plan = Plan::new(args, &corpus)?;
        let files = GateFiles::new(artifacts, args.history.as_deref(), None);
        let settings = remote::settings(args)?;
        remote::check_jobs(args.jobs, &plan, &settings)?;
        Ok(Inputs {
            budgets: policies::budgets(&args.budgets)?,
            past: gating::read_history(&files.history)?,
            baseline: args.baseline.as_deref().map(read_summary).transpose()?,
            run: RunInfo {
                commit: provenance::commit(args.commit.as_deref()),
                commands: vec![provenance::command_line()],
                reduced_protocol: plan.is_reduced(),
                concurrency: Some(args.jobs),
                server_delay_ms: args.test_server_delay_ms,
            },
            settings,
            www: args.www.clone(),
            listen: crate::serve::Listen {
                delay: args.test_server_delay_ms.map(Duration::from_millis),
                ..args.listen.resolve(args.port)?
            },
            jobs: args.jobs,
            adb_reverse: args.adb_reverse.then(|| args.android_serial.clone()),
            size_groups: policies::optimization(&args.policy)?.size_groups,
            stored_attribution: attribution::stored_beside(args.baseline.as_deref())?,
            plan,
            files,
        })
    }
}

pub fn run(artifacts: &Path, args: &RunArgs) -> Result<Outcome> {
    let inputs = Inputs::read(artifacts, args)?;
    let dist = prepare_dist(args, &inputs.plan)?;
    let base = match &args.against {
        Some(spec) => {
            let wasm_opt = Toolchain::from_env(None).wasm_opt;
            Some(against::prepare(
                spec,
                &inputs.plan.profiles,
                &dist,
                &wasm_opt,
            )?)
        }
        None => None,
    };
    let run_id = provenance::now().replace(':', "");
    let raw_dir = artifacts.join("raw").join(&run_id);
    let gate_inputs = GateInputs {
        required: required_metrics(&inputs.plan),
        baseline: inputs.baseline.clone(),
        ..GateInputs::new(
            inputs.budgets.clone(),
            inputs.run.commit.clone(),
            &args.gating,
        )?
    };
    let deferred = args.no_gate || args.shard.is_some();
    let gate = (!deferred).then_some(&gate_inputs);
    let runtime = tokio::runtime::Runtime::new()?;
    let measured = runtime.block_on(async {
        let mut stop = StopSignals::listen()?;
        tokio::select! {
            r = measure_all(&inputs, &dist, &raw_dir, gate, args.confirm, base.as_ref()) => r,
            why = stop.wait() => bail!("interrupted ({why}): browsers and drivers were stopped; the previous summary is left as it was"),
        }
    })?;
    measure::print_times(&measured.sessions, inputs.jobs);
    let size_inputs = attribution::SizeInputs {
        budgets: &inputs.budgets,
        groups: &inputs.size_groups,
        run: &inputs.run,
        base_dir: base.as_ref().map(|b| (b.dir.as_path(), b.source.as_str())),
        stored: inputs.stored_attribution.as_ref(),
    };
    let (sizes, attributed) =
        attribution::size_records(&size_inputs, &dist, &inputs.plan.profiles)?;
    crate::attribute::write(&artifacts.join(crate::attribute::FILE), &attributed)?;
    if deferred {
        let wasm = |p| module_path(&dist, p).display().to_string();
        let meta = shard::ShardMeta {
            plan: &inputs.plan,
            shard: args.shard.map(|s| s.to_string()),
            commit: &inputs.run.commit,
            commands: &inputs.run.commands,
            concurrency: inputs.jobs,
            server_delay_ms: inputs.run.server_delay_ms,
            required: gate_inputs.required.clone(),
            wasm: &wasm,
        };
        let path = shard::write(artifacts, &meta, &measured.sessions, sizes)?;
        println!(
            "measured {} session(s) in {}; no gate (--no-gate/--shard): wrote {} for `collector merge`",
            measured.sessions.len(),
            humantime::format_duration(Duration::from_secs(measured.elapsed.as_secs())),
            path.display()
        );
        return Ok(Outcome::Pass);
    }
    let mut gate_inputs = gate_inputs;
    if let Some(base) = &base {
        let mut base_records = measured.base_records;
        let mut paired = measured.paired;
        for p in &inputs.plan.profiles {
            let wasm = module_path(&base.dir, *p);
            let sizes = module_records(&inputs.budgets, &wasm, *p, &inputs.run, None)?;
            // Sizes are deterministic: compared directly, no blocks.
            paired.extend(sizes.iter().map(|r| PairedKey {
                key: r.key(),
                estimate: None,
                turn_ms: None,
            }));
            base_records.extend(sizes);
        }
        eprintln!(
            "paired run: the base ({}) was measured beside this build in each session; the baseline rule judges the pair",
            base.source
        );
        gate_inputs.baseline = Some(base_records);
        gate_inputs.paired = Some((base.source.clone(), paired));
    }
    let mut all = measured.records;
    all.extend(sizes);
    let end = Ending {
        artifacts,
        refused: &raw_dir.join("refused_summary.json"),
        history: &inputs.files.history,
        past: &inputs.past,
        elapsed: measured.elapsed,
        reduced_protocol: inputs.run.reduced_protocol,
    };
    finish(&end, gate_inputs, all)
}

/// Measures the plan `runs` times, each in fresh sessions, without confirmation, summary or gate
/// (`collector noise`); returns each run's records and the budgets' regression rule.
pub fn measure_runs(
    artifacts: &Path,
    args: &RunArgs,
    runs: u32,
) -> Result<(Vec<Vec<Record>>, f64)> {
    let inputs = Inputs::read(artifacts, args)?;
    let dist = prepare_dist(args, &inputs.plan)?;
    let stamp = provenance::now().replace(':', "");
    let gate = GateInputs::new(
        inputs.budgets.clone(),
        inputs.run.commit.clone(),
        &GatingArgs::default(),
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

/// Builds the planned profiles (or takes `--prebuilt`) and checks every module and host page is there.
fn prepare_dist(args: &RunArgs, plan: &Plan) -> Result<PathBuf> {
    let dist = match &args.prebuilt {
        Some(dir) => dir.clone(),
        None => {
            let policy = policies::optimization(&args.policy)?;
            build(
                &policy,
                &plan.profiles,
                &args.dist,
                &Toolchain::from_env(None),
            )?;
            args.dist.clone()
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

/// The metrics this plan must produce: a missing one fails the gate (fail-closed).
fn required_metrics(plan: &Plan) -> Vec<MetricId> {
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
