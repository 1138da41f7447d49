//! The adapter template `collector new-adapter` writes: the futures-local adapter's sources (a
//! complete runtime that passes the conformance suite) under a new crate name, as a crate of its own
//! outside any workspace, depending on this checkout's `harness-wasm`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::home::Home;

/// The template's files: path in the new crate, and text.
const SOURCES: [(&str, &str); 7] = [
    (
        "src/lib.rs",
        include_str!("../../adapters/futures-local/src/lib.rs"),
    ),
    (
        "src/executor.rs",
        include_str!("../../adapters/futures-local/src/executor.rs"),
    ),
    (
        "src/runtime.rs",
        include_str!("../../adapters/futures-local/src/runtime.rs"),
    ),
    (
        "src/storm.rs",
        include_str!("../../adapters/futures-local/src/storm.rs"),
    ),
    (
        "src/timer.rs",
        include_str!("../../adapters/futures-local/src/timer.rs"),
    ),
    (
        "src/trace.rs",
        include_str!("../../adapters/futures-local/src/trace.rs"),
    ),
    (
        "README.md",
        include_str!("../../adapters/futures-local/TEMPLATE.md"),
    ),
];
const MANIFEST: &str = include_str!("../../adapters/futures-local/Cargo.toml");
/// The workspace's lock file: the new crate starts from the versions this harness is tested with.
const LOCK: &str = include_str!("../../Cargo.lock");

/// What to write, and where.
#[derive(Debug, Clone)]
pub struct Template {
    pub dir: PathBuf,
    pub name: String,
    /// This checkout's `harness-wasm` directory, which the new crate depends on.
    pub harness: PathBuf,
}

impl Template {
    /// Checks the directory and the name before anything is written.
    pub fn new(dir: &Path, name: Option<&str>, home: &Home) -> Result<Template> {
        if dir.exists() && !crate::files::files_in(dir)?.is_empty() {
            bail!(
                "{}: the directory is not empty: give `collector new-adapter` a new directory",
                dir.display()
            );
        }
        let name = match name {
            Some(n) => n.to_owned(),
            None => dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid {
            bail!("the crate name `{name}` (from --name or the directory's name) is not a package name: use lower-case letters, digits, `-` and `_`, starting with a letter (--name my-runtime)");
        }
        let harness = crate::files::canonical(&home.path(Path::new("harness-wasm"))?)
            .context("cannot find this checkout's harness-wasm/ (run from the harness checkout or pass --home)")?;
        Ok(Template {
            dir: dir.to_path_buf(),
            name,
            harness,
        })
    }
}

/// The new crate's manifest: the template's, renamed, with concrete package fields, the harness by
/// path, and a workspace of its own.
pub fn manifest(t: &Template) -> String {
    let harness = t.harness.display().to_string().replace('\\', "/");
    let mut out = String::new();
    for line in MANIFEST.lines() {
        let line = match line.trim() {
            "name = \"futures-local-adapter\"" => format!("name = \"{}\"", t.name),
            "version.workspace = true" => "version = \"0.1.0\"".to_owned(),
            "edition.workspace = true" => "edition = \"2021\"".to_owned(),
            "license.workspace = true" => "license = \"MIT OR Apache-2.0\"".to_owned(),
            "rust-version.workspace = true" => "rust-version = \"1.85\"".to_owned(),
            l if l.starts_with("description = ") => {
                "description = \"A wasm runtime measured by wasm-budgets (started from its futures-local adapter template).\"".to_owned()
            }
            l if l.starts_with("harness-wasm = ") => {
                format!("harness-wasm = {{ path = \"{harness}\" }}")
            }
            _ => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\n# A crate of its own, not a member of any workspace around it.\n[workspace]\n");
    out
}

/// Writes the crate (each file atomically).
pub fn write(t: &Template) -> Result<()> {
    let put = |rel: &str, text: &str| crate::files::write_atomic(&t.dir.join(rel), text.as_bytes());
    crate::files::make_dir(&t.dir.join("src"))?;
    put("Cargo.toml", &manifest(t))?;
    put("Cargo.lock", LOCK)?;
    for (rel, text) in SOURCES {
        put(rel, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_renamed_standalone_and_names_the_harness_by_path() {
        let t = Template {
            dir: "x".into(),
            name: "my-runtime".into(),
            harness: "/h/harness-wasm".into(),
        };
        let m = manifest(&t);
        let has = |line: &str| m.lines().any(|l| l == line);
        assert!(has("name = \"my-runtime\""), "{m}");
        assert!(has("harness-wasm = { path = \"/h/harness-wasm\" }"), "{m}");
        assert!(has("[workspace]"), "{m}");
        assert!(has("trace = [\"harness-wasm/trace\"]"), "{m}");
        assert!(!m.contains(".workspace = true"), "{m}");
        assert!(!m.contains("futures-local-adapter"), "{m}");
    }
}
