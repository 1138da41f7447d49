//! The shard file (`wasm_budget_shard.json`) as types: what a `run --shard I/N` / `--no-gate` measured, as raw
//! per-seed results (paths relative to the file) with each session's provenance; `collector merge` reads it.
//! Types only: the collector writes and reads the file.

use serde::{Deserialize, Serialize};

use crate::fold::SessionInfo;
use crate::summary::Record;
use crate::{Environment, Framework, MetricId, Profile, Workload};

pub const SHARD_SCHEMA_VERSION: u32 = 1;

/// One shard's measurements.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// TEST ONLY (`--test-server-delay-ms`): the server's response delay, kept in the merged records.
    #[serde(default)]
    pub server_delay_ms: Option<u64>,
    /// The metrics the whole plan must produce (fail-closed when the merge lacks one).
    pub required: Vec<MetricId>,
    /// Every (environment, profile, framework, workload, seed) step of the whole plan, not only this
    /// shard's: the merge refuses to gate while any of them is unmeasured.
    pub planned: Vec<(Environment, Profile, Framework, Workload, u64)>,
    pub units: Vec<ShardUnit>,
    /// The deterministic size records of the planned profiles (every shard has them; merge de-duplicates).
    pub sizes: Vec<Record>,
    /// Per session: how long it took to start and to run, in ms (the figures of a parallel plan).
    pub sessions: Vec<SessionTime>,
}

/// The seeds of one workload measured in one session.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShardSeed {
    pub seed: u64,
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionTime {
    pub unit: String,
    pub steps: u64,
    pub start_ms: u64,
    pub total_ms: u64,
}
