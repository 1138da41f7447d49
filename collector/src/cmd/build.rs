//! `collector build`: builds the profiles from the optimization policy into `dist/` and prints their sizes.

use anyhow::Result;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use crate::cli::BuildArgs;
use crate::home::Home;
use crate::outcome::Outcome;
use crate::policies;
use crate::profiles::{build, Toolchain};

pub fn run(args: &BuildArgs, home: &Home) -> Result<Outcome> {
    let policy = policies::optimization(&args.policy)?;
    let built = build(
        &policy,
        &args.profiles(),
        &args.dist,
        &Toolchain {
            slowdown_pct: args.inject_slowdown.map(f64::from),
            plant_size_growth: args.plant_size_growth,
            plant_fault: args.plant_fault.clone(),
            adapter: args.adapter.clone(),
            ..Toolchain::from_env(args.wasm_opt.clone(), home)?
        },
    )?;
    if let Some(p) = args.inject_slowdown {
        eprintln!("TEST ONLY: these builds carry a {p} % slowdown of every batched operation (build.json and every record say so)");
    }
    if let Some(f) = &args.plant_fault {
        eprintln!("TEST ONLY: these builds carry a planted fault, {f}: the conformance suite must refuse them (build.json says so)");
    }
    if args.plant_size_growth {
        eprintln!(
            "TEST ONLY: these builds carry a planted function and data blob (build.json says so)"
        );
    }
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
