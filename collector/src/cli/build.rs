//! The flags of `collector build` and `collector size`: what is built, and how a module's size is judged and attributed.

use std::path::PathBuf;

use clap::Args;

use scenarios::Profile;

use super::parse_profile;
use crate::documents;

#[derive(Debug, Args)]
pub struct SizeArgs {
    /// A .wasm file: this project's build or any other runtime's artifact.
    pub file: PathBuf,
    /// The budget profile the file was built as.
    #[arg(long, value_parser = parse_profile)]
    pub profile: Profile,
    /// Budget policy that supplies the thresholds.
    #[arg(long, default_value = documents::BUDGETS_DEFAULT)]
    pub budgets: PathBuf,
    /// Summary to write [default: <artifacts-dir>/wasm_budget_summary.json].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Keep the other records of an existing summary (replacing this profile's size records).
    #[arg(long)]
    pub merge: bool,
    /// Commit SHA to record [default: $GITHUB_SHA or `git rev-parse HEAD`].
    #[arg(long)]
    pub commit: Option<String>,
    /// Attribute every byte (functions by crate and size group, data, custom sections, structure)
    /// and write wasm_size_attribution.json beside the summary.
    #[arg(long)]
    pub attribute: bool,
    /// With --attribute: the base build's module; prints and records what grew and shrank.
    #[arg(long, value_name = "OTHER.wasm", requires = "attribute")]
    pub against: Option<PathBuf>,
    /// With --attribute: FILE plus a name section [default: names/harness_bg.wasm beside FILE].
    #[arg(long, value_name = "COMPANION.wasm", requires = "attribute")]
    pub names: Option<PathBuf>,
    /// With --attribute: the optimization policy whose `size_groups` group the functions.
    #[arg(long, default_value = documents::OPTIMIZATION_DEFAULT)]
    pub policy: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Optimization policy (variants → profiles).
    #[arg(long, default_value = documents::OPTIMIZATION_DEFAULT)]
    pub policy: PathBuf,
    /// Output directory; each profile goes to <DIST>/<profile>/.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Profiles to build (repeatable) [default: all three].
    #[arg(long = "profile", value_parser = parse_profile)]
    pub profile: Vec<Profile>,
    /// wasm-opt binary [default: target/tools/node_modules/.bin/wasm-opt, from ci/setup.sh].
    #[arg(long)]
    pub wasm_opt: Option<PathBuf>,
    /// TEST ONLY: compile a calibrated PCT % (a whole number) slowdown of every batched operation into
    /// the harness (a distinct build, recorded in build.json and every record), for detection-power
    /// benchmarks of `run --against`; build it into its own `--dist DIR`.
    #[arg(long = "inject-slowdown", value_name = "PCT", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub inject_slowdown: Option<u16>,
    /// TEST ONLY: plant a known large function and a 16 KiB data blob in the harness (recorded in
    /// build.json), for the size attribution's test; build it into its own `--dist DIR`.
    #[arg(long = "plant-size-growth")]
    pub plant_size_growth: bool,
    /// The adapter crate to build and measure: a directory holding its Cargo.toml, a cdylib that
    /// depends on harness-wasm, calls `harness_wasm::export_harness!(YourAdapter)` and has the
    /// features the policy's variants enable (`trace`, `diagnostics`, forwarded to harness-wasm).
    #[arg(long, value_name = "DIR", default_value = crate::profiles::DEFAULT_ADAPTER)]
    pub adapter: PathBuf,
    /// TEST ONLY: plant a semantic fault around the adapter (recorded in build.json), for the
    /// conformance suite's own tests: `run` must refuse the build; build it into its own `--dist DIR`.
    #[arg(long = "plant-fault", value_name = "FAULT", value_parser = clap::builder::PossibleValuesParser::new(crate::adapter_crate::PLANTED_FAULTS))]
    pub plant_fault: Option<String>,
}

impl BuildArgs {
    pub fn profiles(&self) -> Vec<Profile> {
        if self.profile.is_empty() {
            Profile::ALL.to_vec()
        } else {
            self.profile.clone()
        }
    }
}
