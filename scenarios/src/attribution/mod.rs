//! Size attribution of a wasm module: every byte in one part (a function, a data segment, a custom
//! section, a structural section), functions rolled up by crate and by the policy's size groups.
//!
//! Pure: the collector parses the module and measures gzip; this module names, rolls up and
//! compares. The parts of a module add up exactly to its raw size (checked by [`Attribution::new`]).

mod diff;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use diff::{diff, Change, SizeDiff, ALL_CODE, TOP};

/// What a part of the module is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PartKind {
    /// A function body with its size prefix (code section).
    Function,
    /// A data segment with its header (data section).
    Data,
    /// A custom section, whole.
    Custom,
    /// Module structure: the header, types, imports, exports, tables, globals, section headers …
    Structure,
}

/// One part of the module and the raw bytes it occupies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Part {
    pub kind: PartKind,
    /// Functions: the demangled name without hash (`func[i]` without names); data: `data[i]`;
    /// custom: the section's name; structure: e.g. `import section`.
    pub name: String,
    /// Functions with names: the crate the name rolls up to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub krate: Option<String>,
    /// The size group (policy `size_groups`, or a fixed group for non-function parts).
    pub group: String,
    /// Where the part starts in the file.
    pub offset: u64,
    pub bytes: u64,
}

/// A part as the parser finds it, before naming.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPart {
    pub kind: PartKind,
    /// A function's (possibly mangled) name, or the name of any other part.
    pub name: String,
    pub offset: u64,
    pub bytes: u64,
    /// A function the module exports (a plain exported symbol rolls up to [`EXPORTS`]).
    pub exported: bool,
}

/// A size group of the policy: functions whose path starts with one of `paths` belong to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SizeGroup {
    /// Stable id, e.g. `runtime`.
    pub id: String,
    /// What a reader sees, e.g. `runtime + adapter`.
    pub label: String,
    /// Path prefixes: `tokio` (a crate), `harness_wasm::reference` (a module), `futures_*` (crates
    /// by prefix). The longest matching prefix over all groups wins.
    pub paths: Vec<String>,
}

/// Functions of no configured group.
pub const OTHER_GROUP: &str = "other-code";
/// Fixed groups of the parts that are not functions.
pub const DATA_GROUP: &str = "data";
pub const CUSTOM_GROUP: &str = "custom-sections";
pub const STRUCTURE_GROUP: &str = "structure";

/// A rolled-up share of the module: a crate's or a group's functions, or a fixed group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Share {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub bytes: u64,
    /// Parts in the share.
    pub parts: u32,
    /// ESTIMATE: what these bytes add to the gzip -9 size (see `Attribution::gzip_estimate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gzip_bytes_estimate: Option<u64>,
}

/// The attribution of one module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Attribution {
    /// The module attributed, as given.
    pub module: String,
    pub raw_bytes: u64,
    pub gzip_bytes: u64,
    /// True when functions carry names (from the module or a proven companion).
    pub named: bool,
    /// Where the names came from and how the companion was proven to hold the same code, in words.
    pub names: String,
    /// How `gzip_bytes_estimate` was computed, in words.
    pub gzip_estimate: String,
    /// Every part, largest first; their bytes add up to `raw_bytes`.
    pub parts: Vec<Part>,
    /// Functions by crate, largest first (named modules only).
    pub crates: Vec<Share>,
    /// The size groups (policy groups, other code, data, custom sections, structure), largest first;
    /// they add up to `raw_bytes`.
    pub groups: Vec<Share>,
}

/// `wasm_size_attribution.json`: the attribution of each measured module, and what changed
/// against the base build when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributionFile {
    pub schema_version: u32,
    pub modules: Vec<ModuleAttribution>,
}

/// One module's attribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleAttribution {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::Profile>,
    pub attribution: Attribution,
    /// What changed against the base build (the base of a paired run, `--against FILE`, or the
    /// attribution file stored beside the baseline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<SizeDiff>,
    /// Where the base came from, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_source: Option<String>,
}

/// Why parts cannot be an attribution.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AttributionError {
    #[error("the parts add up to {parts} bytes, the module has {raw}: the parser missed bytes")]
    Sum { parts: u64, raw: u64 },
}

impl Attribution {
    /// Names, rolls up and checks the parts of a module. `named`: whether function names are real.
    pub fn new(
        module: &str,
        raw_bytes: u64,
        gzip_bytes: u64,
        raw_parts: Vec<RawPart>,
        names: (bool, String),
        groups: &[SizeGroup],
    ) -> Result<Attribution, AttributionError> {
        let sum: u64 = raw_parts.iter().map(|p| p.bytes).sum();
        if sum != raw_bytes {
            return Err(AttributionError::Sum {
                parts: sum,
                raw: raw_bytes,
            });
        }
        let mut parts: Vec<Part> = raw_parts
            .into_iter()
            .map(|p| name_part(p, names.0, groups))
            .collect();
        parts.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        let crates = if names.0 {
            roll_up(
                parts
                    .iter()
                    .filter_map(|p| p.krate.as_deref().map(|k| (k, p.bytes))),
                &[],
            )
        } else {
            Vec::new()
        };
        let groups = roll_up(parts.iter().map(|p| (p.group.as_str(), p.bytes)), groups);
        Ok(Attribution {
            module: module.to_owned(),
            raw_bytes,
            gzip_bytes,
            named: names.0,
            names: names.1,
            gzip_estimate: String::new(),
            parts,
            crates,
            groups,
        })
    }
}

fn name_part(p: RawPart, named: bool, groups: &[SizeGroup]) -> Part {
    let (krate, group) = match p.kind {
        PartKind::Function if named => {
            let mut path = code_path(&p.name);
            if p.exported && !path.contains("::") {
                path = format!("{EXPORTS}::{path}");
            }
            (Some(crate_of(&path)), group_of(&path, groups))
        }
        PartKind::Function => (None, OTHER_GROUP.to_owned()),
        PartKind::Data => (None, DATA_GROUP.to_owned()),
        PartKind::Custom => (None, CUSTOM_GROUP.to_owned()),
        PartKind::Structure => (None, STRUCTURE_GROUP.to_owned()),
    };
    Part {
        kind: p.kind,
        name: p.name,
        krate,
        group,
        offset: p.offset,
        bytes: p.bytes,
    }
}

fn roll_up<'a>(items: impl Iterator<Item = (&'a str, u64)>, groups: &[SizeGroup]) -> Vec<Share> {
    let mut by: BTreeMap<&str, (u64, u32)> = BTreeMap::new();
    for (name, bytes) in items {
        let e = by.entry(name).or_default();
        e.0 += bytes;
        e.1 += 1;
    }
    let mut out: Vec<Share> = by
        .into_iter()
        .map(|(name, (bytes, parts))| Share {
            name: name.to_owned(),
            label: label_of(name, groups),
            bytes,
            parts,
            gzip_bytes_estimate: None,
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    out
}

fn label_of(name: &str, groups: &[SizeGroup]) -> Option<String> {
    if let Some(g) = groups.iter().find(|g| g.id == name) {
        return Some(g.label.clone());
    }
    let fixed = match name {
        OTHER_GROUP => "other code",
        DATA_GROUP => "data segments",
        CUSTOM_GROUP => "custom sections",
        STRUCTURE_GROUP => "module structure (types, imports, exports, section headers)",
        _ => return None,
    };
    Some(fixed.to_owned())
}

/// The code path a function name rolls up by: for `<A as B>::f` the implementing type `A` (its
/// code is the type's crate's, as twiggy and cargo-bloat count it); wasm-bindgen's generated
/// functions (`__wbindgen_*`, `__wbg_*`) belong to `wasm_bindgen`; a plain symbol to itself.
pub fn code_path(name: &str) -> String {
    // `<f64 as core::fmt::Display>::fmt`: a primitive type has no crate, so the trait's counts.
    if let Some((ty, rest)) = name.strip_prefix('<').and_then(|n| n.split_once(" as ")) {
        if !ty.contains("::") {
            return code_path(rest);
        }
    }
    let mut s = name.trim_start_matches('<');
    s = s.trim_start_matches(['&', '*', '(', '[']);
    for prefix in ["mut ", "const ", "dyn ", "impl "] {
        s = s.trim_start_matches(prefix);
    }
    if s.starts_with("__wbindgen") || s.starts_with("__wbg") || s.starts_with("__externref") {
        return format!("wasm_bindgen::{s}");
    }
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect::<String>()
        .trim_end_matches(':')
        .to_owned()
}

/// Where exported plain symbols roll up (a `#[wasm_bindgen]` or `#[no_mangle]` entry point of
/// the module: its symbol names no crate); a size group may list it as a path.
pub const EXPORTS: &str = "(exports)";

/// Stands, in a size group's paths, for the adapter crate of the build being attributed (its library
/// name, from the build's `build.json`): a policy groups any user's adapter without naming it.
pub const ADAPTER: &str = "(adapter)";

/// `groups` with [`ADAPTER`] replaced by the adapter's library name (`reference_adapter`); without a
/// known adapter the placeholder stays and matches nothing.
pub fn with_adapter(groups: &[SizeGroup], lib: Option<&str>) -> Vec<SizeGroup> {
    let mut out = groups.to_vec();
    if let Some(lib) = lib.filter(|l| !l.is_empty()) {
        for g in &mut out {
            for p in &mut g.paths {
                if p == ADAPTER {
                    *p = lib.to_owned();
                }
            }
        }
    }
    out
}

/// Where plain symbols roll up (`memcpy`, `fmin`: compiler builtins and C ABI functions); a size
/// group may list it as a path.
pub const SYMBOLS: &str = "(symbols)";

/// The crate of a code path: its first segment; a plain symbol's is [`SYMBOLS`].
pub fn crate_of(path: &str) -> String {
    match path.split_once("::") {
        Some((c, _)) if !c.is_empty() => c.to_owned(),
        _ => SYMBOLS.to_owned(),
    }
}

/// The group of a code path: the group with the longest matching prefix, else [`OTHER_GROUP`].
pub fn group_of(path: &str, groups: &[SizeGroup]) -> String {
    let owned;
    let path = if path.contains("::") {
        path
    } else {
        owned = format!("{SYMBOLS}::{path}");
        &owned
    };
    let mut best: Option<(usize, &str)> = None;
    for g in groups {
        for p in &g.paths {
            if let Some(len) = prefix_match(path, p) {
                if best.is_none_or(|(l, _)| len > l) {
                    best = Some((len, &g.id));
                }
            }
        }
    }
    best.map_or_else(|| OTHER_GROUP.to_owned(), |(_, id)| id.to_owned())
}

/// How long `pattern` matches `path` as a prefix at a segment boundary (`futures_*`: any crate
/// starting `futures_`), or None.
fn prefix_match(path: &str, pattern: &str) -> Option<usize> {
    if let Some(stem) = pattern.strip_suffix('*') {
        return path.starts_with(stem).then_some(stem.len());
    }
    let rest = path.strip_prefix(pattern)?;
    (rest.is_empty() || rest.starts_with("::")).then_some(pattern.len())
}

#[cfg(test)]
mod tests;
