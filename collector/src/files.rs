//! The one place the collector reads and writes files: located JSON errors, atomic writes, the NDJSON history.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// JSON documents larger than this are refused before they are read (the largest real summary is ~1 MB).
pub const MAX_JSON_BYTES: u64 = 512 * 1024 * 1024;

/// Reads and parses a JSON document; errors name the file, the JSON path and where the schema is.
pub fn read_json<T: DeserializeOwned>(path: &Path, schema: &str) -> Result<T> {
    let bytes = read_bounded(path, MAX_JSON_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (invalid byte at offset {}): save it as UTF-8 JSON",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    parse_json(&text, path, schema)
}

/// Reads a whole regular file, refusing one larger than `max` bytes (a device such as `/dev/zero` never ends).
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read {}: check the path", path.display()))?;
    if !file.metadata().map(|m| m.is_file()).unwrap_or(false) {
        bail!(
            "{} is not a regular file (a directory, device or pipe): pass the path of a file",
            path.display()
        );
    }
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > max {
        bail!(
            "{} is larger than the {max} bytes this command reads: pass the right file",
            path.display()
        );
    }
    Ok(bytes)
}

/// Removes a scratch file or directory if it is there (errors ignored: nothing depends on it).
pub fn remove_scratch(path: &Path) {
    let _ = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
}

/// Creates `dir` and its parents.
pub fn make_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

/// A UTF-8 text file of at most `max` bytes.
pub fn read_text(path: &Path, max: u64) -> Result<String> {
    String::from_utf8(read_bounded(path, max)?)
        .with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// The canonical form of an existing path (symlinks resolved).
pub fn canonical(path: &Path) -> std::io::Result<std::path::PathBuf> {
    std::fs::canonicalize(path)
}

/// Parses JSON text that came from `path` (for error messages).
pub fn parse_json<T: DeserializeOwned>(text: &str, path: &Path, schema: &str) -> Result<T> {
    if text.trim().is_empty() {
        bail!(
            "{} is empty: expected a JSON document as described by {schema}",
            path.display()
        );
    }
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('\u{feff}') {
        bail!(
            "{} starts with a byte-order mark (U+FEFF): save it as UTF-8 without a BOM",
            path.display()
        );
    }
    if !body.starts_with('{') {
        bail!(
            "{}: at $: the document must be a JSON object ({{…}}), not {}; see {schema}",
            path.display(),
            body.chars()
                .next()
                .map_or("nothing".to_owned(), |c| format!("one starting with `{c}`"))
        );
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = json_path(&e.path().to_string());
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            anyhow::anyhow!(
                "{}:{}:{}: malformed JSON: {inner}; fix the syntax there",
                path.display(),
                inner.line(),
                inner.column()
            )
        } else {
            anyhow::anyhow!(
                "{}: at {at}: {inner}; fix the value at {at} (the shape is in {schema})",
                path.display()
            )
        }
    })
}

/// `metrics[3].unit` → `$.metrics[3].unit`; the root (`.`) → `$`.
pub fn json_path(serde_path: &str) -> String {
    match serde_path {
        "" | "." => "$".to_owned(),
        p if p.starts_with('[') => format!("${p}"),
        p => format!("$.{p}"),
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`:
/// readers see the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // A new file gets 0666 less the umask, as any tool's output would; a replaced one keeps its mode
    // (the temporary file alone would be 0600, unreadable to a CI uploader running as another user).
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .ok();
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .permissions(std::fs::Permissions::from_mode(mode.unwrap_or(0o666)))
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    if let Some(mode) = mode {
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot keep the mode of {}", path.display()))?;
    }
    // Through the plain file: tempfile's own writer names the temporary path, gone once it is dropped.
    let written = tmp.as_file_mut().write_all(bytes);
    written
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| write_error(path, dir, &e))?;
    tmp.persist(path)
        .map_err(|e| write_error(path, dir, &e.error))?;
    Ok(())
}

/// A failed write, named by the file it was for, with the fix; the old file is untouched.
fn write_error(path: &Path, dir: &Path, e: &std::io::Error) -> anyhow::Error {
    let full = e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(122);
    let fix = if full {
        format!("the device holding {} is full (or over quota): free space there or pass another --artifacts-dir", dir.display())
    } else {
        format!("check that {} is writable", dir.display())
    };
    anyhow::anyhow!(
        "cannot write {}: {e}; {fix}; the previous file, if any, is unchanged",
        path.display()
    )
}

/// Renames `from` over `to` (same directory: atomic).
pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).with_context(|| format!("cannot replace {}", to.display()))
}

/// Pretty JSON with a trailing newline.
pub fn to_json_bytes<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(value)?;
    out.push(b'\n');
    Ok(out)
}

/// Reads an NDJSON file; a missing file is an empty history.
pub fn read_ndjson<T: DeserializeOwned>(path: &Path, schema: &str) -> Result<Vec<T>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let de = &mut serde_json::Deserializer::from_str(line);
            serde_path_to_error::deserialize(de).map_err(|e| {
                anyhow::anyhow!(
                    "{} line {}: at {}: {}; fix or delete that line (one JSON object per line, see {schema})",
                    path.display(),
                    i + 1,
                    json_path(&e.path().to_string()),
                    e.into_inner()
                )
            })
        })
        .collect()
}

/// Writes one JSON line per item, replacing the file atomically.
pub fn write_ndjson<T: Serialize>(path: &Path, items: &[T]) -> Result<()> {
    let mut bytes = Vec::new();
    for item in items {
        serde_json::to_writer(&mut bytes, item)?;
        bytes.push(b'\n');
    }
    write_atomic(path, &bytes)
}

/// Appends one JSON line per item, atomically (the old file plus the new lines replace the old file).
pub fn append_ndjson<T: Serialize>(path: &Path, items: &[T]) -> Result<()> {
    let mut bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    for item in items {
        serde_json::to_writer(&mut bytes, item)?;
        bytes.push(b'\n');
    }
    write_atomic(path, &bytes)
}

/// A new empty directory under the system's temporary directory, removed when the value is dropped.
pub fn temp_dir(prefix: &str) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .context("cannot create a temporary directory: check TMPDIR")
}

/// The names of the regular files directly in `dir` (sorted).
pub fn files_in(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let e = e.with_context(|| format!("cannot list {}", dir.display()))?;
        if e.file_type().is_ok_and(|t| t.is_file()) {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_are_rooted() {
        assert_eq!(json_path("."), "$");
        assert_eq!(json_path("metrics[3].unit"), "$.metrics[3].unit");
    }

    #[test]
    fn type_errors_name_the_path() {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[allow(dead_code)]
            a: Vec<u32>,
        }
        let e = parse_json::<T>(r#"{"a": [1, "x"]}"#, Path::new("f.json"), "s").unwrap_err();
        assert!(e.to_string().contains("$.a[1]"), "{e}");
    }

    #[test]
    fn a_raw_answer_reaches_the_record_to_the_last_bit() {
        // The harness writes the shortest text that reads back as its f64; this one reads back 1 ulp
        // off without serde_json's `float_roundtrip` (its significand needs 17 digits).
        const WIRE_VALUE: &str = "1279999.9993294477";
        let exact: f64 = WIRE_VALUE.parse().unwrap(); // std's parse is correctly rounded
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vanilla-js-memory-pressure-seed11.json");
        let probe = format!(
            r#"{{"probe":"heap","unit":"bytes","batch_size":1,"loop_overhead_ns":0.0,"samples":[{WIRE_VALUE},{WIRE_VALUE}]}}"#
        );
        let text = format!(
            r#"{{"wire_version":1,"harness_version":"0","adapter":"a","workload":"memory-pressure","framework":"vanilla-js","profile":"core-min","seed":11,"iterations":2,"warmup":0,"clock":{{"tick_ns":5000.0,"cross_origin_isolated":true}},"user_agent":"ua","probes":[{probe}]}}"#
        );
        std::fs::write(&path, text).unwrap();
        let wire: scenarios::wire::WireResult = read_json(&path, "wire schema").unwrap();
        let env = scenarios::Environment::DesktopChromium;
        let (session, run) = (Default::default(), Default::default());
        let recs = scenarios::fold::records(env, &session, &run, &[wire], &[]).unwrap();
        let p95 = recs[0].detail.as_ref().map(|d| d.per_seed_p95[0].p95);
        assert_eq!(p95.map(f64::to_bits), Some(exact.to_bits()), "{p95:?}");
        assert_eq!(recs[0].value.map(f64::to_bits), Some(exact.to_bits()));
        let written = serde_json::to_string(&recs[0]).unwrap();
        assert!(
            written.contains(&format!("\"value\":{WIRE_VALUE}")),
            "{written}"
        );
    }
}
