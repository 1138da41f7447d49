//! `collector merge`: fold shard files (`run --shard I/N`, `--no-gate`) from their raw per-seed results into one
//! summary — seeds measured on different machines fold into one median — de-duplicate the size records,
//! refuse conflicting duplicates, missing shards and missing seeds, then gate once against one history.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use scenarios::answer::Asked;
use scenarios::fold::{RunInfo, SessionInfo};
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::records::workload_records;
use scenarios::summary::{Record, RecordKey};
use scenarios::wire::WireResult;
use scenarios::{Environment, Framework, MetricId, Profile, Workload};

use crate::answers::checked;
use crate::cli::MergeArgs;
use crate::documents::Document;
use crate::ending::{finish, Ending};
use crate::files::{read_bounded, read_json, MAX_JSON_BYTES};
use crate::gating::{self, GateFiles, GateInputs};
use crate::outcome::Outcome;
use crate::summaries::read_summary;
use crate::{policies, provenance};
use scenarios::shard::{ShardFile, ShardUnit, SHARD_SCHEMA_VERSION};

/// A workload's unit, and the adapter crate its answers name.
type UnitKey = (Environment, Profile, Framework, Workload, Option<String>);

/// One workload's seeds gathered from every shard.
struct Group {
    session: SessionInfo,
    nodes: Vec<String>,
    wasm: String,
    seeds: BTreeMap<u64, (WireResult, String, Vec<u8>)>,
    logs: Vec<String>,
}

pub fn run(artifacts: &Path, args: &MergeArgs) -> Result<Outcome> {
    let budgets = policies::budgets(&args.budgets)?;
    let shards: Vec<(PathBuf, ShardFile)> = args
        .shards
        .iter()
        .map(|p| {
            Ok((
                p.clone(),
                read_json::<ShardFile>(p, Document::Shard.schema_path())?,
            ))
        })
        .collect::<Result<_>>()?;
    let first = check_shards(&shards)?;
    let groups = gather(&shards)?;
    check_planned(&shards, &groups)?;
    let mut commands: Vec<String> = shards
        .iter()
        .flat_map(|(_, s)| s.commands.clone())
        .collect();
    commands.push(provenance::command_line());
    let run = RunInfo {
        commit: first.commit.clone(),
        commands,
        reduced_protocol: first.reduced_protocol,
        concurrency: shards.iter().map(|(_, s)| s.concurrency).max(),
        server_delay_ms: shards.iter().find_map(|(_, s)| s.server_delay_ms),
    };
    let mut records = records_of(&budgets, &run, &first.seeds, &groups)?;
    records.extend(sizes(&shards)?);
    let files = GateFiles::new(artifacts, args.history.as_deref(), None);
    let past = gating::read_history(&files.history)?;
    let mut required: Vec<MetricId> = shards
        .iter()
        .flat_map(|(_, s)| s.required.clone())
        .collect();
    required.sort();
    required.dedup();
    let gate = GateInputs {
        required,
        baseline: args.baseline.as_deref().map(read_summary).transpose()?,
        ..GateInputs::new(budgets, run.commit.clone(), &args.gating.settings())?
    };
    let stamp = provenance::now().replace(':', "");
    let elapsed = shards
        .iter()
        .flat_map(|(_, s)| s.sessions.iter().map(|t| t.total_ms))
        .max()
        .unwrap_or(0);
    eprintln!(
        "merged {} shard file(s): {} workload unit(s), {} record(s)",
        shards.len(),
        groups.len(),
        records.len()
    );
    let end = Ending {
        artifacts,
        refused: &artifacts
            .join("raw")
            .join(format!("merge-{stamp}"))
            .join("refused_summary.json"),
        history: &files.history,
        past: &past,
        elapsed: Duration::from_millis(elapsed),
        reduced_protocol: run.reduced_protocol,
    };
    finish(&end, gate, records)
}

/// Each workload's gathered seeds folded once (per-seed p95 → median), in the plan's seed order.
fn records_of(
    budgets: &BudgetPolicy,
    run: &RunInfo,
    seeds: &[u64],
    groups: &BTreeMap<UnitKey, Group>,
) -> Result<Vec<Record>> {
    let mut records = Vec::new();
    for ((env, profile, framework, workload, _adapter), g) in groups {
        let missing: Vec<u64> = seeds
            .iter()
            .filter(|s| !g.seeds.contains_key(s))
            .copied()
            .collect();
        if !missing.is_empty() {
            bail!("{env} {profile} {framework}/{workload}: seeds {missing:?} were measured by no shard given: pass every shard's file (a missing measurement is never a pass)");
        }
        let mut session = g.session.clone();
        session.node = (!g.nodes.is_empty()).then(|| g.nodes.join(", "));
        let ordered: Vec<&(WireResult, String, Vec<u8>)> =
            seeds.iter().filter_map(|s| g.seeds.get(s)).collect();
        let results: Vec<WireResult> = ordered.iter().map(|(w, _, _)| w.clone()).collect();
        let mut paths = vec![g.wasm.clone()];
        paths.extend(ordered.iter().map(|(_, p, _)| p.clone()));
        paths.extend(g.logs.iter().cloned());
        records.extend(
            workload_records(budgets, *env, &session, run, &results, &paths).with_context(
                || format!("{env} {profile} {framework}/{workload}: cannot fold the merged seeds"),
            )?,
        );
    }
    Ok(records)
}

/// The shards belong together: one schema, commit, seed set and protocol; `I/N` shards complete and distinct.
fn check_shards(shards: &[(PathBuf, ShardFile)]) -> Result<&ShardFile> {
    let (path0, first) = shards
        .first()
        .ok_or_else(|| anyhow!("no shard file given"))?;
    for (p, s) in shards {
        if s.schema_version != SHARD_SCHEMA_VERSION {
            bail!("{}: $.schema_version is {}, this collector reads {SHARD_SCHEMA_VERSION}: merge with the collector that wrote it", p.display(), s.schema_version);
        }
        let same = |what: &str, a: String, b: String| -> Result<()> {
            if a != b {
                bail!("{} and {} differ in {what} ({a} vs {b}): shards of one merge must measure one build with one plan", path0.display(), p.display());
            }
            Ok(())
        };
        same("$.commit", first.commit.clone(), s.commit.clone())?;
        same(
            "$.seeds",
            format!("{:?}", first.seeds),
            format!("{:?}", s.seeds),
        )?;
        same(
            "$.iterations",
            first.iterations.to_string(),
            s.iterations.to_string(),
        )?;
        same(
            "$.slowdown_pct",
            format!("{:?}", first.slowdown_pct),
            format!("{:?}", s.slowdown_pct),
        )?;
    }
    for (p, s) in shards {
        if s.shard.is_some() && first.shard.is_some() && s.planned != first.planned {
            bail!("{} and {} are shards of different plans ($.planned differs): run every shard with the same flags", path0.display(), p.display());
        }
    }
    let parts: Vec<Option<&str>> = shards.iter().map(|(_, s)| s.shard.as_deref()).collect();
    check_parts(&parts).with_context(|| {
        format!(
            "the shard files {:?}",
            shards
                .iter()
                .map(|(p, _)| p.display().to_string())
                .collect::<Vec<_>>()
        )
    })?;
    Ok(first)
}

/// Every step any shard planned was measured by some shard (a missing measurement is never a pass).
fn check_planned(shards: &[(PathBuf, ShardFile)], groups: &BTreeMap<UnitKey, Group>) -> Result<()> {
    let mut missing = Vec::new();
    for (p, s) in shards {
        for (e, pr, f, w, seed) in &s.planned {
            let measured = groups.iter().any(|((ge, gp, gf, gw, _), g)| {
                (ge, gp, gf, gw) == (e, pr, f, w) && g.seeds.contains_key(seed)
            });
            if !measured && missing.len() < 10 {
                missing.push(format!(
                    "{e} {pr} {f}/{w} seed {seed} (planned in {})",
                    p.display()
                ));
            }
        }
    }
    if !missing.is_empty() {
        bail!(
            "planned steps no shard measured: {}; pass every shard's file",
            missing.join("; ")
        );
    }
    Ok(())
}

/// `I/N` labels: all or none; with them, one N and every I in 1..=N exactly once.
fn check_parts(parts: &[Option<&str>]) -> Result<()> {
    if parts.iter().all(Option::is_none) {
        return Ok(());
    }
    let mut seen = BTreeMap::new();
    let mut count = None;
    for p in parts {
        let p = p.ok_or_else(|| anyhow!("mix `--shard I/N` files with whole-plan (`--no-gate`) files: merge one or the other"))?;
        let (i, n) = p
            .split_once('/')
            .and_then(|(i, n)| Some((i.parse::<u32>().ok()?, n.parse::<u32>().ok()?)))
            .ok_or_else(|| anyhow!("$.shard {p:?} is not I/N"))?;
        if *count.get_or_insert(n) != n {
            bail!(
                "mix shards of different plans (N = {} and {n}): merge the N parts of one plan",
                count.unwrap_or(n)
            );
        }
        if seen.insert(i, ()).is_some() {
            bail!("shard {i}/{n} is given twice: pass each part once");
        }
    }
    let n = count.unwrap_or(0);
    let missing: Vec<u32> = (1..=n).filter(|i| !seen.contains_key(i)).collect();
    if !missing.is_empty() {
        bail!("shard(s) {missing:?} of {n} are missing: pass every part's wasm_budget_shard.json");
    }
    Ok(())
}

/// Every unit's seeds from every shard, each answer read and checked again; a seed measured twice must be
/// byte-identical (the same file given twice) or the merge is refused.
fn gather(shards: &[(PathBuf, ShardFile)]) -> Result<BTreeMap<UnitKey, Group>> {
    let mut groups: BTreeMap<UnitKey, Group> = BTreeMap::new();
    for (path, shard) in shards {
        let dir = path.parent().unwrap_or(Path::new("."));
        for (i, u) in shard.units.iter().enumerate() {
            let label = format!(
                "{}: $.units[{i}] ({} {} {}/{})",
                path.display(),
                u.environment,
                u.profile,
                u.framework,
                u.workload
            );
            for s in &u.seeds {
                let file = dir.join(&s.path);
                let (wire, bytes) =
                    read_answer(&file, u, s.seed, shard).with_context(|| label.clone())?;
                // Two adapters' runs merge side by side: each adapter crate's seeds fold apart.
                let adapter = wire.adapter_crate.as_ref().map(|a| a.name.clone());
                let key = (u.environment, u.profile, u.framework, u.workload, adapter);
                let g = groups.entry(key).or_insert_with(|| Group {
                    session: u.session.clone(),
                    nodes: Vec::new(),
                    wasm: u.wasm.clone(),
                    seeds: BTreeMap::new(),
                    logs: Vec::new(),
                });
                same_browser(&g.session, &u.session).with_context(|| label.clone())?;
                if let Some(n) = u.session.node.as_ref().filter(|n| !g.nodes.contains(n)) {
                    g.nodes.push(n.clone());
                }
                if let Some(log) = &u.driver_log {
                    let log = dir.join(log).display().to_string();
                    if !g.logs.contains(&log) {
                        g.logs.push(log);
                    }
                }
                match g.seeds.get(&s.seed) {
                    Some((_, other, b)) if *b != bytes => bail!("{label}: seed {} is also in {other} with a different result: a conflicting duplicate (two shards measured the same seed); merge shards of one plan, each once", s.seed),
                    Some(_) => {}
                    None => {
                        g.seeds.insert(s.seed, (wire, file.display().to_string(), bytes));
                    }
                }
            }
        }
    }
    Ok(groups)
}

/// Seeds of one median must come from the same browser build on the same kind of device.
fn same_browser(a: &SessionInfo, b: &SessionInfo) -> Result<()> {
    let id = |s: &SessionInfo| {
        (
            s.browser.clone(),
            s.browser_version.clone(),
            s.device.clone(),
            s.cpu_throttle_rate.map(f64::to_bits),
        )
    };
    if id(a) != id(b) {
        bail!("the seeds of this workload were measured in different browsers ({} {} {} vs {} {} {}): one median needs one browser build; pin browserVersion in the capabilities", a.browser, a.browser_version, a.device, b.browser, b.browser_version, b.device);
    }
    Ok(())
}

/// A raw answer, parsed and checked against what the shard asked.
fn read_answer(
    file: &Path,
    u: &ShardUnit,
    seed: u64,
    shard: &ShardFile,
) -> Result<(WireResult, Vec<u8>)> {
    let bytes = read_bounded(file, MAX_JSON_BYTES)?;
    let text =
        String::from_utf8(bytes.clone()).map_err(|_| anyhow!("{} is not UTF-8", file.display()))?;
    let asked = Asked {
        workload: u.workload,
        framework: u.framework,
        profile: u.profile,
        seed,
        iterations: shard.iterations,
        warmup: u.warmup,
        slowdown_pct: shard.slowdown_pct,
    };
    let wire = checked(&text, file, &asked)
        .with_context(|| format!("{}: the shard's raw answer is refused", file.display()))?;
    Ok((wire, bytes))
}

/// The size records of every shard, one per key: equal ones are de-duplicated, different ones refused.
fn sizes(shards: &[(PathBuf, ShardFile)]) -> Result<Vec<Record>> {
    let mut out: BTreeMap<RecordKey, (Record, &Path)> = BTreeMap::new();
    for (p, s) in shards {
        for r in &s.sizes {
            match out.get(&r.key()) {
                Some((have, at)) if have.value != r.value || have.detail != r.detail => bail!("{} and {} hold different {} {} sizes ({:?} vs {:?}): the shards measured different builds; merge shards of one commit", at.display(), p.display(), r.metric_id, r.profile, have.value, r.value),
                Some(_) => {}
                None => {
                    out.insert(r.key(), (r.clone(), p.as_path()));
                }
            }
        }
    }
    Ok(out.into_values().map(|(r, _)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard_with_size(value: f64) -> ShardFile {
        let size: Record = serde_json::from_value(serde_json::json!({
            "commit": "c", "profile": "core-min", "environment": "build", "metric_id": "M-PERF-01A",
            "value": value, "unit": "bytes", "threshold_warn": null, "threshold_hard": 665600.0,
            "status": "pass", "seed_set": [], "commands": [], "artifact_paths": ["dist/core-min/harness_bg.wasm"]
        }))
        .unwrap();
        ShardFile {
            schema_version: SHARD_SCHEMA_VERSION,
            commit: "c".into(),
            commands: vec![],
            shard: None,
            seeds: vec![11],
            iterations: 100,
            slowdown_pct: None,
            reduced_protocol: true,
            concurrency: 1,
            server_delay_ms: None,
            required: vec![],
            planned: vec![],
            units: vec![],
            sizes: vec![size],
            sessions: vec![],
        }
    }

    #[test]
    fn equal_size_records_are_kept_once_and_different_ones_refused() {
        let same = [
            (PathBuf::from("a/s.json"), shard_with_size(1000.0)),
            (PathBuf::from("b/s.json"), shard_with_size(1000.0)),
        ];
        assert_eq!(sizes(&same).unwrap().len(), 1);
        let differ = [
            (PathBuf::from("a/s.json"), shard_with_size(1000.0)),
            (PathBuf::from("b/s.json"), shard_with_size(1001.0)),
        ];
        let err = sizes(&differ).unwrap_err().to_string();
        assert!(err.contains("different builds"), "{err}");
    }

    #[test]
    fn shard_parts_are_complete_distinct_and_of_one_plan() {
        assert!(check_parts(&[None, None]).is_ok());
        assert!(check_parts(&[Some("2/2"), Some("1/2")]).is_ok());
        let err = |p: &[Option<&str>]| check_parts(p).unwrap_err().to_string();
        assert!(err(&[Some("1/2")]).contains("[2] of 2 are missing"));
        assert!(err(&[Some("1/2"), Some("1/2")]).contains("given twice"));
        assert!(err(&[Some("1/2"), Some("1/3")]).contains("different plans"));
        assert!(err(&[Some("1/2"), None]).contains("mix"));
    }
}
