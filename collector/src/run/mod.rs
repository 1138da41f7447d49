//! `collector run`: build (or take prebuilt) profiles, serve them, measure each environment × profile in a real
//! browser, fold the samples into `wasm_budget_summary.json`, and gate.

mod browser;
mod plan;
mod progress;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use scenarios::fold::{records, skipped, RunInfo, SessionInfo};
use scenarios::gate::stamp;
use scenarios::protocol::{metrics_in, unmeasurable};
use scenarios::summary::{Record, Summary, SUMMARY_SCHEMA_VERSION};
use scenarios::{MetricId, Workload};

use crate::cli::RunArgs;
use crate::cmd::{gate_and_record, outcome, read_history, read_summary, size_records, GateInputs};
use crate::files::{to_json_bytes, write_atomic};
use crate::profiles::{build, module_path, Toolchain};
use crate::serve::{start, Roots};
use crate::{policies, provenance, table, Outcome};

use plan::Plan;
use progress::Progress;

pub fn run(artifacts: &Path, args: &RunArgs) -> Result<Outcome> {
    let budgets = policies::budgets(&args.budgets)?;
    let corpus = policies::corpus(&args.corpus)?;
    let plan = Plan::new(args, &corpus)?;
    // Read every input before measuring, so bad input fails in seconds, not after the run.
    let history = args
        .history
        .clone()
        .unwrap_or_else(|| artifacts.join("wasm_perf_gate_events.ndjson"));
    let past = read_history(&history)?;
    let baseline = args.baseline.as_deref().map(read_summary).transpose()?;
    let commit = provenance::commit(args.commit.as_deref());
    let command = provenance::command_line();
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
        .filter(|f| **f != scenarios::Framework::VanillaJs)
    {
        let page = dist.join("hosts").join(f.as_str()).join("index.html");
        if !page.is_file() {
            bail!("the {f} host page {} is missing: build the framework hosts with `ci/build-hosts.sh`", page.display());
        }
    }
    let run_id = provenance::now().replace(':', "");
    let raw_dir = artifacts.join("raw").join(&run_id);
    let runtime = tokio::runtime::Runtime::new()?;
    let measured = runtime.block_on(async {
        tokio::select! {
            r = measure_all(&plan, args, &dist, &raw_dir, &commit, &command) => r,
            _ = tokio::signal::ctrl_c() => bail!("interrupted (Ctrl-C): browsers and drivers were stopped; the previous summary is left as it was"),
        }
    })?;
    let (mut all, elapsed) = measured;
    for p in &plan.profiles {
        let wasm = module_path(&dist, *p);
        all.extend(size_records(&wasm, *p, &commit, &command)?);
    }
    for r in &mut all {
        stamp(&budgets, r).map_err(anyhow::Error::msg)?;
    }
    let summary_path = artifacts.join("wasm_budget_summary.json");
    write_atomic(
        &summary_path,
        &to_json_bytes(&Summary {
            schema_version: SUMMARY_SCHEMA_VERSION,
            records: all.clone(),
        })?,
    )?;
    print!("{}", table::records(&all));
    println!(
        "measured in {} ({}); wrote {}",
        humantime::format_duration(std::time::Duration::from_secs(elapsed.as_secs())),
        if plan.is_reduced() {
            "REDUCED protocol"
        } else {
            "full protocol"
        },
        summary_path.display()
    );

    let required: BTreeSet<MetricId> = plan
        .environments
        .iter()
        .flat_map(|e| {
            plan.workloads_in(*e)
                .flat_map(move |w| metrics_in(w.workload, *e))
        })
        .filter(|m| plan.profiles.iter().any(|p| unmeasurable(*p, *m).is_none()))
        .collect();
    let inputs = GateInputs {
        budgets,
        profile: None,
        measurements: Some(all),
        required: required.into_iter().collect(),
        baseline,
        current: None,
    };
    let report_path = artifacts.join("wasm_perf_regression_report.json");
    let report = gate_and_record(&inputs, &past, &history, &report_path, &commit)?;
    print!("{}", table::verdict(&report));
    println!("wrote {} and {}", report_path.display(), history.display());
    outcome(&report)
}

async fn measure_all(
    plan: &Plan,
    args: &RunArgs,
    dist: &Path,
    raw_dir: &Path,
    commit: &str,
    command: &str,
) -> Result<(Vec<Record>, std::time::Duration)> {
    let roots = Roots {
        www: args.www.clone(),
        dist: dist.to_path_buf(),
        ci: PathBuf::from("ci"),
    };
    let server = start(&roots, SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let origin = server.origin();
    eprintln!("serving {} at {origin}", roots.www.display());
    let mut progress = Progress::new(plan.jobs());
    let run = RunInfo {
        commit: commit.to_owned(),
        commands: vec![command.to_owned()],
    };
    let ctx = browser::Ctx {
        plan,
        args,
        origin: &origin,
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
            let got = browser::measure(&ctx, *env, *profile, *framework, &mut progress).await?;
            let wasm = module_path(dist, *profile).display().to_string();
            for w in &got.workloads {
                let mut paths = vec![wasm.clone()];
                paths.extend(w.paths.iter().cloned());
                if let Some(log) = &got.driver_log {
                    paths.push(log.display().to_string());
                }
                let mut recs =
                    records(*env, &got.session, &run, &w.results, &paths).with_context(|| {
                        format!(
                            "{env} {profile} {framework}/{}: cannot fold the samples",
                            w.workload
                        )
                    })?;
                annotate(&mut recs, plan, &got.session, w.workload);
                for m in metrics_in(w.workload, *env) {
                    if let Some(reason) = unmeasurable(*profile, m) {
                        if !recs.iter().any(|r| r.metric_id == m) {
                            recs.push(skipped(
                                *env, *profile, *framework, w.workload, m, &run, reason,
                            ));
                        }
                    }
                }
                out.extend(recs);
            }
        }
    }
    progress.finish();
    server.stop().await;
    Ok((out, progress.elapsed()))
}

/// Notes every record must carry about how it was measured beyond the wire result.
fn annotate(recs: &mut [Record], plan: &Plan, session: &SessionInfo, workload: Workload) {
    // Cold start runs in dedicated workers (a fresh module per sample); CDP's
    // Emulation.setCPUThrottlingRate slows the page's main thread only.
    let unthrottled = session.device == "emulated" && workload == Workload::ColdStart;
    for d in recs.iter_mut().filter_map(|r| r.detail.as_mut()) {
        if plan.is_reduced() {
            d.extra
                .insert("reduced_protocol".into(), serde_json::json!(true));
        }
        if unthrottled {
            d.extra.insert(
                "cpu_throttle_note".into(),
                serde_json::json!("measured in dedicated workers, which Emulation.setCPUThrottlingRate does not slow: this cold init is not CPU-throttled"),
            );
        }
    }
}
