//! The parts of a wasm module, read with `wasmparser`: every byte in one part, function names from
//! the `name` section (the module's own or a companion's proven to hold the same code), demangled.

use std::collections::BTreeMap;
use std::ops::Range;

use anyhow::{bail, Context, Result};
use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

use scenarios::attribution::{PartKind, RawPart};

/// A module's parts, in file order, and its function names by function index.
#[derive(Debug, Default)]
pub struct Parsed {
    pub parts: Vec<RawPart>,
    /// Function index → name, from the module's `name` section (empty without one).
    pub names: BTreeMap<u32, String>,
    /// Functions imported: defined function `i` has index `imported + i`.
    pub imported: u32,
    /// Exported functions, by function index.
    pub exported: std::collections::BTreeSet<u32>,
    /// Where the whole `name` section lies, if there is one.
    pub name_section: Option<Range<usize>>,
}

fn leb_len(mut v: usize) -> u64 {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn section_name(p: &Payload<'_>) -> Option<(&'static str, Range<usize>)> {
    Some(match p {
        Payload::TypeSection(r) => ("type section", r.range()),
        Payload::ImportSection(r) => ("import section", r.range()),
        Payload::FunctionSection(r) => ("function section", r.range()),
        Payload::TableSection(r) => ("table section", r.range()),
        Payload::MemorySection(r) => ("memory section", r.range()),
        Payload::TagSection(r) => ("tag section", r.range()),
        Payload::GlobalSection(r) => ("global section", r.range()),
        Payload::ExportSection(r) => ("export section", r.range()),
        Payload::StartSection { range, .. } => ("start section", range.clone()),
        Payload::ElementSection(r) => ("element section", r.range()),
        Payload::DataCountSection { range, .. } => ("data count section", range.clone()),
        _ => return None,
    })
}

/// Splits a core module into parts whose bytes add up to its length.
pub fn parse(bytes: &[u8]) -> Result<Parsed> {
    let mut out = Parsed::default();
    let mut cursor = 0usize;
    let mut functions = 0u32;
    let push = |kind, name: String, offset: usize, bytes: u64| RawPart {
        kind,
        name,
        offset: offset as u64,
        bytes,
        exported: false,
    };
    let mut parts = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.context("the module does not parse as WebAssembly")?;
        if let Some((name, range)) = section_name(&payload) {
            if let Payload::ExportSection(r) = &payload {
                for e in r.clone() {
                    let e = e?;
                    if e.kind == wasmparser::ExternalKind::Func {
                        out.exported.insert(e.index);
                    }
                }
            }
            if let Payload::ImportSection(r) = &payload {
                for import in r.clone().into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        out.imported += 1;
                    }
                }
            }
            parts.push(push(
                PartKind::Structure,
                name.into(),
                cursor,
                (range.end - cursor) as u64,
            ));
            cursor = range.end;
            continue;
        }
        match payload {
            Payload::Version { range, .. } => {
                parts.push(push(
                    PartKind::Structure,
                    "header".into(),
                    0,
                    range.end as u64,
                ));
                cursor = range.end;
            }
            Payload::CodeSectionStart { range, count, .. } => {
                let header = (range.start - cursor) as u64 + leb_len(count as usize);
                parts.push(push(
                    PartKind::Structure,
                    "code section header".into(),
                    cursor,
                    header,
                ));
                cursor = range.start;
            }
            Payload::CodeSectionEntry(body) => {
                let r = body.range();
                let len = r.len() as u64 + leb_len(r.len());
                let at = r.start - leb_len(r.len()) as usize;
                parts.push(push(
                    PartKind::Function,
                    format!("func[{functions}]"),
                    at,
                    len,
                ));
                functions += 1;
                cursor = r.end;
            }
            Payload::DataSection(r) => {
                let end = r.range().end;
                let mut starts = Vec::new();
                for item in r.into_iter_with_offsets() {
                    starts.push(item?.0);
                }
                let mut seg = 0u64;
                for (i, s) in starts.iter().enumerate() {
                    let e = starts.get(i + 1).copied().unwrap_or(end);
                    parts.push(push(
                        PartKind::Data,
                        format!("data[{i}]"),
                        *s,
                        (e - s) as u64,
                    ));
                    seg += (e - s) as u64;
                }
                let total = (end - cursor) as u64;
                parts.push(push(
                    PartKind::Structure,
                    "data section header".into(),
                    cursor,
                    total - seg,
                ));
                cursor = end;
            }
            Payload::CustomSection(c) => {
                let end = c.range().end;
                if let KnownCustom::Name(reader) = c.as_known() {
                    out.name_section = Some(cursor..end);
                    read_names(reader, &mut out.names)?;
                }
                let name = format!("custom section `{}`", c.name());
                parts.push(push(PartKind::Custom, name, cursor, (end - cursor) as u64));
                cursor = end;
            }
            Payload::End(end) => {
                if end != bytes.len() || cursor != end {
                    bail!(
                        "the module has {} trailing or unread bytes",
                        bytes.len() - cursor
                    );
                }
            }
            other => {
                if let Some((id, _)) = other.as_section() {
                    bail!(
                        "unsupported section (id {id}) at byte {cursor}: attribute a core wasm module"
                    );
                }
            }
        }
    }
    out.parts = parts;
    Ok(out)
}

fn read_names(
    reader: wasmparser::NameSectionReader<'_>,
    names: &mut BTreeMap<u32, String>,
) -> Result<()> {
    for sub in reader {
        if let Name::Function(map) = sub.context("the name section does not parse")? {
            for naming in map {
                let naming = naming?;
                names.insert(naming.index, naming.name.to_owned());
            }
        }
    }
    Ok(())
}

/// The module's bytes without its `name` section.
pub fn without_names(bytes: &[u8], parsed: &Parsed) -> Vec<u8> {
    match &parsed.name_section {
        Some(r) => [&bytes[..r.start], &bytes[r.end..]].concat(),
        None => bytes.to_vec(),
    }
}

/// A function name as people read it: demangled, without the hash (wasm-bindgen's names come
/// demangled with it: `…::invoke::h67b49c0d59125804`).
pub fn demangle(name: &str) -> String {
    match rustc_demangle::try_demangle(name) {
        Ok(d) => format!("{d:#}"),
        Err(_) => strip_hash(name),
    }
}

fn strip_hash(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find("::h") {
        let hash = &rest[at + 3..];
        let hex = hash.bytes().take_while(u8::is_ascii_hexdigit).count();
        let ends = hash
            .as_bytes()
            .get(hex)
            .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_');
        out.push_str(&rest[..at]);
        if hex == 16 && ends {
            rest = &hash[16..];
        } else {
            out.push_str("::h");
            rest = hash;
        }
    }
    out.push_str(rest);
    out
}

/// The parts with function names from `names` (indexed like `parsed`'s functions), demangled.
pub fn named_parts(parsed: &Parsed, names: &BTreeMap<u32, String>, imported: u32) -> Vec<RawPart> {
    let mut i = 0u32;
    parsed
        .parts
        .iter()
        .map(|p| {
            let mut p = p.clone();
            if p.kind == PartKind::Function {
                if let Some(n) = names.get(&(imported + i)) {
                    p.name = demangle(n);
                }
                p.exported = parsed.exported.contains(&(parsed.imported + i));
                i += 1;
            }
            p
        })
        .collect()
}
