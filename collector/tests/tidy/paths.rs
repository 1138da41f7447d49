//! Every path a Rust file uses, found by `syn`: each leaf of every `use` tree, every path in an
//! expression, type or pattern, `extern crate`, and `a::b` sequences inside macro bodies; aliases and
//! `self`/`super` resolved to full paths, so comments and string literals never count.

use proc_macro2::{TokenStream, TokenTree};
use std::collections::HashMap;
use syn::visit::{self, Visit};

/// One use of a path: its segments joined by `::` (`std::fs::read`), and the 1-based line.
pub struct Use {
    pub path: String,
    pub line: usize,
}

/// The paths `text` uses, resolved as far as one file allows. `module` is the file's module path
/// inside its crate (`["report", "inputs"]` for `src/report/inputs.rs`). `Err` when it does not parse.
pub fn uses(text: &str, module: &[String]) -> Result<Vec<Use>, String> {
    let file = syn::parse_file(text).map_err(|e| format!("line {}: {e}", e.span().start().line))?;
    let mut v = Collector {
        module: module.to_vec(),
        raw: Vec::new(),
        aliases: HashMap::new(),
    };
    v.visit_file(&file);
    let aliases = v.aliases.clone();
    Ok(v.raw
        .into_iter()
        .map(|(path, line)| Use {
            path: expand(&path, &aliases),
            line,
        })
        .collect())
}

/// Rewrites a path whose first segment is a local alias (`use std as s;`, `use std::fs as f;`,
/// `use std::fs;` then `fs::read`) to the full path, a few times for chains of aliases.
fn expand(path: &str, aliases: &HashMap<String, String>) -> String {
    let mut p = path.to_string();
    for _ in 0..4 {
        let (first, rest) = p.split_once("::").unwrap_or((p.as_str(), ""));
        let next = match aliases.get(first) {
            Some(full) if full.split("::").next() != Some(first) => match rest {
                "" => full.clone(),
                _ => format!("{full}::{rest}"),
            },
            _ => break,
        };
        p = next;
    }
    p
}

struct Collector {
    /// The module the visitor is in (the file's, plus inline `mod x { … }` blocks).
    module: Vec<String>,
    raw: Vec<(String, usize)>,
    /// Local name → full path, from `use` leaves and `extern crate … as …`.
    aliases: HashMap<String, String>,
}

impl Collector {
    /// Makes `self::`/`super::`/`crate::` paths absolute (`crate::…`); others are left as written.
    fn resolve(&self, segs: &[String]) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut rest = segs;
        if segs.first().is_some_and(|s| s == "self" || s == "super") {
            out.push("crate".into());
            out.extend(self.module.iter().cloned());
            while let Some(s) = rest.first() {
                match s.as_str() {
                    "self" => {}
                    "super" => {
                        if out.len() > 1 {
                            out.pop();
                        }
                    }
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        out.extend(rest.iter().cloned());
        out.join("::")
    }

    fn push(&mut self, segs: &[String], line: usize) {
        if !segs.is_empty() {
            let p = self.resolve(segs);
            self.raw.push((p, line));
        }
    }

    /// Every leaf of a `use` tree, with its full path.
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        let line = span_line(tree);
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut segs = prefix.clone();
                if n.ident != "self" {
                    segs.push(n.ident.to_string());
                }
                let local = segs.last().cloned().unwrap_or_default();
                self.aliases.insert(local, self.resolve(&segs));
                self.push(&segs, line);
            }
            syn::UseTree::Rename(r) => {
                let mut segs = prefix.clone();
                if r.ident != "self" {
                    segs.push(r.ident.to_string());
                }
                self.aliases
                    .insert(r.rename.to_string(), self.resolve(&segs));
                self.push(&segs, line);
            }
            syn::UseTree::Glob(_) => {
                let mut segs = prefix.clone();
                segs.push("*".into());
                self.push(&segs, line);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }
}

fn span_line<T: syn::spanned::Spanned>(t: &T) -> usize {
    t.span().start().line
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_item_extern_crate(&mut self, e: &'ast syn::ItemExternCrate) {
        let name = e.ident.to_string();
        if let Some((_, alias)) = &e.rename {
            self.aliases.insert(alias.to_string(), name.clone());
        }
        self.push(&[name], span_line(e));
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.push(&segs, span_line(p));
        visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        visit::visit_macro(self, m);
        self.tokens(m.tokens.clone());
    }
}

impl Collector {
    /// `a::b::c` runs of identifiers in a macro body (recursing into groups); a lone identifier is
    /// not a path. Literals break a run, so `"std::fs"` in a format string is text, not a use.
    fn tokens(&mut self, ts: TokenStream) {
        let mut run: Vec<String> = Vec::new();
        let mut line = 0;
        let mut colons = 0;
        let flush = |me: &mut Self, run: &mut Vec<String>, line: usize| {
            if run.len() > 1 {
                me.push(run, line);
            }
            run.clear();
        };
        for tt in ts {
            match tt {
                TokenTree::Ident(i) if run.is_empty() || colons == 2 => {
                    if run.is_empty() {
                        line = i.span().start().line;
                    }
                    run.push(i.to_string());
                    colons = 0;
                }
                TokenTree::Punct(p) if p.as_char() == ':' && colons < 2 => colons += 1,
                other => {
                    flush(self, &mut run, line);
                    colons = 0;
                    match other {
                        TokenTree::Group(g) => self.tokens(g.stream()),
                        TokenTree::Ident(i) => {
                            line = i.span().start().line;
                            run.push(i.to_string());
                        }
                        _ => {}
                    }
                }
            }
        }
        flush(self, &mut run, line);
    }
}

/// Whether `path` uses `forbidden` (`std::fs`): equal to it, below it (`std::fs::read`), or a glob
/// that brings it in (`std::*`).
pub fn reaches(path: &str, forbidden: &str) -> bool {
    if path == forbidden || path.starts_with(&format!("{forbidden}::")) {
        return true;
    }
    match path.strip_suffix("::*") {
        Some(glob) => forbidden.starts_with(&format!("{glob}::")),
        None => false,
    }
}
