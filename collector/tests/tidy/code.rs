//! The rules on each source file: a `//!` first line, at most `MAX_LINES` lines, and the paths
//! (from `paths`) a crate's sources may not use.

use super::paths::{reaches, uses};
use super::workspace::{allowed_edges, Crate, PURE};

pub const MAX_LINES: usize = 500;

/// What a pure crate may not reach in `std`: files, the environment, clocks, sockets, processes.
const STD_IMPURE: [&str; 5] = [
    "std::fs",
    "std::env",
    "std::time",
    "std::net",
    "std::process",
];

/// The one collector file allowed to touch the file system through `std::fs`/`tokio::fs`.
const FILES_RS: &str = "collector/src/files.rs";

/// Services (collector modules outside `cmd/`) allowed to import `crate::cli`: none since the
/// services took typed settings. An entry that no longer imports `crate::cli` is itself a
/// violation, so the list can only shrink.
pub const CLI_ALLOWED: &[&str] = &[];

/// The names code uses for workspace crate `c`: its package name as an identifier, and its
/// folder's (the workspace renames `bench-webdriver` to `webdriver`).
fn idents(c: &Crate) -> Vec<String> {
    let mut v = vec![c.package.replace('-', "_")];
    let dir = c.dir.rsplit('/').next().unwrap_or(&c.dir).replace('-', "_");
    if !v.contains(&dir) {
        v.push(dir);
    }
    v
}

/// The module path of `rel` (`src/report/inputs.rs` → `report::inputs`) inside its crate.
pub fn module_of(rel_to_src: &str) -> Vec<String> {
    let mut segs: Vec<String> = rel_to_src
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(
        segs.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segs.pop();
    }
    segs
}

/// Path prefixes `krate`'s file `rel` may not use, each with the fix to print.
fn forbidden(
    krate: &Crate,
    all: &[Crate],
    rel: &str,
    cli_allowed: &[&str],
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    if PURE.contains(&krate.package.as_str()) {
        for p in STD_IMPURE {
            let fix = "a pure crate does no I/O and reads no clock: take the value as an argument";
            v.push((p.into(), fix.into()));
        }
    }
    let allowed = allowed_edges(&krate.package).unwrap_or(&[]);
    for other in all {
        if other.package == krate.package || allowed.contains(&other.package.as_str()) {
            continue;
        }
        for id in idents(other) {
            let fix = format!(
                "`{}` may not depend on `{}` (ARCHITECTURE.md's edges): move the code",
                krate.package, other.package
            );
            v.push((id, fix));
        }
    }
    if krate.package == "collector" {
        if rel != FILES_RS {
            for p in ["std::fs", "tokio::fs"] {
                v.push((
                    p.into(),
                    "only files.rs touches the file system: call a `crate::files` function".into(),
                ));
            }
        }
        let service =
            !rel.starts_with("collector/src/cmd/") && !rel.starts_with("collector/src/cli/");
        if service && rel != "collector/src/main.rs" {
            let fix = "services must not import commands: move the helper out of cmd/";
            v.push(("crate::cmd".into(), fix.into()));
            if !cli_allowed.contains(&rel) {
                let fix = "services must not take CLI types: take plain values (or a type of the service's own) and convert in cmd/";
                v.push(("crate::cli".into(), fix.into()));
            }
        }
    }
    v
}

/// Violations of one source file `rel` (relative to the workspace root) of `krate`.
pub fn check_file(
    (krate, all): (&Crate, &[Crate]),
    rel: &str,
    text: &str,
    cli_allowed: &[&str],
    out: &mut Vec<String>,
) {
    let lines = text.lines().count();
    if !text.starts_with("//!") {
        out.push(format!(
            "{rel}: does not open with a `//!` line saying what it owns: add one"
        ));
    }
    if lines > MAX_LINES {
        out.push(format!(
            "{rel}: {lines} lines, over {MAX_LINES}: split it along a seam"
        ));
    }
    let src = format!("{}/src/", krate.dir);
    let module = module_of(rel.strip_prefix(&src).unwrap_or(rel));
    let found = match uses(text, &module) {
        Ok(u) => u,
        Err(e) => {
            out.push(format!("{rel}: does not parse ({e}): fix the syntax"));
            return;
        }
    };
    let rules = forbidden(krate, all, rel, cli_allowed);
    let mut seen = std::collections::BTreeSet::new();
    for u in &found {
        for (p, fix) in &rules {
            // A lone identifier (`collector`, a local variable) is not a crate path.
            let pathlike = p.contains("::") || u.path.contains("::");
            if pathlike && reaches(&u.path, p) && seen.insert((u.line, p.clone())) {
                out.push(format!("{rel}:{}: uses `{}` ({p}): {fix}", u.line, u.path));
            }
        }
    }
}

/// Whether `text` (of a file at `rel` in `krate`) imports or names `crate::cli`.
pub fn uses_cli(krate: &Crate, rel: &str, text: &str) -> bool {
    let src = format!("{}/src/", krate.dir);
    let module = module_of(rel.strip_prefix(&src).unwrap_or(rel));
    uses(text, &module).is_ok_and(|u| u.iter().any(|u| reaches(&u.path, "crate::cli")))
}
