//! `collector run`: build (or take prebuilt) profiles, serve them, measure each environment × profile in a real
//! browser, fold the samples into records, judge them, and only then write `wasm_budget_summary.json`.

mod browser;
mod confirm;
mod plan;
mod progress;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use scenarios::fold::RunInfo;
use scenarios::gate::GateEvent;
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::protocol::{metrics_in, unmeasurable};
use scenarios::records::workload_records;
use scenarios::summary::Record;
use scenarios::{Framework, MetricId};

use crate::cli::{GatingArgs, RunArgs};
use crate::gating::{self, GateFiles, GateInputs};
use crate::outcome::Outcome;
use crate::profiles::{build, module_path, Toolchain};
use crate::serve::{start, Roots};
use crate::signals::StopSignals;
use crate::sizes::module_records;
use crate::summaries::{read_summary, write_summary};
use crate::{policies, provenance, table};

use browser::SessionSettings;
use plan::Plan;
use progress::Progress;

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
}

impl Inputs {
    fn read(artifacts: &Path, args: &RunArgs) -> Result<Inputs> {
        let corpus = policies::corpus(&args.corpus)?;
        let plan = Plan::new(args, &corpus)?;
        let files = GateFiles::new(artifacts, args.history.as_deref(), None);
        Ok(Inputs {
            budgets: policies::budgets(&args.budgets)?,
            past: gating::read_history(&files.history)?,
            baseline: args.baseline.as_deref().map(read_summary).transpose()?,
            run: RunInfo {
                commit: provenance::commit(args.commit.as_deref()),
                commands: vec![provenance::command_line()],
                reduced_protocol: plan.is_reduced(),
                server_delay_ms: args.test_server_delay_ms,
            },
            settings: SessionSettings {
                android_real: args.android_real,
                android_serial: args.android_serial.clone(),
                cpu_throttle: args.cpu_throttle,
                startup_timeout: Duration::from_secs(args.startup_timeout),
                scenario_timeout: Duration::from_secs(args.scenario_timeout),
                chromium_binary: args.chromium_binary.clone(),
                firefox_binary: args.firefox_binary.clone(),
                webdriver_url: args.webdriver_url.clone(),
            },
            www: args.www.clone(),
            plan,
            files,
        })
    }
}

pub fn run(artifacts: &Path, args: &RunArgs) -> Result<Outcome> {
    let inputs = Inputs::read(artifacts, args)?;
    let dist = prepare_dist(args, &inputs.plan)?;
    let run_id = provenance::now().replace(':', "");
    let raw_dir = artifacts.join("raw").join(&run_id);
    let mut gate_inputs = GateInputs {
        required: required_metrics(&inputs.plan),
        baseline: inputs.baseline.clone(),
        ..GateInputs::new(
            inputs.budgets.clone(),
            inputs.run.commit.clone(),
            &args.gating,
        )?
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let (mut all, elapsed) = runtime.block_on(async {
        let mut stop = StopSignals::listen()?;
        tokio::select! {
            r = measure_all(&inputs, &dist, &raw_dir, &gate_inputs, args.confirm) => r,
            why = stop.wait() => bail!("interrupted ({why}): browsers and drivers were stopped; the previous summary is left as it was"),
        }
    })?;
    for p in &inputs.plan.profiles {
        all.extend(module_records(
            &inputs.budgets,
            &module_path(&dist, *p),
            *p,
            &inputs.run,
        )?);
    }
    gate_inputs.measurements = Some(all);
    let report = gating::judge(&gate_inputs, &inputs.past);
    let all = gate_inputs.measurements.as_deref().unwrap_or_default();
    let summary_path = artifacts.join("wasm_budget_summary.json");
    if let Err(e) = gating::refuse_unjudged(&report) {
        let kept = raw_dir.join("refused_summary.json");
        write_summary(&kept, all)?;
        return Err(e.context(format!(
            "{} was not written; the refused records are kept in {}",
            summary_path.display(),
            kept.display()
        )));
    }
    write_summary(&summary_path, all)?;
    print!("{}", table::records(all));
    println!(
        "measured in {} ({}); wrote {}",
        humantime::format_duration(Duration::from_secs(elapsed.as_secs())),
        if inputs.run.reduced_protocol {
            "REDUCED protocol"
        } else {
            "full protocol"
        },
        summary_path.display()
    );
    let mut files = inputs.files;
    files.report = artifacts.join("wasm_perf_regression_report.json");
    gating::record(&report, &files, &gate_inputs, &inputs.past)?;
    print!("{}", table::verdict(&report));
    println!(
        "wrote {} and {}",
        files.report.display(),
        files.history.display()
    );
    // The reports people read (HTML, Markdown, JUnit, BMF), on a pass and on a budget failure alike.
    println!(
        "{}",
        crate::report::write_all(&crate::report::Sources::new(artifacts, &files.history))?
    );
    gating::outcome(&report)
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
        let (records, _) = runtime.block_on(async {
            let mut stop = StopSignals::listen()?;
            tokio::select! {
                r = measure_all(&inputs, &dist, &raw_dir, &gate, 0) => r,
                why = stop.wait() => bail!("interrupted ({why}): browsers and drivers were stopped; nothing was written"),
            }
        })?;
        out.push(records);
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

/// Serves the pages, measures the plan, then confirms every unit that would warn or fail.
async fn measure_all(
    inputs: &Inputs,
    dist: &Path,
    raw_dir: &Path,
    gate: &GateInputs,
    confirmations: u32,
) -> Result<(Vec<Record>, Duration)> {
    let roots = Roots {
        www: inputs.www.clone(),
        dist: dist.to_path_buf(),
        ci: PathBuf::from("ci"),
    };
    let delay = inputs.run.server_delay_ms.map(Duration::from_millis);
    let server = start(&roots, SocketAddr::from(([127, 0, 0, 1], 0)), delay).await?;
    let origin = server.origin();
    eprintln!("serving {} at {origin}", roots.www.display());
    let mut progress = Progress::new(inputs.plan.jobs());
    let measured = Measure {
        inputs,
        dist,
        origin: &origin,
    };
    let first = measured.plan(&inputs.plan, raw_dir, &mut progress).await?;
    let out = measured
        .confirm(first, gate, confirmations, raw_dir, &mut progress)
        .await?;
    progress.finish();
    server.stop().await;
    Ok((out, progress.elapsed()))
}

/// What every measurement of a run shares: its inputs, builds and the server's origin.
struct Measure<'a> {
    inputs: &'a Inputs,
    dist: &'a Path,
    origin: &'a str,
}

impl Measure<'_> {
    /// Re-measures, `n` times in fresh sessions, each unit the gate would warn or fail on; the verdict
    /// then rests on the confirmations (raw results under `<raw>/confirm-<i>/`).
    async fn confirm(
        &self,
        first: Vec<Record>,
        gate: &GateInputs,
        n: u32,
        raw_dir: &Path,
        progress: &mut Progress,
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
                again.extend(self.plan(&sub, &dir, progress).await?);
            }
        }
        Ok(confirm::merge(first, &units, &again))
    }

    /// One fresh browser session per environment × profile × host of `plan`, folded into records.
    async fn plan(
        &self,
        plan: &Plan,
        raw_dir: &Path,
        progress: &mut Progress,
    ) -> Result<Vec<Record>> {
        let inputs = self.inputs;
        let ctx = browser::Ctx {
            plan,
            settings: &inputs.settings,
            origin: self.origin,
            raw_dir,
        };
        let mut out = Vec::new();
        for env in &plan.environments {
            for (profile, framework) in plan
                .profiles
                .iter()
                .flat_map(|p| plan.frameworks.iter().map(move |f| (p, f)))
            {
                if plan.host_workloads(*env, *framework).next().is_none() {
                    continue;
                }
                let got = browser::measure(&ctx, *env, *profile, *framework, progress).await?;
                let wasm = module_path(self.dist, *profile).display().to_string();
                for w in &got.workloads {
                    let mut paths = vec![wasm.clone()];
                    paths.extend(w.paths.iter().cloned());
                    if let Some(log) = &got.driver_log {
                        paths.push(log.display().to_string());
                    }
                    let recs = workload_records(
                        &inputs.budgets,
                        *env,
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
        }
        Ok(out)
    }
}
