//! `collector size`: M-PERF-01A (raw bytes) and M-PERF-01B (gzip level 9 bytes) of any wasm file, as summary records.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use flate2::{write::GzEncoder, Compression};

use scenarios::gate::stamp;
use scenarios::summary::{Detail, Record, Status, Summary, SUMMARY_SCHEMA_VERSION};
use scenarios::{Environment, MetricId, Profile};

use crate::cli::SizeArgs;
use crate::files::{to_json_bytes, write_atomic};
use crate::{policies, provenance, table, Outcome};

pub fn run(artifacts: &Path, args: &SizeArgs) -> Result<Outcome> {
    let budgets = policies::budgets(&args.budgets)?;
    let commit = provenance::commit(args.commit.as_deref());
    let mut records = size_records(
        &args.file,
        args.profile,
        &commit,
        &provenance::command_line(),
    )?;
    for r in &mut records {
        stamp(&budgets, r).map_err(anyhow::Error::msg)?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| artifacts.join("wasm_budget_summary.json"));
    let mut summary = Summary {
        schema_version: SUMMARY_SCHEMA_VERSION,
        records: if args.merge && out.exists() {
            crate::cmd::read_summary(&out)?
        } else {
            Vec::new()
        },
    };
    summary
        .records
        .retain(|old| !records.iter().any(|r| r.key() == old.key()));
    summary.records.extend(records.iter().cloned());
    write_atomic(&out, &to_json_bytes(&summary)?)?;
    print!("{}", table::records(&records));
    println!("wrote {}", out.display());
    Ok(if records.iter().any(|r| r.status == Status::Fail) {
        Outcome::BudgetFailure
    } else {
        Outcome::Pass
    })
}

/// gzip level 9 of `bytes`.
pub fn gzip9(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

/// The two size records of one wasm file (thresholds and status are left for `stamp`).
pub fn size_records(
    file: &Path,
    profile: Profile,
    commit: &str,
    command: &str,
) -> Result<Vec<Record>> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read {}: check the path", file.display()))?;
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        bail!(
            "{} is not a WebAssembly module (it does not start with \\0asm): pass a .wasm file, e.g. dist/{profile}/harness_bg.wasm",
            file.display()
        );
    }
    if bytes[4..8] != [1, 0, 0, 0] {
        bail!(
            "{} is a wasm component or an unknown wasm version, not a core module (version 1)",
            file.display()
        );
    }
    let gz = gzip9(&bytes)?;
    let make = |metric: MetricId, value: usize| {
        let mut extra = std::collections::BTreeMap::new();
        extra.insert("raw_bytes".to_owned(), serde_json::json!(bytes.len()));
        extra.insert("gzip_bytes".to_owned(), serde_json::json!(gz.len()));
        extra.insert(
            "gzip".to_owned(),
            serde_json::json!("flate2 (zlib-rs) level 9, gzip container"),
        );
        Record {
            commit: commit.to_owned(),
            profile,
            environment: Environment::Build,
            metric_id: metric,
            value: Some(value as f64),
            unit: metric.unit(),
            threshold_warn: None,
            threshold_hard: None,
            status: Status::Skip,
            seed_set: Vec::new(),
            commands: vec![command.to_owned()],
            artifact_paths: vec![file.display().to_string()],
            detail: Some(Detail {
                extra,
                ..Detail::default()
            }),
        }
    };
    Ok(vec![
        make(MetricId::Perf01A, bytes.len()),
        make(MetricId::Perf01B, gz.len()),
    ])
}
