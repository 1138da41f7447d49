//! The workspace as `cargo metadata` sees it: its crates, their folders and their normal dependencies, checked against ARCHITECTURE.md's edges and the pure crates' deny list.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One workspace member.
pub struct Crate {
    /// The package name (`bench-webdriver`, not the folder's `webdriver`).
    pub package: String,
    /// The crate's folder relative to the workspace root, `/`-separated (`webdriver`).
    pub dir: String,
    /// Normal and build dependencies (never dev-dependencies): (package name, is a workspace path dependency).
    pub deps: Vec<(String, bool)>,
}

/// The crates that are pure: no I/O, no clock, no randomness (ARCHITECTURE.md).
pub const PURE: [&str; 3] = ["scenarios", "charts", "page-tools"];

/// The dependency edges between workspace crates that ARCHITECTURE.md allows, by package name. A
/// workspace crate missing from this table is itself a violation: a new crate needs its edges
/// decided (and drawn in ARCHITECTURE.md) before it lands.
pub const EDGES: [(&str, &[&str]); 8] = [
    ("scenarios", &[]),
    ("bench-webdriver", &[]),
    ("harness-wasm", &["scenarios"]),
    ("reference-adapter", &["harness-wasm"]),
    ("futures-local-adapter", &["harness-wasm"]),
    ("charts", &["scenarios"]),
    ("page-tools", &["scenarios", "charts"]),
    ("collector", &["scenarios", "charts", "bench-webdriver"]),
];

/// Packages a pure crate must not depend on (normal or build dependencies). Each one brings in
/// what "pure" excludes:
/// - clocks: `chrono`, `time`, `instant`, `web-time`, `wasm-timer`, `coarsetime`, `quanta`;
/// - randomness: `rand`, `rand_core`, `rand_chacha`, `getrandom`, `fastrand`, `uuid` (v4 draws);
/// - async runtimes and their timers, sockets and processes: `tokio`, `async-std`, `smol`, `mio`;
/// - the browser's clock, `Math.random` and DOM: `js-sys`, `web-sys`, `gloo-timers`;
/// - file-system, network and process I/O: `tempfile`, `walkdir`, `dirs`, `memmap2`, `notify`,
///   `libc`, `nix`, `socket2`, `reqwest`, `hyper`, `ureq`, `fantoccini`, `bench-webdriver`.
///
/// `wasm-bindgen` itself is allowed: page-tools needs the boundary, and a clock through it would
/// need an `extern` import the code checks would show in review. The list is explicit rather
/// than an allow list so ordinary pure helpers (serde, thiserror, plotters…) need no ceremony.
pub const PURE_DENY: &[&str] = &[
    "chrono",
    "time",
    "instant",
    "web-time",
    "wasm-timer",
    "coarsetime",
    "quanta",
    "rand",
    "rand_core",
    "rand_chacha",
    "getrandom",
    "fastrand",
    "uuid",
    "tokio",
    "async-std",
    "smol",
    "mio",
    "js-sys",
    "web-sys",
    "gloo-timers",
    "tempfile",
    "walkdir",
    "dirs",
    "memmap2",
    "notify",
    "libc",
    "nix",
    "socket2",
    "reqwest",
    "hyper",
    "ureq",
    "fantoccini",
    "bench-webdriver",
];

/// The workspace members under `root`, from `cargo metadata --no-deps --offline`.
pub fn crates(root: &Path) -> Vec<Crate> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cannot run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata failed on {}: {}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let root = canonical(root);
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let manifest = PathBuf::from(p["manifest_path"].as_str().unwrap());
            let dir = canonical(manifest.parent().unwrap());
            let dir = dir.strip_prefix(&root).unwrap_or(&dir);
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].as_str() != Some("dev"))
                .map(|d| {
                    (
                        d["name"].as_str().unwrap().to_string(),
                        d["path"].is_string(),
                    )
                })
                .collect();
            Crate {
                package: p["name"].as_str().unwrap().to_string(),
                dir: slashed(dir),
                deps,
            }
        })
        .collect()
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// A relative path with `/` separators.
pub fn slashed(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The allowed workspace dependencies of `package`, or `None` when the edge table lacks it.
pub fn allowed_edges(package: &str) -> Option<&'static [&'static str]> {
    EDGES.iter().find(|(p, _)| *p == package).map(|(_, e)| *e)
}

/// Manifest violations: unknown crates, disallowed workspace edges, denied dependencies of pure crates.
pub fn check_manifests(crates: &[Crate], out: &mut Vec<String>) {
    for c in crates {
        let manifest = format!("{}/Cargo.toml", c.dir);
        let Some(allowed) = allowed_edges(&c.package) else {
            out.push(format!(
                "{manifest}: workspace crate `{}` is not in the tidy test's EDGES table: decide its \
                 edges, draw them in ARCHITECTURE.md and add it to EDGES (collector/tests/tidy/workspace.rs)",
                c.package
            ));
            continue;
        };
        for (dep, is_path) in &c.deps {
            let workspace = *is_path || crates.iter().any(|o| &o.package == dep);
            if workspace && !allowed.contains(&dep.as_str()) {
                out.push(format!(
                    "{manifest}: depends on workspace crate `{dep}`, an edge ARCHITECTURE.md does not \
                     allow (`{}` may depend on {:?}): remove the dependency or move the code",
                    c.package, allowed
                ));
            }
            if PURE.contains(&c.package.as_str()) && PURE_DENY.contains(&dep.as_str()) {
                out.push(format!(
                    "{manifest}: pure crate `{}` depends on `{dep}` (clock, randomness or I/O): \
                     remove it; the caller passes the values in (the collector owns I/O)",
                    c.package
                ));
            }
        }
    }
}
