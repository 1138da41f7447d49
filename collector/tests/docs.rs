//! The docs cannot drift from the command line: `docs/collector.md` is `collector reference`'s output,
//! and every `--flag` README.md and `docs/` name is a flag of some collector subcommand (or of another
//! tool they name, listed below).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Flags of other tools the docs name (cargo, browsers, wasm-bindgen, wasm-opt, the scripts in `ci/`).
const OTHER_TOOLS: &[&str] = &[
    "--all-targets",
    "--allowed-ips",
    "--automation",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--disable-quic",
    "--disable-sync",
    "--expose-gc",
    "--features",
    "--file",
    "--func-metrics",
    "--headless",
    "--js-flags",
    "--locked",
    "--manifest-path",
    "--no-demangle",
    "--no-first-run",
    "--no-sandbox",
    "--nocapture",
    "--offline",
    "--out-dir",
    "--out-name",
    "--path",
    "--plan",
    "--release",
    "--symbolmap",
    "--target",
    "--test",
    "--wasm-num-compilation-tasks",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reference() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_collector"))
        .arg("reference")
        .output()
        .expect("collector reference runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The `--flag`s a text names, each with its line (a flag starts a word: `a--b` is none).
fn named_flags(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let b = line.as_bytes();
        let mut k = 0;
        while let Some(at) = line[k..].find("--") {
            let start = k + at;
            let starts_word =
                start == 0 || !(b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'-');
            let mut end = start + 2;
            while end < b.len()
                && (b[end].is_ascii_lowercase() || b[end].is_ascii_digit() || b[end] == b'-')
            {
                end += 1;
            }
            if starts_word && end > start + 2 && b[start + 2].is_ascii_lowercase() {
                out.push((i + 1, line[start..end].trim_end_matches('-').to_owned()));
            }
            k = end;
        }
    }
    out
}

fn unknown_flags(file: &str, text: &str, known: &BTreeSet<String>) -> Vec<String> {
    named_flags(text)
        .into_iter()
        .filter(|(_, f)| !known.contains(f) && !OTHER_TOOLS.contains(&f.as_str()))
        .map(|(line, f)| {
            format!("{file}:{line}: {f} is no flag of the collector (`collector reference`) nor of a tool in OTHER_TOOLS: fix the doc")
        })
        .collect()
}

/// The markdown files people read: README.md and docs/*.md.
fn doc_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files.insert(0, root().join("README.md"));
    files
}

#[test]
fn the_reference_is_the_command_line() {
    let committed = std::fs::read_to_string(root().join("docs/collector.md")).unwrap_or_default();
    assert!(
        committed == reference(),
        "docs/collector.md is stale: regenerate with `cargo run -p collector -- reference > docs/collector.md`"
    );
}

#[test]
fn every_flag_the_docs_name_exists() {
    let reference = reference();
    let mut known: BTreeSet<String> = named_flags(&reference)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    known.extend(["--help".to_owned(), "--version".to_owned()]);
    assert!(
        known.contains("--against") && known.contains("--shard"),
        "{known:?}"
    );
    let bad: Vec<String> = doc_files()
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).expect("readable");
            unknown_flags(&p.display().to_string(), &text, &known)
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn a_flag_that_does_not_exist_is_named() {
    let known = BTreeSet::from(["--env".to_owned()]);
    let bad = unknown_flags(
        "doc.md",
        "run `collector run --no-such-flag` then --env x",
        &known,
    );
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].starts_with("doc.md:1: --no-such-flag "), "{bad:?}");
    assert!(named_flags("a--b and x--y -- --1").is_empty());
}
