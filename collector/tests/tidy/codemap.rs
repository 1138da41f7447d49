//! ARCHITECTURE.md's code map against the tree: every file it names exists, every source file is named.
//!
//! The convention (also stated at the top of the code map): a `### \`dir/\`` heading whose folder
//! is a workspace crate opens that crate's section, which runs to the next `###` or `##` heading.
//! In it, every backticked token ending in `.rs` names one file by a suffix of its path
//! `dir/src/…` (`ids.rs`, `cmd/run/mod.rs`, `src/serve.rs`): it must match exactly one existing
//! file, so a name two files share (`mod.rs`, `serve.rs`) is written with enough of its directory
//! to be unique. Every `.rs` file
//! under a crate's `src/` is named at least once. Other tokens (folders, commands) are prose.

use super::workspace::Crate;

const FILE: &str = "ARCHITECTURE.md";

/// One `### \`dir/\`` section of the code map: its folder and its backticked tokens with their lines.
pub struct Section {
    pub dir: String,
    pub tokens: Vec<(String, usize)>,
}

/// The code map's sections, or `None` when ARCHITECTURE.md has no `## Code map`.
pub fn sections(text: &str) -> Option<Vec<Section>> {
    let mut lines = text.lines().enumerate();
    lines.find(|(_, l)| l.trim() == "## Code map")?;
    let mut out: Vec<Section> = Vec::new();
    for (i, l) in lines {
        if l.starts_with("## ") {
            break;
        }
        let tokens = l.split('`').skip(1).step_by(2);
        if l.starts_with("### ") {
            let dir = tokens.clone().next().unwrap_or("").trim_end_matches('/');
            out.push(Section {
                dir: dir.to_string(),
                tokens: Vec::new(),
            });
            continue;
        }
        if let Some(s) = out.last_mut() {
            s.tokens.extend(tokens.map(|t| (t.to_string(), i + 1)));
        }
    }
    Some(out)
}

/// The files (relative to `dir/src/`, `/`-separated) that `token` names by a suffix of `dir/src/file`.
fn resolve<'a>(dir: &str, token: &str, files: &'a [String]) -> Vec<&'a String> {
    files
        .iter()
        .filter(|f| {
            let full = format!("{dir}/src/{f}");
            full == token || full.ends_with(&format!("/{token}"))
        })
        .collect()
}

/// Code-map violations for `krate`, whose source files relative to `src/` are `files`.
pub fn check(krate: &Crate, files: &[String], map: &[Section], out: &mut Vec<String>) {
    let dir = &krate.dir;
    let Some(section) = map.iter().find(|s| &s.dir == dir) else {
        out.push(format!(
            "{FILE}: the code map has no ### `{dir}/` section for crate `{}`: add one naming each \
             file under {dir}/src/",
            krate.package
        ));
        return;
    };
    let mut named = vec![false; files.len()];
    for (token, line) in &section.tokens {
        if !token.ends_with(".rs") || token.contains(char::is_whitespace) {
            continue;
        }
        let hits = resolve(dir, token, files);
        match hits.len() {
            0 => out.push(format!(
                "{FILE}:{line}: the code map names `{token}` under ### `{dir}/`, but no \
                 {dir}/src/**/{token} exists: fix the name (renamed or moved?) or drop it"
            )),
            1 => {}
            _ => {
                out.push(format!(
                "{FILE}:{line}: `{token}` under ### `{dir}/` is ambiguous ({}): write it with its \
                 directory",
                hits.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
            ))
            }
        }
        for h in hits {
            let i = files.iter().position(|f| f == h).unwrap();
            named[i] = true;
        }
    }
    for (f, named) in files.iter().zip(named) {
        if !named {
            out.push(format!(
                "{dir}/src/{f}: not on {FILE}'s code map: name `{f}` under ### `{dir}/` with a \
                 one-line description (its `//!` line)"
            ));
        }
    }
}

/// The code map of the workspace at `root`, or a violation when it is missing.
pub fn read(root: &std::path::Path, out: &mut Vec<String>) -> Vec<Section> {
    let text = std::fs::read_to_string(root.join(FILE)).unwrap_or_default();
    sections(&text).unwrap_or_else(|| {
        out.push(format!(
            "{FILE}: no `## Code map` section: add one (see collector/tests/tidy/codemap.rs)"
        ));
        Vec::new()
    })
}

/// The edges ARCHITECTURE.md's `Edges:` paragraph draws (`a → b`, `a → {b, c}`), as (from, to) folders.
fn documented_edges(text: &str) -> Option<Vec<(String, String)>> {
    let start = text.find("\nEdges: ")?;
    let para = text[start..].split("\n\n").next().unwrap_or("");
    let mut out = Vec::new();
    for token in para.split('`').skip(1).step_by(2) {
        let Some((from, to)) = token.split_once('→') else {
            continue;
        };
        for to in to.trim().trim_matches(|c| c == '{' || c == '}').split(',') {
            out.push((from.trim().to_string(), to.trim().to_string()));
        }
    }
    Some(out)
}

/// ARCHITECTURE.md's `Edges:` paragraph and the tidy test's EDGES table must draw the same edges.
pub fn check_edges(root: &std::path::Path, crates: &[Crate], out: &mut Vec<String>) {
    let text = std::fs::read_to_string(root.join(FILE)).unwrap_or_default();
    let Some(doc) = documented_edges(&text) else {
        out.push(format!(
            "{FILE}: no `Edges: ` paragraph listing the crates' edges: add one"
        ));
        return;
    };
    let package = |dir: &str| {
        crates
            .iter()
            .find(|c| c.dir == dir)
            .map_or(dir.to_string(), |c| c.package.clone())
    };
    let mut doc: Vec<(String, String)> =
        doc.iter().map(|(a, b)| (package(a), package(b))).collect();
    let mut table: Vec<(String, String)> = super::workspace::EDGES
        .iter()
        .flat_map(|(a, to)| to.iter().map(move |b| (a.to_string(), b.to_string())))
        .collect();
    doc.sort();
    table.sort();
    for (a, b) in doc.iter().filter(|e| !table.contains(e)) {
        out.push(format!(
            "{FILE}: its Edges paragraph draws `{a} → {b}`, which the tidy test's EDGES table \
             (collector/tests/tidy/workspace.rs) does not allow: make the two agree"
        ));
    }
    for (a, b) in table.iter().filter(|e| !doc.contains(e)) {
        out.push(format!(
            "{FILE}: the tidy test's EDGES table allows `{a} → {b}`, which its Edges paragraph does \
             not draw: add it there or drop it from EDGES"
        ));
    }
}
