//! `artifacts/wasm_budget_summary.json`: the contract's record schema (section 7) plus an optional `detail` object.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{Environment, Framework, MetricId, Probe, Profile, Unit, Workload};

/// Bumped when a field changes meaning.
pub const SUMMARY_SCHEMA_VERSION: u32 = 1;

/// The summary file: a versioned list of records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub schema_version: u32,
    pub records: Vec<Record>,
}

/// A record's gate status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    /// Not measurable in this environment; never counts as a pass.
    Skip,
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Skip => "skip",
        })
    }
}

/// One metric measurement with exactly the contract's fields, plus how it was measured in `detail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub commit: String,
    pub profile: Profile,
    pub environment: Environment,
    pub metric_id: MetricId,
    /// The gate value in `unit`; `null` only for a skipped record.
    pub value: Option<f64>,
    pub unit: Unit,
    pub threshold_warn: Option<f64>,
    pub threshold_hard: Option<f64>,
    pub status: Status,
    pub seed_set: Vec<u64>,
    pub commands: Vec<String>,
    pub artifact_paths: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// One seed's reduced value, in the record's unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeedValue {
    pub seed: u64,
    pub p95: f64,
}

/// How a figure was measured. Every field is optional; fields this version does not know are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Detail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<Framework>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_seed_p95: Vec<SeedValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u32>,
    /// Operations per timed sample: the fewest of any seed (`batch_size_max`: the most; each seed's
    /// in `batch_size_per_seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    /// Operations per timed sample: the most of any seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size_max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timer_tick_ns: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_origin_isolated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// `desktop`, `emulated` or `real`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_throttle_rate: Option<f64>,
    /// Why a `skip` record has no value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// The harness probe that produced the samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<Probe>,
    /// Untimed operations run before the timed loop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup: Option<u32>,
    /// Version of the harness that measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harness_version: Option<String>,
    /// Which runtime adapter was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter: Option<String>,
    /// The crate, version and commit the adapter was built from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_crate: Option<crate::wire::AdapterCrate>,
    /// The statistic `value` is, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    /// How the samples were taken: `batches` (timed by the engine, each batch spanning at least 100
    /// ticks at any batch size), `single-operation` (one operation per sample timed alone by the page,
    /// e.g. cold init: not held to the 100-tick span) or `reading` (memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<crate::protocol::Timing>,
    /// Operations per timed sample, per seed (by seed, as text).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub batch_size_per_seed: BTreeMap<String, u32>,
    /// Measured cost of an empty batch, nanoseconds: the least of any seed (`loop_overhead_ns_max`: the
    /// most; each seed's in `loop_overhead_ns_per_seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loop_overhead_ns: Option<f64>,
    /// Measured cost of an empty batch, nanoseconds: the most of any seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loop_overhead_ns_max: Option<f64>,
    /// Measured cost of an empty batch, per seed (by seed, as text), nanoseconds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub loop_overhead_ns_per_seed: BTreeMap<String, f64>,
    /// Median of per-seed p95 of each named part of a sample, in the record's unit.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub components_p95: BTreeMap<String, f64>,
    /// True when the run used fewer seeds or iterations than the protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduced_protocol: Option<bool>,
    /// A limit of how this figure was measured (e.g. a CPU throttle that did not apply to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_throttle_note: Option<String>,
    /// Size records: the module's raw bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_bytes: Option<u64>,
    /// Size records: the module's gzip level 9 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip_bytes: Option<u64>,
    /// Size records: which gzip implementation compressed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip: Option<String>,
    /// Size records: the module's raw bytes by size group (the policy's `size_groups`, other code,
    /// data segments, custom sections, module structure), adding up to `raw_bytes`, each with an
    /// ESTIMATE of what it adds to the gzip size; the whole attribution is in
    /// `wasm_size_attribution.json`. The gate value is unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub size_breakdown: Vec<crate::attribution::Share>,
    /// Size records: where the attribution's function names came from, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_names: Option<String>,
    /// Two views of a latency probe: in how many seeds the per-operation view (single operations timed
    /// alone, a tail the clock can see) set the p95 instead of the batch view (batch means).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_op_view_seeds: Option<u32>,
    /// In how many seeds the per-operation p95 was below the tail resolution: a tail there, if any, is
    /// shorter than this clock can see, and the value is the batch view's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_below_resolution_seeds: Option<u32>,
    /// Two views of a latency probe, each folded like the value (median of per-seed p95s), in the
    /// record's unit: the batch view (batch means; resolves sub-tick costs, averages a tail away) …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_view_p95: Option<f64>,
    /// … and the per-operation view's reading (each operation timed alone; within ±1 tick).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_op_view_p95: Option<f64>,
    /// The shortest single operation the per-operation view resolves: two clock ticks, ns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_resolution_ns: Option<f64>,
    /// Untimed batches of the timed size each seed's warm-up ran until the operation's cost was steady.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub warmup_batches_per_seed: BTreeMap<String, u32>,
    /// Seeds whose warm-up reached its cap before the cost was steady (measured anyway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsteady_warmup_seeds: Option<u32>,
    /// Timed batches the page threw away for spanning fewer than the minimum ticks, all seeds together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_batches: Option<u32>,
    /// The machine-speed reference timed beside this record's probe (a fixed wasm workload touching no
    /// runtime code): the p95 of its cost per operation over every seed's stretch, ns — how fast the
    /// machine ran while this was measured, slow stretches included. The baseline rule compares a
    /// value at the baseline's machine speed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_reference_ns: Option<f64>,
    /// TEST ONLY: the calibrated slowdown injected into every batched operation, percent; never set
    /// in a real measurement (detection-power benchmarks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injected_slowdown_pct: Option<f64>,
    /// TEST ONLY: the slowdown compiled into the measured build (`collector build --inject-slowdown`), percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built_slowdown_pct: Option<f64>,
    /// TEST ONLY: the local server held every response back this many ms (a slowed server check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_delay_ms: Option<u64>,
    /// Confirm-by-rerun: the first measurement's value, when it would have warned or failed and the
    /// record was measured again in fresh browser sessions (`value` is then the lowest confirmation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_value: Option<f64>,
    /// Confirm-by-rerun: the value of each re-measurement, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirmation_values: Vec<f64>,
    /// Browser sessions the run kept open at once (`collector run --jobs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent_sessions: Option<u32>,
    /// The remote WebDriver endpoint (Selenium Grid, Appium, a device farm), credentials redacted;
    /// absent for a local driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webdriver_endpoint: Option<String>,
    /// `platformName` the WebDriver endpoint returned for the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_name: Option<String>,
    /// The grid node that ran the session, when the grid says (Selenium Grid's GraphQL `nodeUri`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_node: Option<String>,
    /// Cold init: whether the page forced a full garbage collection between frames of samples
    /// (`false`: the browser exposes no `gc()`, so a sample may pay for collecting earlier ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_frame_gc: Option<bool>,
    /// Cold init: the fewest seeds whose frames of samples one page call took in turns (1: each seed
    /// alone, so a seed's position in the session could move its p95).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_seeds_in_turn: Option<u32>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// What identifies "the same measurement" across runs: streaks and baselines are kept per key.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct RecordKey {
    pub metric_id: MetricId,
    pub profile: Profile,
    pub environment: Environment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<Framework>,
    /// The adapter crate measured (`detail.adapter_crate.name`), so two runtimes' streaks and
    /// baselines never mix; absent on records written before adapters had crates of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter: Option<String>,
}

impl RecordKey {
    /// The key whatever adapter measured it: a paired run's base and candidate are one comparison
    /// even where the base build predates adapter crates or names its crate otherwise.
    pub fn without_adapter(&self) -> RecordKey {
        RecordKey {
            adapter: None,
            ..self.clone()
        }
    }
}

impl Record {
    pub fn key(&self) -> RecordKey {
        let d = self.detail.as_ref();
        RecordKey {
            metric_id: self.metric_id,
            profile: self.profile,
            environment: self.environment,
            workload: d.and_then(|d| d.workload),
            framework: d.and_then(|d| d.framework),
            adapter: d.and_then(|d| Some(d.adapter_crate.as_ref()?.name.clone())),
        }
    }
}

impl core::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.metric_id, self.profile, self.environment
        )?;
        match (self.framework, self.workload) {
            (Some(fw), Some(w)) => write!(f, " {fw}/{w}"),
            (None, Some(w)) => write!(f, " {w}"),
            (Some(fw), None) => write!(f, " {fw}"),
            (None, None) => Ok(()),
        }
    }
}
