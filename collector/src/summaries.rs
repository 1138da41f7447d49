//! Reading and writing summary files (`wasm_budget_summary.json` and baselines).

use std::path::Path;

use anyhow::{bail, Result};

use scenarios::summary::{Record, Summary, SUMMARY_SCHEMA_VERSION};

use crate::documents::Document;
use crate::files::{read_json, to_json_bytes, write_atomic};

/// Reads a summary's records, refusing another schema version.
pub fn read_summary(path: &Path) -> Result<Vec<Record>> {
    let s: Summary = read_json(path, Document::Summary.schema_path())?;
    if s.schema_version != SUMMARY_SCHEMA_VERSION {
        bail!(
            "{}: schema_version {} is not {SUMMARY_SCHEMA_VERSION}; regenerate it with this collector",
            path.display(),
            s.schema_version,
        );
    }
    Ok(s.records)
}

/// Writes `records` as a summary, atomically.
pub fn write_summary(path: &Path, records: &[Record]) -> Result<()> {
    let summary = Summary {
        schema_version: SUMMARY_SCHEMA_VERSION,
        records: records.to_vec(),
    };
    write_atomic(path, &to_json_bytes(&summary)?)
}
