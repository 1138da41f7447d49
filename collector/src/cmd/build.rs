//! `collector build`: builds the profiles from the optimization policy into `dist/` and prints their sizes.

use anyhow::{bail, Result};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use scenarios::policy::optimization::OptimizationPolicy;

use crate::cli::{BuildArgs, SchemaKind};
use crate::cmd::schema_path;
use crate::files::read_json;
use crate::profiles::{build, Toolchain};
use crate::Outcome;

/// Reads the optimization policy and refuses an invalid one.
pub fn load_policy(path: &std::path::Path) -> Result<OptimizationPolicy> {
    let p: OptimizationPolicy = read_json(path, schema_path(SchemaKind::Optimization))?;
    let v = p.validate();
    if !v.is_empty() {
        let list: Vec<String> = v.iter().map(|v| format!("  {v}")).collect();
        bail!(
            "{}: {} rule(s) broken:\n{}",
            path.display(),
            v.len(),
            list.join("\n")
        );
    }
    Ok(p)
}

pub fn run(args: &BuildArgs) -> Result<Outcome> {
    let policy = load_policy(&args.policy)?;
    let built = build(
        &policy,
        &args.profiles(),
        &args.dist,
        &Toolchain::from_env(args.wasm_opt.clone()),
    )?;
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED);
    t.set_header(["profile", "variant", "wasm", "raw bytes", "gzip -9 bytes"]);
    for b in &built {
        t.add_row([
            b.profile.to_string(),
            b.variant.clone(),
            b.wasm.display().to_string(),
            b.raw_bytes.to_string(),
            b.gzip_bytes.to_string(),
        ]);
    }
    println!("{t}");
    Ok(Outcome::Pass)
}
