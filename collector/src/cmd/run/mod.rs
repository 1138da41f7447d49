//! `collector run`: build (or take prebuilt) profiles, serve them, measure each environment × profile in a real
//! browser (up to `--jobs` sessions at once on a remote endpoint), fold the samples into records, judge them,
//! and only then write `wasm_budget_summary.json` — or, with `--shard`/`--no-gate`, write the shard file.
//! The command types its flags into `measuring::RunSettings` and calls the services.

pub(super) mod check;
pub(super) mod noise;
mod remote;

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Result};

use scenarios::paired::PairedKey;
use scenarios::summary::Record;

use crate::against::BaseBuild;
use crate::cli::RunArgs;
use crate::documents::Document;
use crate::ending::{finish, Ending};
use crate::gating::GateInputs;
use crate::home::Home;
use crate::measuring::measure::{measure_all, print_times, Measured};
use crate::measuring::plan::PlanRequest;
use crate::measuring::{prepare_dist, size_records, Inputs, Resolve, RunSettings};
use crate::module_size::module_records;
use crate::outcome::Outcome;
use crate::profiles::{module_path, Toolchain};
use crate::signals::StopSignals;
use crate::{against, provenance, shards};

/// The run's typed settings: the flags, and the environment read once (credentials, driver discovery).
pub(super) fn settings(args: &RunArgs, home: &Home) -> Result<RunSettings> {
    Ok(RunSettings {
        ci: home.path(std::path::Path::new("ci"))?,
        tools: Toolchain {
            adapter: args.adapter.clone(),
            ..Toolchain::from_env(None, home)?
        },
        corpus: args.corpus.clone(),
        budgets: args.budgets.clone(),
        policy: args.policy.clone(),
        history: args.history.clone(),
        baseline: args.baseline.clone(),
        commit: args.commit.clone(),
        plan: PlanRequest {
            matrix: args.matrix,
            environments: args.env.clone(),
            profiles: args.profile.clone(),
            all_frameworks: args.all_frameworks,
            frameworks: args.framework.clone(),
            workloads: args.workload.clone(),
            warmup: args.warmup,
            seeds: args.seeds.clone(),
            iterations: args.iterations,
            slowdown_pct: args.inject_slowdown,
            shard: args.shard,
        },
        session: remote::settings(args)?,
        www: args.www.clone(),
        listen: crate::serve::Listen {
            delay: args.test_server_delay_ms.map(Duration::from_millis),
            ..args.listen.resolve(args.port)?
        },
        jobs: args.jobs,
        adb_reverse: args.adb_reverse.then(|| args.android_serial.clone()),
        prebuilt: args.prebuilt.clone(),
        dist: args.dist.clone(),
        resolve: Resolve {
            cap: Duration::from_secs(args.resolve_for),
            forced_passes: args.test_resolve_passes,
        },
    })
}

pub fn run(artifacts: &Path, args: &RunArgs, home: &Home) -> Result<Outcome> {
    let settings = settings(args, home)?;
    let inputs = Inputs::read(artifacts, &settings)?;
    let dist = prepare_dist(&settings, &inputs.plan)?;
    let base = match &args.against {
        Some(spec) => Some(against::prepare(
            spec,
            &inputs.plan.profiles,
            &dist,
            &settings.tools,
        )?),
        None => None,
    };
    let run_id = provenance::now().replace(':', "");
    let raw_dir = artifacts.join("raw").join(&run_id);
    let gate_inputs = GateInputs {
        required: inputs.required_metrics(),
        baseline: inputs.baseline.clone(),
        ..GateInputs::new(
            inputs.budgets.clone(),
            inputs.run.commit.clone(),
            &args.gating.settings(),
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
    print_times(&measured.sessions, inputs.jobs);
    let size_inputs = size_records::SizeInputs {
        budgets: &inputs.budgets,
        groups: &inputs.size_groups,
        run: &inputs.run,
        base_dir: base.as_ref().map(|b| (b.dir.as_path(), b.source.as_str())),
        stored: inputs.stored_attribution.as_ref(),
    };
    let (sizes, attributed) =
        size_records::size_records(&size_inputs, &dist, &inputs.plan.profiles)?;
    crate::attribute::write(&Document::SizeAttribution.in_dir(artifacts), &attributed)?;
    if deferred {
        return write_shard(
            artifacts,
            args,
            &inputs,
            &gate_inputs,
            &dist,
            measured,
            sizes,
        );
    }
    let mut gate_inputs = gate_inputs;
    if let Some(base) = &base {
        let (records, paired) = (measured.base_records, measured.paired);
        let (baseline, paired) = with_base_sizes(&inputs, base, records, paired)?;
        gate_inputs.baseline = Some(baseline);
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

/// `--shard`/`--no-gate`: the measured sessions and sizes kept in the shard file for `collector merge`.
fn write_shard(
    artifacts: &Path,
    args: &RunArgs,
    inputs: &Inputs,
    gate_inputs: &GateInputs,
    dist: &Path,
    measured: Measured,
    sizes: Vec<Record>,
) -> Result<Outcome> {
    let wasm = |p| module_path(dist, p).display().to_string();
    let meta = shards::ShardMeta {
        plan: &inputs.plan,
        shard: args.shard.map(|s| s.to_string()),
        commit: &inputs.run.commit,
        commands: &inputs.run.commands,
        concurrency: inputs.jobs,
        server_delay_ms: inputs.run.server_delay_ms,
        required: gate_inputs.required.clone(),
        wasm: &wasm,
    };
    let path = shards::write(artifacts, &meta, &measured.sessions, sizes)?;
    println!(
        "measured {} session(s) in {}; no gate (--no-gate/--shard): wrote {} for `collector merge`",
        measured.sessions.len(),
        humantime::format_duration(Duration::from_secs(measured.elapsed.as_secs())),
        path.display()
    );
    Ok(Outcome::Pass)
}

/// A paired run's baseline: the base's records measured beside this build, plus its sizes, which are
/// deterministic and compared directly (no blocks).
fn with_base_sizes(
    inputs: &Inputs,
    base: &BaseBuild,
    mut base_records: Vec<Record>,
    mut paired: Vec<PairedKey>,
) -> Result<(Vec<Record>, Vec<PairedKey>)> {
    for p in &inputs.plan.profiles {
        let wasm = module_path(&base.dir, *p);
        let sizes = module_records(&inputs.budgets, &wasm, *p, &inputs.run, None)?;
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
    Ok((base_records, paired))
}
