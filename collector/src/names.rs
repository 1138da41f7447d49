//! The names companion of a stripped module: the measured module's own linked code, given function
//! names from the linker's map, run through the same wasm-bindgen and wasm-opt steps with names kept,
//! and kept only when it is byte-identical to the measured module once its `name` section is removed.
//!
//! Why not simply build with names: rustc's `strip` changes the linked code and wasm-bindgen's
//! output (it reads the name and `target_features` sections), so a build "with names" is another
//! module. Here the names ride on the very bytes that were measured.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use wasm_encoder::{NameMap, NameSection, Section};
use wasmparser::{ExternalKind, Parser, Payload};

use crate::files::{read_bounded, read_text};
use crate::module_size::MAX_MODULE_BYTES;
use crate::wasm_parts::{demangle, parse, without_names};

/// Where a module's names companion lives: `<module's dir>/names/`.
pub fn companion_dir(module: &Path) -> PathBuf {
    module.parent().unwrap_or(Path::new(".")).join("names")
}

/// Function names of a linked module by defined-function order, read from a `wasm-ld -Map` file:
/// the symbols listed under `CODE`, one per function offset, checked against the module's function
/// sizes so the map is known to belong to these bytes.
pub fn from_linker_map(map: &str, linked: &[u8]) -> Result<BTreeMap<u32, String>> {
    let mut entries: Vec<(u64, u64, String)> = Vec::new();
    let mut in_code = false;
    for line in map.lines().skip(1) {
        // Columns: address, offset and size in the first 26 bytes, then the indented name.
        let at = (0..=line.len().min(26))
            .rev()
            .find(|i| line.is_char_boundary(*i))
            .unwrap_or(0);
        let (head, rest) = line.split_at(at);
        let indent = rest.len() - rest.trim_start().len();
        if indent <= 1 && !rest.trim().is_empty() {
            in_code = rest.trim() == "CODE";
            continue;
        }
        let cols: Vec<&str> = head.split_whitespace().collect();
        if !in_code || indent < 16 || cols.len() < 3 {
            continue;
        }
        let off = u64::from_str_radix(cols[1], 16).context("linker map: bad offset")?;
        let size = u64::from_str_radix(cols[2], 16).context("linker map: bad size")?;
        if entries.last().is_none_or(|e| e.0 != off) {
            entries.push((off, size, rest.trim().to_owned()));
        }
    }
    let parsed = parse(linked)?;
    let sizes: Vec<u64> = parsed
        .parts
        .iter()
        .filter(|p| p.kind == scenarios::attribution::PartKind::Function)
        .map(|p| p.bytes)
        .collect();
    if sizes.len() != entries.len() || sizes.iter().zip(&entries).any(|(s, e)| *s != e.1) {
        bail!(
            "the linker map lists {} functions, the linked module has {}: the map is not this module's",
            entries.len(),
            sizes.len()
        );
    }
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| (parsed.imported + i as u32, e.2))
        .collect())
}

/// `bytes` with a `name` section naming `names`' functions (any earlier one removed).
pub fn with_names(bytes: &[u8], names: &BTreeMap<u32, String>) -> Result<Vec<u8>> {
    let mut out = without_names(bytes, &parse(bytes)?);
    let mut map = NameMap::new();
    for (i, n) in names {
        map.append(*i, n);
    }
    let mut section = NameSection::new();
    section.functions(&map);
    section.append_to(&mut out);
    Ok(out)
}

/// Export name → function index, and function index → name section name.
fn exports_and_names(bytes: &[u8]) -> Result<(BTreeMap<String, u32>, BTreeMap<u32, String>)> {
    let mut exports = BTreeMap::new();
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::ExportSection(r) = payload? {
            for e in r {
                let e = e?;
                if e.kind == ExternalKind::Func {
                    exports.insert(e.name.to_owned(), e.index);
                }
            }
        }
    }
    Ok((exports, parse(bytes)?.names))
}

/// The steps after linking, as the measured build ran them.
pub trait Steps {
    /// wasm-bindgen `input` into `out_dir` (with `--no-demangle` when `mangled`); returns the
    /// module it wrote.
    fn bindgen(&self, input: &Path, out_dir: &Path, mangled: bool) -> Result<PathBuf>;
    /// wasm-opt `input` to `output` with the build's passes, writing binaryen's symbol map
    /// (output function index → binaryen's name) to `map`; false when the build runs no wasm-opt.
    fn optimize(&self, input: &Path, output: &Path, map: &Path) -> Result<bool>;
}

/// Builds the names companion of `measured` (the shipped module) into `dir` from its linked module
/// and the linker's names; returns the companion's path.
///
/// 1. wasm-bindgen runs on the linked module as it is (the measured build's input) and on the same
///    bytes with a `name` section; the two outputs must be byte-identical once names are removed
///    (names wasm-bindgen would copy into export names are left out until they are).
/// 2. wasm-opt runs again on the plain output with the build's passes and `--symbolmap`; its output
///    must be byte-identical to the measured module, so the map is the measured module's.
/// 3. The map's names are binaryen's: an input function's index, a name wasm-bindgen gave, or
///    `byn$mgfn-shared$N` (code wasm-opt merged out of input function N). Indices take the named
///    wasm-bindgen output's names; the companion is the measured module plus that `name` section.
pub fn build_companion(
    linked: &Path,
    names: &BTreeMap<u32, String>,
    measured: &Path,
    dir: &Path,
    steps: &dyn Steps,
) -> Result<PathBuf> {
    let read = |p: &Path| read_bounded(p, MAX_MODULE_BYTES);
    let linked_bytes = read(linked)?;
    let plain_path = steps.bindgen(linked, &dir.join("plain"), false)?;
    let plain = read(&plain_path)?;
    let plain_code = without_names(&plain, &parse(&plain)?);
    let plain_exports: BTreeSet<String> = exports_and_names(&plain)?.0.into_keys().collect();
    let mut names = names.clone();
    let mut named = None;
    // Functions whose names are left out keep the name wasm-bindgen gave them with it.
    let mut renamed_at: BTreeMap<u32, String> = BTreeMap::new();
    for _ in 0..4 {
        let input = dir.join("linked-named.wasm");
        crate::files::write_atomic(&input, &with_names(&linked_bytes, &names)?)?;
        let bytes = read(&steps.bindgen(&input, &dir.join("named"), true)?)?;
        if without_names(&bytes, &parse(&bytes)?) == plain_code {
            named = Some(bytes);
            break;
        }
        let (exports, fnames) = exports_and_names(&bytes)?;
        for (e, i) in &exports {
            if let (false, Some(n)) = (plain_exports.contains(e), fnames.get(i)) {
                renamed_at.insert(*i, n.clone());
            }
        }
        let renamed: BTreeSet<&String> = exports
            .iter()
            .filter(|(e, _)| !plain_exports.contains(*e))
            .filter_map(|(_, i)| fnames.get(i))
            .collect();
        let before = names.len();
        // wasm-bindgen names a shim it adds after the function: `<name> externref shim`.
        names.retain(|_, n| {
            let d = rustc_demangle::demangle(n).to_string();
            !renamed.iter().any(|r| {
                [n.as_str(), d.as_str()].into_iter().any(|n| {
                    r.strip_prefix(n)
                        .is_some_and(|t| t.is_empty() || t.starts_with(' '))
                })
            })
        });
        if names.len() == before {
            bail!("wasm-bindgen's output with names differs from its output without, beyond export names");
        }
    }
    let named = named.context("wasm-bindgen's output with names kept differing after 4 rounds")?;
    let mut input = parse(&named)?;
    for (i, n) in renamed_at {
        input.names.entry(i).or_insert(n);
    }
    let measured_bytes = read(measured)?;
    let check = dir.join("check.wasm");
    let map = dir.join("symbolmap.txt");
    let final_names = if steps.optimize(&plain_path, &check, &map)? {
        if read(&check)? != measured_bytes {
            bail!(
                "wasm-opt run again on the same input wrote other bytes than the measured module"
            );
        }
        from_symbol_map(
            &read_text(&map, MAX_MODULE_BYTES)?,
            &input.names,
            input.imported,
        )
    } else if plain == measured_bytes {
        input.names
    } else {
        bail!("the measured module is not wasm-bindgen's output of its linked module");
    };
    let companion = dir.join("harness_bg.wasm");
    crate::files::write_atomic(&companion, &with_names(&measured_bytes, &final_names)?)?;
    for scratch in ["plain", "named", "linked-named.wasm", "check.wasm"] {
        crate::files::remove_scratch(&dir.join(scratch));
    }
    Ok(companion)
}

/// A function only wasm-bindgen or wasm-opt made, named stably across builds: binaryen's index
/// names and its `_N` suffixes of repeated names move whenever anything else moves.
fn generated(binaryen: &str) -> String {
    let stem = binaryen.trim_end_matches(|c: char| c.is_ascii_digit());
    let stem = match stem.strip_suffix('_') {
        Some(s) if s.len() + 1 < binaryen.len() => s,
        _ => binaryen,
    };
    if stem.chars().all(|c| c.is_ascii_digit()) {
        "__wbindgen generated (unnamed)".to_owned()
    } else {
        format!("__wbindgen generated: {stem}")
    }
}

/// Output function index → name, from binaryen's symbol map and the input's names. Binaryen names
/// an unnamed defined function by its position among the input's defined functions (`0` is the
/// first function after the `imported` ones), an unnamed import `fimport$N`.
fn from_symbol_map(
    map: &str,
    input: &BTreeMap<u32, String>,
    imported: u32,
) -> BTreeMap<u32, String> {
    let by_index = |n: &str| {
        let i = n.parse::<u32>().ok()?;
        input.get(&(imported + i)).cloned()
    };
    map.lines()
        .filter_map(|l| l.split_once(':'))
        .filter_map(|(i, n)| {
            let i: u32 = i.parse().ok()?;
            if n.starts_with("fimport$") {
                return None;
            }
            let name = if let Some(src) = n.strip_prefix("byn$mgfn-shared$") {
                by_index(src).map(|s| format!("{} [shared code merged by wasm-opt]", demangle(&s)))
            } else {
                by_index(n)
            };
            Some((i, name.unwrap_or_else(|| generated(n))))
        })
        .collect()
}
