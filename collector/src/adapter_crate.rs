//! The adapter crate a build measures (`collector build --adapter DIR`): read with `cargo metadata`
//! and checked against the policy before anything is compiled: a `cdylib` that depends on
//! `harness-wasm` and has every feature the policy's variants enable; and the TEST ONLY faults `--plant-fault` plants around it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use scenarios::policy::optimization::OptimizationPolicy;

/// What `build.json` records of the adapter crate, and what the build needs of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdapterCrate {
    /// The cargo package name (`reference-adapter`).
    #[serde(rename = "crate")]
    pub name: String,
    pub version: String,
    /// Its library target's name, as the linked module is named (`reference_adapter`).
    pub lib: String,
    pub manifest: PathBuf,
    /// The git commit of its checkout (`-dirty` with uncommitted changes there); None outside git.
    pub commit: Option<String>,
    /// Where cargo puts its build output.
    #[serde(skip)]
    pub target_dir: PathBuf,
}

impl AdapterCrate {
    /// What every record of this build says of the crate.
    pub fn provenance(&self) -> scenarios::wire::AdapterCrate {
        scenarios::wire::AdapterCrate {
            name: self.name.clone(),
            version: self.version.clone(),
            commit: self.commit.clone(),
        }
    }
}

/// The adapter crate a module was built from, from the `build.json` that `collector build` wrote
/// beside it (None for a module from elsewhere, or a build from before adapter crates).
pub fn built_beside(module: &Path) -> Option<AdapterCrate> {
    #[derive(Deserialize)]
    struct Build {
        adapter: Option<AdapterCrate>,
    }
    let file = module.parent()?.join("build.json");
    let text = crate::files::read_text(&file, 1 << 20).ok()?;
    let build: Build = serde_json::from_str(&text).ok()?;
    build.adapter
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    target_directory: PathBuf,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    manifest_path: PathBuf,
    features: std::collections::BTreeMap<String, serde_json::Value>,
    dependencies: Vec<Dependency>,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    crate_types: Vec<String>,
}

/// Reads the crate at `dir` (a directory holding its `Cargo.toml`) and checks it can be built as the
/// policy says; every error names the manifest and the fix.
pub fn inspect(dir: &Path, cargo: &Path, policy: &OptimizationPolicy) -> Result<AdapterCrate> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "--adapter {}: no Cargo.toml there; point --adapter at the directory of your adapter crate (the one that calls harness_wasm::export_harness!)",
            dir.display()
        );
    }
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .with_context(|| format!("cannot run `{} metadata`", cargo.display()))?;
    if !out.status.success() {
        bail!(
            "--adapter {}: `cargo metadata` refused {}: {}",
            dir.display(),
            manifest.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let meta: Metadata = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("cannot read `cargo metadata` of {}", manifest.display()))?;
    let wanted = crate::files::canonical(&manifest)?;
    let Some(pkg) = meta
        .packages
        .into_iter()
        .find(|p| crate::files::canonical(&p.manifest_path).is_ok_and(|m| m == wanted))
    else {
        bail!("{}: cargo metadata lists no package for this manifest (a virtual workspace manifest?); point --adapter at the adapter crate itself", manifest.display());
    };
    let lib = check(&pkg, &manifest, policy)?;
    Ok(AdapterCrate {
        commit: commit_of(dir),
        name: pkg.name,
        version: pkg.version,
        lib,
        manifest,
        target_dir: meta.target_directory,
    })
}

/// The crate's shape against what the build needs; returns its cdylib's name as the linked module is
/// named (`reference_adapter`).
fn check(pkg: &Package, manifest: &Path, policy: &OptimizationPolicy) -> Result<String> {
    let m = manifest.display();
    let Some(cdylib) = pkg
        .targets
        .iter()
        .find(|t| t.crate_types.iter().any(|c| c == "cdylib"))
    else {
        bail!("{m}: `{}` has no cdylib library, so it builds no wasm module; add `[lib] crate-type = [\"cdylib\", \"rlib\"]`", pkg.name);
    };
    if !pkg.dependencies.iter().any(|d| d.name == "harness-wasm") {
        bail!("{m}: `{}` does not depend on harness-wasm, so it cannot export the harness; add `harness-wasm = {{ path = \"…/harness-wasm\" }}` (or a git dependency) and call `harness_wasm::export_harness!(YourAdapter);`", pkg.name);
    }
    for v in &policy.variants {
        if let Some(f) = v
            .features
            .iter()
            .find(|f| !f.contains('/') && !pkg.features.contains_key(*f))
        {
            bail!("{m}: `{}` has no feature `{f}`, which the optimization policy's variant `{}` ({}) enables; add `{f} = [\"harness-wasm/{f}\"]` to its [features]", pkg.name, v.id, v.budget_profile);
        }
    }
    Ok(cdylib.name.replace('-', "_"))
}

/// `git rev-parse HEAD` of the checkout holding `dir`, `-dirty` when `dir` has uncommitted changes.
fn commit_of(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let head = git(&["rev-parse", "HEAD"]).filter(|h| !h.is_empty())?;
    let dirty = git(&["status", "--porcelain", "--", "."]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{head}-dirty") } else { head })
}

/// `HARNESS_PLANTED_FAULT` for a fault name (empty for none); names come from `harness_wasm::faults`.
pub fn fault_number(name: Option<&str>) -> String {
    match name {
        None => String::new(),
        Some(n) => PLANTED_FAULTS
            .iter()
            .position(|f| *f == n)
            .map(|i| (i + 1).to_string())
            .unwrap_or_default(),
    }
}

/// TEST ONLY: the faults `build --plant-fault` plants, in `harness_wasm::faults::NAMES` order.
pub const PLANTED_FAULTS: [&str; 4] = [
    "drops-a-chunk",
    "cancel-does-not-drain",
    "replay-diverges",
    "closes-over-live-task",
];
