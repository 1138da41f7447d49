//! The tidy test: keeps ARCHITECTURE.md's invariants true by reading the workspace's Rust sources.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 500;

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
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
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The source without `//` comments, so a comment naming a forbidden path is not a use of it.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lines whose code mentions one of `needles`, as `file:line: needle`.
fn uses(file: &Path, text: &str, needles: &[&str]) -> Vec<String> {
    code_of(text)
        .lines()
        .enumerate()
        .flat_map(|(i, l)| {
            needles
                .iter()
                .filter(move |n| l.contains(*n))
                .map(move |n| format!("{}:{}: {n}", file.display(), i + 1))
        })
        .collect()
}

/// Every broken invariant under the workspace `root`, one line each with the fix.
fn violations(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for krate in [
        "scenarios",
        "collector",
        "webdriver",
        "harness-wasm",
        "charts",
        "page-tools",
    ] {
        for dir in ["src", "tests", "benches"] {
            for f in rust_files(&root.join(krate).join(dir)) {
                let text = std::fs::read_to_string(&f).unwrap_or_default();
                let rel = f.strip_prefix(root).unwrap_or(&f).to_path_buf();
                check_file(&rel, krate, dir, &text, &mut out);
            }
        }
    }
    out
}

fn check_file(rel: &Path, krate: &str, dir: &str, text: &str, out: &mut Vec<String>) {
    let lines = text.lines().count();
    if dir == "src" && !text.starts_with("//!") {
        out.push(format!(
            "{}: does not open with a `//!` line saying what it owns",
            rel.display()
        ));
    }
    if dir == "src" && lines > MAX_LINES {
        out.push(format!(
            "{}: {lines} lines, over {MAX_LINES}: split it along a seam",
            rel.display()
        ));
    }
    if dir != "src" {
        return;
    }
    let is_files_rs = rel == Path::new("collector/src/files.rs");
    const PURE: [&str; 5] = [
        "std::fs",
        "std::env",
        "std::time",
        "std::net",
        "std::process",
    ];
    let forbidden: Vec<&str> = match krate {
        "scenarios" => [&PURE[..], &["charts::", "page_tools::"]].concat(),
        "webdriver" => vec!["scenarios::"],
        "harness-wasm" => vec![
            "collector::",
            "bench_webdriver",
            "webdriver::",
            "charts::",
            "page_tools::",
        ],
        "charts" => [
            &PURE[..],
            &["page_tools::", "harness_wasm::", "collector::"],
        ]
        .concat(),
        "page-tools" => [&PURE[..], &["harness_wasm::", "collector::", "webdriver::"]].concat(),
        "collector" if !is_files_rs => {
            vec![
                "std::fs",
                "tokio::fs",
                "File::create",
                "OpenOptions",
                "page_tools::",
            ]
        }
        "collector" => vec!["page_tools::"],
        _ => vec![],
    };
    for hit in uses(rel, text, &forbidden) {
        out.push(format!(
            "{hit}: forbidden in {krate}/src by ARCHITECTURE.md"
        ));
    }
    let in_cmd = rel.starts_with("collector/src/cmd");
    if krate == "collector" && !in_cmd {
        for hit in uses(rel, text, &["crate::cmd"]) {
            out.push(format!(
                "{hit}: services must not import commands; move the helper out of cmd/"
            ));
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn the_workspace_keeps_its_architecture() {
    let v = violations(&workspace());
    assert!(
        v.is_empty(),
        "ARCHITECTURE.md invariants broken:\n  {}",
        v.join("\n  ")
    );
}

#[test]
fn a_planted_violation_of_each_kind_is_caught() {
    let d = tempfile::tempdir().unwrap();
    let put = |rel: &str, text: &str| {
        let p = d.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    put(
        "scenarios/src/a.rs",
        "//! a\nfn f() { std::fs::read(\"x\"); }\n",
    );
    put(
        "scenarios/src/b.rs",
        "//! b\n// std::time in a comment is fine\n",
    );
    put("webdriver/src/c.rs", "//! c\nuse scenarios::MetricId;\n");
    put("collector/src/d.rs", "fn main() {}\n");
    put("collector/src/e.rs", "//! e\nuse crate::cmd::x;\n");
    put("collector/src/files.rs", "//! the writer\nuse std::fs;\n");
    put(
        "collector/src/cmd/g.rs",
        "//! g\nfn g() { let _ = std::fs::write(\"a\", \"b\"); }\n",
    );
    put(
        "harness-wasm/src/h.rs",
        &format!("//! h\n{}", "\n".repeat(MAX_LINES + 1)),
    );
    put(
        "harness-wasm/src/i.rs",
        "//! i\nuse charts::distribution;\n",
    );
    put(
        "charts/src/j.rs",
        "//! j\nfn j() { std::time::Instant::now(); }\n",
    );
    put("page-tools/src/k.rs", "//! k\nuse harness_wasm::engine;\n");
    put("collector/src/l.rs", "//! l\nuse page_tools::table;\n");
    let v = violations(d.path());
    let has = |file: &str, what: &str| v.iter().any(|l| l.contains(file) && l.contains(what));
    assert!(has("scenarios/src/a.rs", "std::fs"), "{v:#?}");
    assert!(
        !v.iter().any(|l| l.contains("b.rs")),
        "comments are not code: {v:#?}"
    );
    assert!(has("webdriver/src/c.rs", "scenarios::"), "{v:#?}");
    assert!(has("collector/src/d.rs", "//!"), "{v:#?}");
    assert!(has("collector/src/e.rs", "crate::cmd"), "{v:#?}");
    assert!(!v.iter().any(|l| l.contains("files.rs")), "{v:#?}");
    assert!(has("collector/src/cmd/g.rs", "std::fs"), "{v:#?}");
    assert!(has("harness-wasm/src/h.rs", "lines"), "{v:#?}");
    assert!(has("harness-wasm/src/i.rs", "charts::"), "{v:#?}");
    assert!(has("charts/src/j.rs", "std::time"), "{v:#?}");
    assert!(has("page-tools/src/k.rs", "harness_wasm::"), "{v:#?}");
    assert!(has("collector/src/l.rs", "page_tools::"), "{v:#?}");
    assert_eq!(v.len(), 10, "{v:#?}");
}
