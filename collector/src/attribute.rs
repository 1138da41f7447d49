//! Size attribution of a module file: its parts (`wasm_parts`), function names from the module or a
//! companion proven to hold the same bytes (`names`), gzip estimates per group and crate, and the
//! attribution file `wasm_size_attribution.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use scenarios::attribution::{with_adapter, Attribution, AttributionFile, SizeGroup};

use crate::documents::Document;
use crate::files::{to_json_bytes, write_atomic};
use crate::module_size::{gzip9, read_wasm};
use crate::wasm_parts::{named_parts, parse, without_names, Parsed};

pub const SCHEMA_VERSION: u32 = 1;

/// How many crates get a gzip estimate (the largest; every size group gets one).
const GZIP_CRATES: usize = 12;

/// How `gzip_bytes_estimate` is computed, in words (recorded in every attribution).
pub const GZIP_ESTIMATE: &str = "ESTIMATE: gzip -9 of the whole module minus gzip -9 of the module \
with this share's bytes cut out — what the share adds to the compressed size given everything else; \
shares compress against each other, so the estimates do not add up to the gzip size";

/// Attributes the module at `path`; names come from its own `name` section, else from `companion`
/// (default: `names/harness_bg.wasm` beside the module) when that file is the module plus names.
pub fn attribute(
    path: &Path,
    companion: Option<&Path>,
    groups: &[SizeGroup],
) -> Result<Attribution> {
    let groups = &with_adapter(
        groups,
        crate::adapter_crate::built_beside(path)
            .map(|a| a.lib)
            .as_deref(),
    );
    let bytes = read_wasm(path)?;
    let parsed = parse(&bytes).with_context(|| format!("{}: cannot attribute", path.display()))?;
    let (names, imported, named, note) = names_for(path, &bytes, &parsed, companion)?;
    let raw = named_parts(&parsed, &names, imported);
    let gzip = gzip9(&bytes)?.len() as u64;
    let mut a = Attribution::new(
        &path.display().to_string(),
        bytes.len() as u64,
        gzip,
        raw,
        (named, note),
        groups,
    )
    .with_context(|| format!("{}: cannot attribute", path.display()))?;
    a.gzip_estimate = GZIP_ESTIMATE.to_owned();
    estimate_gzip(&bytes, &mut a)?;
    Ok(a)
}

type Names = (BTreeMap<u32, String>, u32, bool, String);

fn names_for(
    path: &Path,
    bytes: &[u8],
    parsed: &Parsed,
    companion: Option<&Path>,
) -> Result<Names> {
    if !parsed.names.is_empty() {
        let note = "the module's own name section".to_owned();
        return Ok((parsed.names.clone(), parsed.imported, true, note));
    }
    let default = crate::names::companion_dir(path).join("harness_bg.wasm");
    let asked = companion.is_some();
    let companion: PathBuf = companion.map_or(default, Path::to_path_buf);
    if asked && !companion.is_file() {
        bail!(
            "--names {}: no such file: pass {} plus a name section (`collector build` writes              dist/<profile>/names/harness_bg.wasm), or leave --names out",
            companion.display(),
            path.display()
        );
    }
    if !companion.is_file() {
        let note = format!(
            "none: the module has no name section and there is no names companion ({}): functions \
             are attributed by index (func[i]) and no diff by function or crate is possible",
            companion.display()
        );
        return Ok((BTreeMap::new(), 0, false, note));
    }
    let c = read_wasm(&companion)?;
    let flag = if asked { "--names " } else { "" };
    let cp =
        parse(&c).with_context(|| format!("{flag}{}: cannot read names", companion.display()))?;
    let same = without_names(&c, &cp) == bytes && !cp.names.is_empty();
    if asked && !same {
        bail!(
            "--names {}: not {} plus a name section (they differ outside the name section): pass              the companion built with this very module",
            companion.display(),
            path.display()
        );
    }
    if !same {
        let note = format!(
            "none: {} is not this module plus a name section (it differs outside its name section): \
             functions are attributed by index; rebuild both with `collector build`",
            companion.display()
        );
        return Ok((BTreeMap::new(), 0, false, note));
    }
    let note = format!(
        "companion {}: byte-identical to the module once its name section is removed (checked byte \
         for byte when attributing); built by `collector build` (see its build.json `names`)",
        companion.display()
    );
    Ok((cp.names, cp.imported, true, note))
}

fn cut(bytes: &[u8], ranges: &[(u64, u64)]) -> Vec<u8> {
    let mut keep = vec![true; bytes.len()];
    for (at, len) in ranges {
        keep[*at as usize..(*at + *len) as usize].fill(false);
    }
    bytes
        .iter()
        .zip(keep)
        .filter_map(|(b, k)| k.then_some(*b))
        .collect()
}

fn estimate_gzip(bytes: &[u8], a: &mut Attribution) -> Result<()> {
    let whole = a.gzip_bytes;
    let estimate = |of: &dyn Fn(&scenarios::attribution::Part) -> bool| {
        let ranges: Vec<(u64, u64)> = a
            .parts
            .iter()
            .filter(|p| of(p))
            .map(|p| (p.offset, p.bytes))
            .collect();
        let rest = gzip9(&cut(bytes, &ranges))?.len() as u64;
        anyhow::Ok(whole.saturating_sub(rest))
    };
    let mut groups = a.groups.clone();
    for g in &mut groups {
        g.gzip_bytes_estimate = Some(estimate(&|p| p.group == g.name)?);
    }
    let mut crates = a.crates.clone();
    for c in crates.iter_mut().take(GZIP_CRATES) {
        c.gzip_bytes_estimate = Some(estimate(&|p| p.krate.as_deref() == Some(&c.name))?);
    }
    a.groups = groups;
    a.crates = crates;
    Ok(())
}

/// Writes the attribution file atomically.
pub fn write(path: &Path, file: &AttributionFile) -> Result<()> {
    write_atomic(path, &to_json_bytes(file)?)
}

/// Reads an attribution file, naming the file and the fix when it is not one.
pub fn read(path: &Path) -> Result<AttributionFile> {
    let bytes = crate::files::read_bounded(path, 64 * 1024 * 1024)?;
    let file: AttributionFile = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is not a size attribution file ({}, schema {}): \
             write it with `collector run` or `collector size FILE --attribute`",
            path.display(),
            Document::SizeAttribution.file_name().unwrap_or_default(),
            Document::SizeAttribution.schema_path()
        )
    })?;
    if file.schema_version != SCHEMA_VERSION {
        anyhow::bail!(
            "{}: $.schema_version is {}, this collector reads {SCHEMA_VERSION}: write it again with this collector",
            path.display(),
            file.schema_version
        );
    }
    Ok(file)
}
