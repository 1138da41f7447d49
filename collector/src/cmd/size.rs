//! `collector size`: M-PERF-01A (raw bytes) and M-PERF-01B (gzip level 9 bytes) of any wasm file, as summary records.

use std::path::Path;

use anyhow::Result;

use scenarios::fold::RunInfo;
use scenarios::summary::Status;

use crate::cli::SizeArgs;
use crate::outcome::Outcome;
use crate::sizes::module_records;
use crate::summaries::{read_summary, write_summary};
use crate::{policies, provenance, table};

pub fn run(artifacts: &Path, args: &SizeArgs) -> Result<Outcome> {
    let budgets = policies::budgets(&args.budgets)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| artifacts.join("wasm_budget_summary.json"));
    let mut all = if args.merge && out.exists() {
        read_summary(&out)?
    } else {
        Vec::new()
    };
    let run = RunInfo {
        commit: provenance::commit(args.commit.as_deref()),
        commands: vec![provenance::command_line()],
        ..RunInfo::default()
    };
    let records = module_records(&budgets, &args.file, args.profile, &run)?;
    all.retain(|old| !records.iter().any(|r| r.key() == old.key()));
    all.extend(records.iter().cloned());
    write_summary(&out, &all)?;
    print!("{}", table::records(&records));
    println!("wrote {}", out.display());
    Ok(if records.iter().any(|r| r.status == Status::Fail) {
        Outcome::BudgetFailure
    } else {
        Outcome::Pass
    })
}
