//! The shard file (`wasm_budget_shard.json`): what a `run --shard I/N` / `--no-gate` measured, as raw per-seed
//! results (paths relative to the file) with each session's provenance, for `collector merge` to fold and gate once.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use scenarios::fold::SessionInfo;
use scenarios::summary::Record;
use scenarios::{Environment, Framework, MetricId, Profile, Workload};

use super::browser::SessionResults;
use super::plan::Plan;
use crate::files::{to_json_bytes, write_atomic};

pub const SHARD_FILE: &str = "wasm_budget_shard.json";
pub const SHARD_SCHEMA_VERSION: u32 = 1;

/// One shard's measurements.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardFile {
    pub schema_version: u32,
    pub commit: String,
    pub commands: Vec<String>,
    /// `I/N` for `--shard I/N`; absent for a whole plan measured with `--no-gate`.
    pub shard: Option<String>,
    /// The plan's seed set (protocol order) and protocol, which every shard of one merge must share.
    pub seeds: Vec<u64>,
    pub iterations: u32,
    pub slowdown_pct: Option<f64>,
    pub reduced_protocol: bool,
    /// `--jobs` of this shard.
    pub concurrency: u32,
    /// The metrics the whole plan must produce (fail-closed when the merge lacks one).
    pub required: Vec<MetricId>,
    pub units: Vec<ShardUnit>,
    /// The deterministic size records of the planned profiles (every shard has them; merge de-duplicates).
    pub sizes: Vec<Record>,
    /// Per session: how long it took to start and to run, in ms (the figures of a parallel plan).
    pub sessions: Vec<SessionTime>,
}

/// The seeds of one workload measured in one session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardUnit {
    pub environment: Environment,
    pub profile: Profile,
    pub framework: Framework,
    pub workload: Workload,
    pub warmup: u32,
    pub session: SessionInfo,
    /// The measured module, as the run recorded it.
    pub wasm: String,
    /// Raw wire results, relative to the shard file's directory.
    pub seeds: Vec<ShardSeed>,
    pub driver_log: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardSeed {
    pub seed: u64,
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionTime {
    pub unit: String,
    pub steps: u64,
    pub start_ms: u64,
    pub total_ms: u64,
}

/// What a shard file is made of besides the sessions.
pub struct ShardMeta<'a> {
    pub plan: &'a Plan,
    pub shard: Option<String>,
    pub commit: &'a str,
    pub commands: &'a [String],
    pub concurrency: u32,
    pub required: Vec<MetricId>,
    pub wasm: &'a dyn Fn(Profile) -> String,
}

/// `path` relative to `base` when it lies under it (raw files are written under the artifacts dir).
fn relative(path: &str, base: &Path) -> String {
    let p = PathBuf::from(path);
    p.strip_prefix(base)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| path.to_owned())
}

/// Writes `<artifacts>/wasm_budget_shard.json` atomically; returns its path.
pub fn write(
    artifacts: &Path,
    meta: &ShardMeta<'_>,
    measured: &[SessionResults],
    sizes: Vec<Record>,
) -> Result<PathBuf> {
    let mut units = Vec::new();
    let mut sessions = Vec::new();
    for s in measured {
        let log = s
            .driver_log
            .as_ref()
            .map(|p| relative(&p.display().to_string(), artifacts));
        for w in &s.workloads {
            units.push(ShardUnit {
                environment: s.env,
                profile: s.profile,
                framework: s.framework,
                workload: w.workload,
                warmup: w.warmup,
                session: s.session.clone(),
                wasm: (meta.wasm)(s.profile),
                seeds: w
                    .results
                    .iter()
                    .zip(&w.paths)
                    .map(|(r, p)| ShardSeed {
                        seed: r.seed,
                        path: relative(p, artifacts),
                    })
                    .collect(),
                driver_log: log.clone(),
            });
        }
        sessions.push(SessionTime {
            unit: format!("{} {} {}", s.env, s.profile, s.framework),
            steps: s.workloads.iter().map(|w| w.results.len() as u64).sum(),
            start_ms: s.start_time.as_millis() as u64,
            total_ms: s.unit_time.as_millis() as u64,
        });
    }
    let file = ShardFile {
        schema_version: SHARD_SCHEMA_VERSION,
        commit: meta.commit.to_owned(),
        commands: meta.commands.to_vec(),
        shard: meta.shard.clone(),
        seeds: meta.plan.seeds.clone(),
        iterations: meta.plan.iterations,
        slowdown_pct: meta.plan.slowdown_pct,
        reduced_protocol: meta.plan.is_reduced(),
        concurrency: meta.concurrency,
        required: meta.required.clone(),
        units,
        sizes,
        sessions,
    };
    let path = artifacts.join(SHARD_FILE);
    write_atomic(&path, &to_json_bytes(&file)?)?;
    Ok(path)
}
