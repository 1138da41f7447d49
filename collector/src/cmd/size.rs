//! `collector size`: M-PERF-01A (raw bytes) and M-PERF-01B (gzip level 9 bytes) of any wasm file, as summary records.

use std::path::Path;

use anyhow::Result;

use scenarios::attribution::{diff, AttributionFile, ModuleAttribution};
use scenarios::fold::RunInfo;
use scenarios::summary::Status;

use crate::cli::SizeArgs;
use crate::documents::Document;
use crate::module_size::module_records;
use crate::outcome::Outcome;
use crate::summaries::{read_summary, write_summary};
use crate::{attribute, policies, provenance, table};

fn attribution(args: &SizeArgs) -> Result<ModuleAttribution> {
    let groups = policies::optimization(&args.policy)?.size_groups;
    let a = attribute::attribute(&args.file, args.names.as_deref(), &groups)?;
    let base = args
        .against
        .as_deref()
        .map(|b| attribute::attribute(b, None, &groups))
        .transpose()?;
    Ok(ModuleAttribution {
        profile: Some(args.profile),
        against: base.as_ref().map(|b| diff(b, &a)),
        base_source: args.against.as_ref().map(|b| b.display().to_string()),
        attribution: a,
    })
}

pub fn run(artifacts: &Path, args: &SizeArgs) -> Result<Outcome> {
    let budgets = policies::budgets(&args.budgets)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Document::Summary.in_dir(artifacts));
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
    // Every input is read and attributed before anything is written.
    let attributed = args.attribute.then(|| attribution(args)).transpose()?;
    let a = attributed.as_ref().map(|m| &m.attribution);
    let records = module_records(&budgets, &args.file, args.profile, &run, a)?;
    all.retain(|old| !records.iter().any(|r| r.key() == old.key()));
    all.extend(records.iter().cloned());
    write_summary(&out, &all)?;
    print!("{}", table::records(&records));
    println!("wrote {}", out.display());
    if let Some(m) = attributed {
        let path = Document::SizeAttribution.beside(&out);
        print!("{}", crate::size_table::attribution(&m));
        let file = AttributionFile {
            schema_version: attribute::SCHEMA_VERSION,
            modules: vec![m],
        };
        attribute::write(&path, &file)?;
        println!("wrote {}", path.display());
    }
    Ok(if records.iter().any(|r| r.status == Status::Fail) {
        Outcome::BudgetFailure
    } else {
        Outcome::Pass
    })
}
