//! The tidy test: keeps ARCHITECTURE.md's invariants true from the workspace's manifests (through
//! `cargo metadata`), its Rust sources (parsed with `syn`) and ARCHITECTURE.md's code map.

#[path = "tidy/code.rs"]
mod code;
#[path = "tidy/codemap.rs"]
mod codemap;
#[path = "tidy/paths.rs"]
mod paths;
#[path = "tidy/planted.rs"]
mod planted;
#[path = "tidy/workspace.rs"]
mod workspace;

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, relative to it (`/`-separated), sorted.
fn rust_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(workspace::slashed(p.strip_prefix(dir).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Every broken invariant of the workspace at `root`, one line each naming the file and the fix.
/// `cli_allowed` lists the collector services still allowed to import `crate::cli`.
pub fn violations(root: &Path, cli_allowed: &[&str]) -> Vec<String> {
    let crates = workspace::crates(root);
    let mut out = Vec::new();
    workspace::check_manifests(&crates, &mut out);
    codemap::check_edges(root, &crates, &mut out);
    let map = codemap::read(root, &mut out);
    for c in &crates {
        let files = rust_files(&root.join(&c.dir).join("src"));
        if files.is_empty() {
            out.push(format!(
                "{}/src: crate `{}` has no Rust source files, so nothing of it is checked: put its \
                 sources under {}/src/ (or drop the crate from the workspace)",
                c.dir, c.package, c.dir
            ));
        }
        for f in &files {
            let rel = format!("{}/src/{f}", c.dir);
            let text = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
            code::check_file((c, &crates), &rel, &text, cli_allowed, &mut out);
        }
        codemap::check(c, &files, &map, &mut out);
    }
    stale_cli_allowances(root, &crates, cli_allowed, &mut out);
    out
}

/// An allow-list entry whose file no longer imports `crate::cli` must leave the list.
fn stale_cli_allowances(
    root: &Path,
    crates: &[workspace::Crate],
    cli_allowed: &[&str],
    out: &mut Vec<String>,
) {
    let Some(collector) = crates.iter().find(|c| c.package == "collector") else {
        return;
    };
    for rel in cli_allowed {
        let text = std::fs::read_to_string(root.join(rel)).unwrap_or_default();
        if !code::uses_cli(collector, rel, &text) {
            out.push(format!(
                "{rel}: on CLI_ALLOWED but no longer imports `crate::cli`: remove it from CLI_ALLOWED \
                 (collector/tests/tidy/code.rs)"
            ));
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn the_workspace_keeps_its_architecture() {
    let v = violations(&workspace_root(), code::CLI_ALLOWED);
    assert!(
        v.is_empty(),
        "ARCHITECTURE.md invariants broken:\n  {}",
        v.join("\n  ")
    );
}

#[test]
fn the_workspace_has_its_eight_crates_and_each_has_sources() {
    let root = workspace_root();
    let crates = workspace::crates(&root);
    let mut names: Vec<&str> = crates.iter().map(|c| c.package.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bench-webdriver",
            "charts",
            "collector",
            "futures-local-adapter",
            "harness-wasm",
            "page-tools",
            "reference-adapter",
            "scenarios"
        ]
    );
    for c in &crates {
        assert!(
            !rust_files(&root.join(&c.dir).join("src")).is_empty(),
            "{}",
            c.dir
        );
    }
}

#[test]
fn a_planted_violation_of_each_kind_is_caught() {
    let d = tempfile::tempdir().unwrap();
    planted::plant(d.path());
    let v = violations(d.path(), planted::CLI_ALLOWED);
    planted::assert_caught(&v);
}
