//! A throw-away workspace with one planted violation of each kind, and the assertion that each is caught.

use super::code::MAX_LINES;
use std::path::Path;

/// The planted workspace's allow list: one file that uses it, one stale entry.
pub const CLI_ALLOWED: &[&str] = &["collector/src/allowed.rs", "collector/src/stale.rs"];

const MEMBERS: &str = r#"[workspace]
resolver = "2"
members = ["scenarios", "collector", "webdriver", "harness-wasm", "charts", "page-tools", "extra"]
"#;

/// (folder, package, `[dependencies]` lines); `extra` is a crate whose only source is outside `src/`.
const MANIFESTS: [(&str, &str, &str); 7] = [
    ("scenarios", "scenarios", ""),
    (
        "collector",
        "collector",
        "scenarios = { path = \"../scenarios\" }\ncharts = { path = \"../charts\" }\n\
         webdriver = { path = \"../webdriver\", package = \"bench-webdriver\" }\n",
    ),
    // A disallowed edge: webdriver knows nothing of scenarios.
    ("webdriver", "bench-webdriver", "scenarios = { path = \"../scenarios\" }\n"),
    ("harness-wasm", "harness-wasm", "scenarios = { path = \"../scenarios\" }\n"),
    ("charts", "charts", "scenarios = { path = \"../scenarios\" }\n"),
    // A forbidden dependency of a pure crate (a dev-dependency would be fine).
    (
        "page-tools",
        "page-tools",
        "scenarios = { path = \"../scenarios\" }\ncharts = { path = \"../charts\" }\nrand = \"0.8\"\n\n\
         [dev-dependencies]\ntokio = \"1\"\n",
    ),
    ("extra", "extra", ""),
];

/// (file, text) of every planted source file.
fn sources() -> Vec<(&'static str, String)> {
    let s = |p: &'static str, t: &str| (p, t.to_string());
    vec![
        s("scenarios/src/lib.rs", "//! lib\n"),
        s("scenarios/src/a.rs", "//! a\nfn f() { std::fs::read(\"x\"); }\n"),
        s("scenarios/src/b.rs", "//! b\n// std::time in a comment is fine\n"),
        s("scenarios/src/m.rs", "//! m\nuse std::{fs, env};\n"),
        s(
            "scenarios/src/n.rs",
            "//! n\nuse std::fs as x;\nfn n() { ::std::env::var(\"A\"); println!(\"{:?}\", std::time::Instant::now()); }\n\
             const S: &str = \"std::net in a string is text\";\n",
        ),
        s("scenarios/src/o.rs", "//! o\nextern crate std as s;\nfn o() { s::process::exit(1) }\n"),
        s("webdriver/src/lib.rs", "//! lib\n"),
        s("webdriver/src/c.rs", "//! c\nuse scenarios::MetricId;\n"),
        s("collector/src/main.rs", "//! main\nuse crate::cli::Args;\nfn main() {}\n"),
        s("collector/src/cli/mod.rs", "//! cli\nuse self::build::X;\n"),
        s("collector/src/report/mod.rs", "//! report\n"),
        s("collector/src/d.rs", "fn main() {}\n"),
        s("collector/src/e.rs", "//! e\nuse crate::cmd::x;\n"),
        s("collector/src/files.rs", "//! the writer\nuse std::fs;\n"),
        s("collector/src/cmd/g.rs", "//! g\nfn g() { let _ = std::fs::write(\"a\", \"b\"); }\n"),
        s("collector/src/l.rs", "//! l\nuse page_tools::table;\n"),
        s("collector/src/p.rs", "//! p\nuse crate::cli::SchemaKind;\n"),
        s("collector/src/report/q.rs", "//! q\nuse super::super::cli::SchemaKind;\n"),
        s("collector/src/allowed.rs", "//! allowed\nuse crate::cli::SchemaKind;\n"),
        s("collector/src/stale.rs", "//! stale\n"),
        s("collector/src/unmapped.rs", "//! unmapped\n"),
        s("harness-wasm/src/lib.rs", "//! lib\n"),
        s("harness-wasm/src/h.rs", &format!("//! h\n{}", "\n".repeat(MAX_LINES + 1))),
        s("harness-wasm/src/i.rs", "//! i\nuse charts::distribution;\n"),
        s("charts/src/lib.rs", "//! lib\n"),
        s("charts/src/j.rs", "//! j\nfn j() { std::time::Instant::now(); }\n"),
        s("page-tools/src/lib.rs", "//! lib\n"),
        s("page-tools/src/k.rs", "//! k\nuse harness_wasm::engine;\n"),
        s("extra/lib.rs", "//! outside src/\n"),
    ]
}

/// The code map: every planted file under its crate except `unmapped.rs`, plus a file that does
/// not exist and a bare `mod.rs` two files share.
fn code_map() -> String {
    // One edge drawn that the EDGES table does not allow (harness-wasm → charts).
    let mut map = String::from(
        "# Architecture\n\nEdges: `harness-wasm → {scenarios, charts}`, `collector → {scenarios, \
         charts, webdriver}`,\n`charts → scenarios`, `page-tools → {scenarios, charts}`, `reference-adapter → harness-wasm`,\n`futures-local-adapter → harness-wasm`.\n\n## Code map\n",
    );
    for (dir, _, _) in &MANIFESTS[..6] {
        map.push_str(&format!("\n### `{dir}/` — planted\n"));
        for (p, _) in sources() {
            let Some(f) = p.strip_prefix(&format!("{dir}/src/")) else {
                continue;
            };
            if f != "unmapped.rs" {
                map.push_str(&format!("- `{f}`: {f}\n"));
            }
        }
        if *dir == "collector" {
            map.push_str("- `ghost.rs`: gone\n- `mod.rs`: which one?\n");
        }
    }
    map.push_str("\n### `www/`\n`not/checked.rs`\n");
    map.push_str("\n## Invariants\n`also/not/checked.rs`\n");
    map
}

/// Writes the planted workspace under `root`.
pub fn plant(root: &Path) {
    let put = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    put("Cargo.toml", MEMBERS);
    for (dir, package, deps) in MANIFESTS {
        let lib = if dir == "extra" {
            "[lib]\npath = \"lib.rs\"\n\n"
        } else {
            ""
        };
        put(
            &format!("{dir}/Cargo.toml"),
            &format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{lib}[dependencies]\n{deps}"),
        );
    }
    for (p, t) in sources() {
        put(p, &t);
    }
    put("ARCHITECTURE.md", &code_map());
}

/// (file, words its message holds) for every violation planted, one each.
const EXPECTED: [(&str, &str); 28] = [
    ("ARCHITECTURE.md", "draws `harness-wasm → charts`"),
    ("webdriver/Cargo.toml", "workspace crate `scenarios`"),
    ("page-tools/Cargo.toml", "depends on `rand`"),
    ("extra/Cargo.toml", "not in the tidy test's EDGES"),
    ("extra/src", "no Rust source files"),
    ("ARCHITECTURE.md", "no ### `extra/` section"),
    ("scenarios/src/a.rs:2", "(std::fs)"),
    ("scenarios/src/m.rs:2", "(std::fs)"),
    ("scenarios/src/m.rs:2", "(std::env)"),
    ("scenarios/src/n.rs:2", "(std::fs)"),
    ("scenarios/src/n.rs:3", "(std::env)"),
    ("scenarios/src/n.rs:3", "(std::time)"),
    ("scenarios/src/o.rs:3", "(std::process)"),
    ("webdriver/src/c.rs:2", "(scenarios)"),
    ("collector/src/d.rs", "`//!`"),
    ("collector/src/e.rs:2", "(crate::cmd)"),
    ("collector/src/cmd/g.rs:2", "(std::fs)"),
    ("collector/src/l.rs:2", "(page_tools)"),
    ("collector/src/p.rs:2", "(crate::cli)"),
    ("collector/src/report/q.rs:2", "(crate::cli)"),
    ("collector/src/stale.rs", "remove it from CLI_ALLOWED"),
    (
        "collector/src/unmapped.rs",
        "not on ARCHITECTURE.md's code map",
    ),
    ("ARCHITECTURE.md", "`ghost.rs` under ### `collector/`"),
    (
        "ARCHITECTURE.md",
        "`mod.rs` under ### `collector/` is ambiguous",
    ),
    ("harness-wasm/src/h.rs", "lines, over"),
    ("harness-wasm/src/i.rs:2", "(charts)"),
    ("charts/src/j.rs:2", "(std::time)"),
    ("page-tools/src/k.rs:2", "(harness_wasm)"),
];

/// Asserts that `v` holds exactly the planted violations.
pub fn assert_caught(v: &[String]) {
    for (file, what) in EXPECTED {
        assert!(
            v.iter().any(|l| l.starts_with(file) && l.contains(what)),
            "not caught: {file} … {what}\n{v:#?}"
        );
    }
    let about = |file: &str| v.iter().any(|l| l.starts_with(file));
    assert!(
        !about("scenarios/src/b.rs"),
        "comments are not code: {v:#?}"
    );
    assert!(
        !about("scenarios/src/n.rs:4"),
        "strings are not code: {v:#?}"
    );
    assert!(!about("collector/src/files.rs"), "{v:#?}");
    assert!(!about("collector/src/allowed.rs"), "{v:#?}");
    assert!(!about("collector/src/main.rs"), "{v:#?}");
    assert!(!about("collector/src/cli/"), "{v:#?}");
    assert!(!v.iter().any(|l| l.contains("checked.rs")), "{v:#?}");
    assert_eq!(v.len(), EXPECTED.len(), "{v:#?}");
}
