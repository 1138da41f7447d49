//! Module sizes: raw bytes and gzip level 9 of a wasm file, and its M-PERF-01A/01B records.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use flate2::{write::GzEncoder, Compression};

use scenarios::attribution::Attribution;
use scenarios::fold::RunInfo;
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::records::{size_records, Module};
use scenarios::summary::Record;
use scenarios::Profile;

use crate::files::read_bounded;

/// How the collector compresses, in words (recorded in every size record).
pub const GZIP: &str = "flate2 (zlib-rs) level 9, gzip container";

/// Modules larger than this are refused before they are read whole.
pub const MAX_MODULE_BYTES: u64 = 256 * 1024 * 1024;

/// gzip level 9 of `bytes`.
pub fn gzip9(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

/// Reads a core wasm module, refusing anything else.
pub fn read_module(file: &Path, profile: Profile) -> Result<Vec<u8>> {
    read_core(file, &format!("dist/{profile}/harness_bg.wasm"))
}

/// Reads any core wasm module, refusing anything else.
pub fn read_wasm(file: &Path) -> Result<Vec<u8>> {
    read_core(file, "dist/core-min/harness_bg.wasm")
}

fn read_core(file: &Path, example: &str) -> Result<Vec<u8>> {
    let bytes = read_bounded(file, MAX_MODULE_BYTES)?;
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        bail!(
            "{} is not a WebAssembly module (it does not start with \\0asm): pass a .wasm file, e.g. {example}",
            file.display()
        );
    }
    if bytes[4..8] != [1, 0, 0, 0] {
        bail!(
            "{} is a wasm component or an unknown wasm version, not a core module (version 1)",
            file.display()
        );
    }
    Ok(bytes)
}

/// The two size records of one wasm file, stamped against `budgets`.
pub fn module_records(
    budgets: &BudgetPolicy,
    file: &Path,
    profile: Profile,
    run: &RunInfo,
    attribution: Option<&Attribution>,
) -> Result<Vec<Record>> {
    let path = file.display().to_string();
    // An attribution of this very file has read and compressed it already: its sizes are these bytes'.
    let (raw_bytes, gzip_bytes) = match attribution {
        Some(a) if a.module == path => (a.raw_bytes, a.gzip_bytes),
        _ => {
            let bytes = read_module(file, profile)?;
            (bytes.len() as u64, gzip9(&bytes)?.len() as u64)
        }
    };
    let adapter = crate::adapter_crate::built_beside(file).map(|a| a.provenance());
    let module = Module {
        profile,
        raw_bytes,
        gzip_bytes,
        gzip: GZIP,
        path: &path,
        attribution,
        adapter: adapter.as_ref(),
    };
    size_records(budgets, &module, run).with_context(|| format!("{path}: cannot judge its size"))
}
