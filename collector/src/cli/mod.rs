//! The command line: every subcommand, its flags and their defaults (clap).

use std::path::PathBuf;

use crate::documents::{self, Document};
use crate::gating::GatingSettings;
use crate::measuring::plan::Shard;
use clap::{Args, Parser, Subcommand, ValueEnum};
use scenarios::{Environment, Framework, MetricId, Profile, Workload};

mod build;
mod defaults;
pub use build::{BuildArgs, SizeArgs};
pub use defaults::parse;

/// Measures WebAssembly runtime budgets in real browsers and gates CI on them.
///
/// Exit codes: 0 pass or warn, 1 budget failure, 2 usage, policy or input error.
#[derive(Debug, Parser)]
#[command(name = "collector", version, propagate_version = true)]
pub struct Cli {
    /// Directory for artifacts (summaries, reports, event log).
    #[arg(long, global = true, default_value = "artifacts", value_name = "DIR")]
    pub artifacts_dir: PathBuf,
    /// The harness checkout (holding ci/, www/ and the workspace Cargo.toml) whose policies, pages and
    /// builds the defaults name [default: the first one from the current directory upward, else the
    /// checkout this collector was built or installed from].
    #[arg(long, global = true, env = "WASM_BUDGETS_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a ci/ policy file, or run the validators' self-test.
    Validate(ValidateArgs),
    /// Measure M-PERF-01A (raw bytes) and M-PERF-01B (gzip -9 bytes) of a wasm file.
    Size(SizeArgs),
    /// Judge measurements against the budgets, the warn history and a baseline.
    Gate(GateArgs),
    /// Print the JSON Schema of a policy or artifact file.
    Schema(SchemaArgs),
    /// Build the profiles from the optimization policy into dist/<profile>/ and print their sizes.
    Build(BuildArgs),
    /// Serve www/, dist/ and ci/ with COOP/COEP (127.0.0.1 unless --bind/--public-origin/--tls-*).
    Serve(ServeArgs),
    /// Build, serve, drive the browsers, fold the samples into the summary, and gate.
    Run(Box<RunArgs>),
    /// Fold shard files (`run --shard I/N`) from their raw per-seed results into one summary, then gate once.
    Merge(Box<MergeArgs>),
    /// Measure the same build several times (fresh sessions) and write each record's run-to-run spread.
    Noise(Box<NoiseArgs>),
    /// Run the adapter conformance suite (semantics, not speed) in each planned browser session, for
    /// every seed, and print each check; exit 1 if any fails. `run` runs it too and refuses a failing adapter.
    CheckAdapter(Box<CheckAdapterArgs>),
    /// Write the reports people read: HTML with plots, Markdown summary, JUnit XML, Bencher BMF JSON.
    Report(ReportArgs),
    /// Write a new adapter crate to start from: a complete runtime (the futures-local adapter, which
    /// passes the conformance suite) under your crate's name, outside this checkout; then
    /// `check-adapter --adapter DIR` and `run --adapter DIR`.
    NewAdapter(NewAdapterArgs),
    /// Print every subcommand and flag as Markdown (docs/collector.md is this output; a test keeps it so).
    Reference,
}

/// The whole command line as Markdown, generated from the clap definitions (`collector reference`).
pub fn reference() -> String {
    clap_markdown::help_markdown::<Cli>()
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The summary to report on [default: <artifacts-dir>/wasm_budget_summary.json].
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// The gate's report [default: <artifacts-dir>/wasm_perf_regression_report.json; absent: statuses as in the summary].
    #[arg(long, value_name = "FILE")]
    pub gate_report: Option<PathBuf>,
    /// The gate's event log [default: <artifacts-dir>/wasm_perf_gate_events.ndjson].
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Where to write the four reports [default: <artifacts-dir>].
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NoiseArgs {
    /// How many times to measure the plan.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..))]
    pub runs: u32,
    /// Where to write the report [default: <artifacts-dir>/wasm_noise_report.json].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// What to measure: the flags of `collector run` (no summary or gate event is written).
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct CheckAdapterArgs {
    /// Where to check: the flags of `collector run` (environments, profiles, seeds, `--adapter`,
    /// `--prebuilt`, endpoints); workloads, iterations and gating flags are not used.
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct NewAdapterArgs {
    /// Where to write the crate: a directory that does not exist yet, or an empty one.
    pub dir: PathBuf,
    /// The crate's package name [default: the directory's name].
    #[arg(long)]
    pub name: Option<String>,
}

/// Which policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyKind {
    /// ci/wasm_perf_budgets.json
    Budgets,
    /// ci/wasm_benchmark_corpus.json
    Corpus,
    /// ci/wasm_optimization_policy.json
    Optimization,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Run built-in good and bad fixtures and show each rule catching its violation.
    #[arg(long)]
    pub self_test: bool,
    /// Which policy the file holds (with --self-test: only that policy's fixtures).
    #[arg(value_enum, required_unless_present = "self_test")]
    pub kind: Option<PolicyKind>,
    /// The policy file.
    #[arg(required_unless_present = "self_test")]
    pub file: Option<PathBuf>,
}

/// How the gate counts this run, shared by `gate` and `run`.
#[derive(Debug, Default, Args)]
pub struct GatingArgs {
    /// CI run id for the events [default: $GITHUB_RUN_ID, $CI_PIPELINE_ID or $BUILDKITE_BUILD_ID]. A retry
    /// with the same commit and run id replaces that run's events instead of counting as another breach.
    #[arg(long = "run-id", value_name = "ID")]
    pub run_id: Option<String>,
    /// A measured key with no baseline record is an error (exit 2) instead of a "no baseline" line.
    #[arg(long = "require-baseline", requires = "baseline")]
    pub require_baseline: bool,
    /// Compare the current value at the baseline's machine speed where the current and the baseline
    /// record both carry a machine-speed reference (`detail.speed_reference_ns`). Off by default: on
    /// the reference machine the adjustment widened the A/A spread instead of narrowing it
    /// (docs/gates.md, figure F8 of docs/figures.md). Thresholds always judge raw values.
    #[arg(long = "speed-adjusted-baseline", requires = "baseline")]
    pub speed_adjusted_baseline: bool,
    /// Compare raw values with the baseline: the default (kept so earlier CI scripts still run).
    #[arg(
        long = "raw-baseline",
        requires = "baseline",
        conflicts_with = "speed_adjusted_baseline"
    )]
    pub raw_baseline: bool,
    /// A noise report (`collector noise`): each regression shows its key's run-to-run spread, and a
    /// warning names every comparison whose noise reaches the regression rule.
    #[arg(long, value_name = "FILE", requires = "baseline")]
    pub noise: Option<PathBuf>,
}

impl GatingArgs {
    /// The gate's typed settings.
    pub fn settings(&self) -> GatingSettings {
        GatingSettings {
            run_id: self.run_id.clone(),
            require_baseline: self.require_baseline,
            speed_adjusted_baseline: self.speed_adjusted_baseline,
            noise: self.noise.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// Budget policy (ci/wasm_perf_budgets.json).
    #[arg(long)]
    pub budgets: PathBuf,
    /// Profile whose records are judged; required with --measurements.
    #[arg(long, value_parser = parse_profile, requires = "measurements")]
    pub profile: Option<Profile>,
    /// Summary to judge (artifacts/wasm_budget_summary.json).
    #[arg(long, requires = "profile", required_unless_present = "baseline")]
    pub measurements: Option<PathBuf>,
    /// A metric that must be measured; missing is a policy error. Repeatable.
    #[arg(long = "require-metric", value_name = "ID", value_parser = parse_metric)]
    pub require_metric: Vec<MetricId>,
    /// Baseline summary to compare with (baselines/baseline_latest.json).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Summary compared with the baseline [default: --measurements].
    #[arg(long, requires = "baseline")]
    pub current: Option<PathBuf>,
    /// Event log that carries warn streaks [default: <artifacts-dir>/wasm_perf_gate_events.ndjson].
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Report to write [default: <artifacts-dir>/wasm_perf_regression_report.json].
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Commit SHA for the events [default: $GITHUB_SHA or `git rev-parse HEAD`].
    #[arg(long)]
    pub commit: Option<String>,
    #[command(flatten)]
    pub gating: GatingArgs,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[arg(value_enum)]
    pub kind: Document,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    #[command(flatten)]
    pub listen: ListenArgs,
    /// Directory holding the profile builds (served at /dist/).
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Profiles to measure (repeatable) [default: core-min].
    #[arg(long = "profile", value_parser = parse_profile)]
    pub profile: Vec<Profile>,
    /// Environments (repeatable): desktop-chromium, desktop-firefox, mobile-android [default: desktop-chromium].
    #[arg(long = "env", value_parser = parse_env)]
    pub env: Vec<Environment>,
    /// Every profile in desktop-chromium, desktop-firefox and mobile-android (emulated unless --android-real).
    #[arg(long, conflicts_with_all = ["profile", "env"])]
    pub matrix: bool,
    /// Workloads (repeatable) [default: every workload the corpus maps to the framework].
    #[arg(long = "workload", value_parser = parse_workload)]
    pub workload: Vec<Workload>,
    /// Host framework pages (repeatable): vanilla-js, typescript-sdk, react, nextjs [default: vanilla-js].
    /// Hosts other than vanilla-js are built by ci/build-hosts.sh into <dist>/hosts/<framework>/.
    #[arg(long = "framework", value_parser = parse_framework)]
    pub framework: Vec<Framework>,
    /// Every framework host of the corpus.
    #[arg(long, conflicts_with = "framework")]
    pub all_frameworks: bool,
    /// Seeds, comma-separated [default: the protocol's 11,29,42,73,101].
    #[arg(long, value_delimiter = ',')]
    pub seeds: Vec<u64>,
    /// Timed samples per seed (the protocol needs >= 2000; fewer is recorded and reported as reduced).
    #[arg(long, default_value_t = scenarios::protocol::MIN_ITERATIONS)]
    pub iterations: u32,
    /// Untimed operations before the timed loop [default: the corpus scenario's warmup].
    #[arg(long)]
    pub warmup: Option<u32>,
    /// TEST ONLY: slow every batched operation by PCT percent (extra operations inside each timed batch),
    /// for detection-power benchmarks (`ci/bench-detection.sh`). Records say so in
    /// `detail.injected_slowdown_pct`; never use it for a real measurement.
    #[arg(long = "inject-slowdown", value_name = "PCT", value_parser = parse_slowdown)]
    pub inject_slowdown: Option<f64>,
    /// TEST ONLY: the local server holds every response back MS milliseconds (a slow server), to show
    /// that transfer never reaches the cold-init gate value. Records say so in `detail.server_delay_ms`.
    #[arg(long = "test-server-delay-ms", value_name = "MS", hide = true)]
    pub test_server_delay_ms: Option<u64>,
    /// Confirm-by-rerun: a runtime record that would warn or fail (threshold or baseline) is measured
    /// N more times, each in a fresh browser session, and the verdict rests on the confirmations (a
    /// breach stands only if every one repeats it). 0 turns it off; sizes are deterministic and never re-measured.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub confirm: u32,
    /// Use these prebuilt profiles (<DIR>/<profile>/harness_bg.wasm) instead of building.
    #[arg(long = "prebuilt", value_name = "DIR")]
    pub prebuilt: Option<PathBuf>,
    /// The adapter crate to build when building (see `collector build --adapter`).
    #[arg(long, value_name = "DIR", default_value = crate::profiles::DEFAULT_ADAPTER, conflicts_with = "prebuilt")]
    pub adapter: PathBuf,
    /// Where `collector build` puts the profiles when building.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Host pages root (served at /).
    #[arg(long, default_value = "www")]
    pub www: PathBuf,
    /// Chromium binary for desktop-chromium and emulated mobile.
    #[arg(long)]
    pub chromium_binary: Option<PathBuf>,
    /// Firefox binary for desktop-firefox.
    #[arg(long)]
    pub firefox_binary: Option<PathBuf>,
    /// A remote W3C WebDriver endpoint (Selenium Grid 4, Appium, a device farm) instead of local drivers.
    /// Credentials: WEBDRIVER_USERNAME / WEBDRIVER_ACCESS_KEY in the environment (never recorded).
    #[arg(long)]
    pub webdriver_url: Option<String>,
    /// Extra W3C capabilities, a JSON object merged into `alwaysMatch` (like wasm-bindgen-test-runner's
    /// webdriver.json); string values `${VAR}` are read from the environment and never recorded.
    #[arg(long, value_name = "FILE")]
    pub capabilities: Option<PathBuf>,
    /// One extra capability, KEY=JSON (repeatable; applied after --capabilities).
    #[arg(long = "capability", value_name = "KEY=JSON", value_parser = parse_capability)]
    pub capability: Vec<(String, serde_json::Value)>,
    /// Browser sessions open at once. Above 1 only on remote endpoints (a grid, a farm): parallel
    /// sessions on one machine would distort each other's timings. Recorded in every record.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub jobs: u32,
    /// Measure only part I of N of the plan (its (workload, seed) steps split in N contiguous,
    /// deterministic parts) and write the shard file for `collector merge`; implies --no-gate.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Measure, keep the raw per-seed results and write <artifacts-dir>/wasm_budget_shard.json for
    /// `collector merge`, without summary, confirmation, gate or history.
    #[arg(long)]
    pub no_gate: bool,
    /// Port of the harness server (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    #[command(flatten)]
    pub listen: ListenArgs,
    /// Route the device's localhost to the harness server with `adb reverse tcp:PORT tcp:PORT` (removed at
    /// the end): for a real device attached to this machine (`--android-serial` picks one); its page
    /// opens `http://localhost:PORT`, a secure context, so it stays cross-origin isolated.
    #[arg(long, requires = "android_real")]
    pub adb_reverse: bool,
    /// Measure even when the page is not cross-origin isolated (coarse timer): the records say
    /// `cross_origin_isolated: false`. Without it such a run fails closed.
    #[arg(long)]
    pub allow_not_isolated: bool,
    /// mobile-android on a real device (Chrome `androidPackage`); needs --webdriver-url.
    #[arg(long, requires = "webdriver_url")]
    pub android_real: bool,
    /// adb serial of the real device, when several are attached.
    #[arg(long, requires = "android_real")]
    pub android_serial: Option<String>,
    /// CPU slowdown for emulated mobile (Emulation.setCPUThrottlingRate).
    #[arg(long, default_value_t = 4.0)]
    pub cpu_throttle: f64,
    /// Seconds one (workload, seed) may take in the page before it counts as hung.
    #[arg(long, default_value_t = 900)]
    pub scenario_timeout: u64,
    /// Seconds a browser session may take to start.
    #[arg(long, default_value_t = 60)]
    pub startup_timeout: u64,
    /// Budget policy.
    #[arg(long, default_value = documents::BUDGETS_DEFAULT)]
    pub budgets: PathBuf,
    /// Benchmark corpus (which workloads each framework runs, and their warm-up).
    #[arg(long, default_value = documents::CORPUS_DEFAULT)]
    pub corpus: PathBuf,
    /// Optimization policy, for building.
    #[arg(long, default_value = documents::OPTIMIZATION_DEFAULT)]
    pub policy: PathBuf,
    /// Baseline summary for the regression check.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Paired run: the base build is measured beside this one in the same browser session, the two
    /// taking turns inside every probe, and the baseline rule judges the pair. DIR: a built `dist`
    /// directory (each profile in DIR/<profile>/); REF: a git ref, built in a worktree into
    /// target/against/<commit>/ (kept for later runs).
    #[arg(long, value_name = "DIR|REF", conflicts_with_all = ["baseline", "inject_slowdown", "shard", "no_gate"])]
    pub against: Option<PathBuf>,
    /// With --against: where a key's paired interval straddles the regression line, measure its unit
    /// again (a fresh session, both sides, the same seeds) and pool the blocks until it resolves; no
    /// further pass starts once SECS of such extra measuring are spent, and then the pooled point
    /// estimate decides (the record says how many passes). 0 turns it off.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub resolve_for: u64,
    /// TEST ONLY: with --against, measure every paired unit N extra passes, straddling or not.
    #[arg(
        long = "test-resolve-passes",
        value_name = "N",
        default_value_t = 0,
        hide = true
    )]
    pub test_resolve_passes: u32,
    /// Gate event log [default: <artifacts-dir>/wasm_perf_gate_events.ndjson].
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// Commit SHA to record [default: $GITHUB_SHA or `git rev-parse HEAD`].
    #[arg(long)]
    pub commit: Option<String>,
    #[command(flatten)]
    pub gating: GatingArgs,
}

/// Where the harness server listens and the origin a (remote) browser opens, shared by `serve` and `run`.
#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// Address to bind: 127.0.0.1 (default), a LAN address, or 0.0.0.0 with --public-origin.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub bind: std::net::IpAddr,
    /// The origin browsers open, when they reach this machine by another name or port
    /// (`https://bench.lan:8443`); its host is the only foreign Host name answered.
    #[arg(long, value_name = "URL")]
    pub public_origin: Option<String>,
    /// PEM certificate chain: serve HTTPS (rustls), so a page opened from another machine is a secure
    /// context and keeps cross-origin isolation.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl ListenArgs {
    pub fn resolve(&self, port: u16) -> anyhow::Result<crate::serve::Listen> {
        Ok(crate::serve::Listen {
            addr: std::net::SocketAddr::new(self.bind, port),
            public_origin: self.public_origin.clone(),
            tls: self.tls_cert.clone().zip(self.tls_key.clone()),
            delay: None,
        })
    }
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let bad = || format!("`{s}` is not a shard: write I/N with 1 <= I <= N (e.g. 2/3)");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (index, count) = (
        i.trim().parse::<u32>().map_err(|_| bad())?,
        n.trim().parse::<u32>().map_err(|_| bad())?,
    );
    if index == 0 || index > count {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

/// `--capability KEY=JSON`: one extra W3C capability.
fn parse_capability(s: &str) -> Result<(String, serde_json::Value), String> {
    let (k, v) = s
        .split_once('=')
        .filter(|(k, _)| !k.trim().is_empty())
        .ok_or_else(|| format!("`{s}` is not KEY=JSON (e.g. browserVersion=\"120\" or 'appium:options={{\"udid\":\"X\"}}')"))?;
    let value = serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.to_owned()));
    Ok((k.trim().to_owned(), value))
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard files (`wasm_budget_shard.json`) written by `collector run --shard I/N` or `--no-gate`;
    /// each one's raw files are read relative to its own directory.
    #[arg(required = true, value_name = "SHARD_FILE")]
    pub shards: Vec<PathBuf>,
    /// Budget policy.
    #[arg(long, default_value = documents::BUDGETS_DEFAULT)]
    pub budgets: PathBuf,
    /// Baseline summary for the regression check.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Gate event log [default: <artifacts-dir>/wasm_perf_gate_events.ndjson].
    #[arg(long)]
    pub history: Option<PathBuf>,
    #[command(flatten)]
    pub gating: GatingArgs,
}

fn parse_slowdown(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if p.is_finite() && (0.0..=1000.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a percentage in [0, 1000]")),
    }
}

fn parse_env(s: &str) -> Result<Environment, String> {
    match s.parse::<Environment>() {
        Ok(Environment::Build) => Err("`build` is not a browser environment".into()),
        other => other.map_err(|e| e.to_string()),
    }
}

fn parse_workload(s: &str) -> Result<Workload, String> {
    s.parse()
        .map_err(|e: scenarios::ids::UnknownName| e.to_string())
}

fn parse_framework(s: &str) -> Result<Framework, String> {
    s.parse()
        .map_err(|e: scenarios::ids::UnknownName| e.to_string())
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    s.parse()
        .map_err(|e: scenarios::ids::UnknownName| e.to_string())
}

fn parse_metric(s: &str) -> Result<MetricId, String> {
    s.parse()
        .map_err(|e: scenarios::ids::UnknownName| e.to_string())
}
