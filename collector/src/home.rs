//! The harness checkout a command works from (`www/`, `ci/` policies, `dist/`, the cargo workspace that
//! builds the profiles): told by `--home` / `WASM_BUDGETS_HOME`, else the first directory holding one
//! from the current directory upward, else the checkout this binary was built from (`cargo install
//! --path collector` builds in place, so an installed collector finds its checkout from anywhere).

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// What marks a checkout: the budget policy, the page root and the workspace manifest.
const MARKS: [&str; 3] = ["ci/wasm_perf_budgets.json", "www/index.html", "Cargo.toml"];

/// The checkout, or why none was found (an error only when something needs it).
#[derive(Debug, Clone)]
pub struct Home {
    found: std::result::Result<PathBuf, String>,
    /// The checkout is the current directory: defaults stay relative, as records have always named them.
    here: bool,
}

impl Home {
    /// Finds the checkout. A directory that was told (`--home`) but is not one is an error at once.
    pub fn find(told: Option<&Path>) -> Result<Home> {
        let cwd = std::env::current_dir()?;
        let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).parent();
        Self::find_from(told, &cwd, built_from)
    }

    /// [`Home::find`] with the starting directory and the build checkout given (for tests).
    pub fn find_from(told: Option<&Path>, cwd: &Path, built_from: Option<&Path>) -> Result<Home> {
        if let Some(dir) = told {
            if let Some(missing) = missing_mark(dir) {
                bail!(
                    "--home {} (or WASM_BUDGETS_HOME) is not a harness checkout: {} is missing there; \
                     point it at the directory holding ci/, www/ and the workspace Cargo.toml",
                    dir.display(),
                    missing
                );
            }
            let dir = std::path::absolute(dir)?;
            let here = same_dir(&dir, cwd);
            return Ok(Home {
                found: Ok(dir),
                here,
            });
        }
        let upward = cwd.ancestors().find(|d| missing_mark(d).is_none());
        let found = upward
            .or(built_from.filter(|d| missing_mark(d).is_none()))
            .map(Path::to_path_buf)
            .ok_or_else(|| {
                format!(
                    "no harness checkout (a directory holding {}) in {} or above it{}",
                    MARKS.join(", "),
                    cwd.display(),
                    built_from
                        .map(|d| format!(
                            ", nor at {}, where this collector was built",
                            d.display()
                        ))
                        .unwrap_or_default()
                )
            });
        let here = found.as_deref().is_ok_and(|d| same_dir(d, cwd));
        Ok(Home { found, here })
    }

    /// The checkout's directory; the error names the fix.
    pub fn root(&self) -> Result<&Path> {
        match &self.found {
            Ok(p) => Ok(p),
            Err(why) => bail!(
                "{why}: run the collector inside the checkout, or pass --home DIR (or set WASM_BUDGETS_HOME) \
                 to the directory holding ci/, www/ and the workspace Cargo.toml"
            ),
        }
    }

    /// A default path of `--flag` (relative to the checkout) as a path from the current directory
    /// ([`Home::path`]); the error names the flag that would fix it.
    pub fn resolve(&self, default: &Path, flag: &str) -> Result<PathBuf> {
        self.path(default).map_err(|e| {
            e.context(format!(
                "--{flag} defaults to {} in the harness checkout; give --{flag}, or",
                default.display()
            ))
        })
    }

    /// A path of the checkout as seen from the current directory: unchanged when the checkout is the
    /// current directory (so records name `dist/…` and `target/…` as they always have), else
    /// absolute; absolute paths stay.
    pub fn path(&self, rel: &Path) -> Result<PathBuf> {
        if rel.is_absolute() || self.here {
            return Ok(rel.to_path_buf());
        }
        Ok(self.root()?.join(rel))
    }
}

/// Whether two directories are one (through symlinks), `false` when either cannot be resolved.
fn same_dir(a: &Path, b: &Path) -> bool {
    use crate::files::canonical;
    matches!((canonical(a), canonical(b)), (Ok(x), Ok(y)) if x == y)
}

/// The first mark `dir` lacks.
fn missing_mark(dir: &Path) -> Option<&'static str> {
    MARKS.into_iter().find(|m| !dir.join(m).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for m in MARKS {
            crate::files::write_atomic(&d.path().join(m), b"{}").unwrap();
        }
        d
    }

    #[test]
    fn a_checkout_is_found_from_a_directory_inside_it_before_the_build_checkout() {
        let (here, built) = (checkout(), checkout());
        let deep = here.path().join("docs/deeper");
        crate::files::make_dir(&deep).unwrap();
        let h = Home::find_from(None, &deep, Some(built.path())).unwrap();
        assert_eq!(h.root().unwrap(), here.path());
        let got = h.resolve(Path::new("ci/x.json"), "budgets").unwrap();
        assert_eq!(got, here.path().join("ci/x.json"));
        assert_eq!(
            h.resolve(Path::new("/abs"), "budgets").unwrap(),
            Path::new("/abs")
        );
        let h = Home::find_from(None, here.path(), Some(built.path())).unwrap();
        assert_eq!(h.root().unwrap(), here.path());
        let got = h.resolve(Path::new("ci/x.json"), "budgets").unwrap();
        assert_eq!(
            got,
            Path::new("ci/x.json"),
            "in the checkout itself defaults stay relative"
        );
    }

    #[test]
    fn outside_any_checkout_the_build_checkout_serves_and_else_the_error_names_the_fix() {
        let (elsewhere, built) = (tempfile::tempdir().unwrap(), checkout());
        let h = Home::find_from(None, elsewhere.path(), Some(built.path())).unwrap();
        assert_eq!(h.root().unwrap(), built.path());
        let gone = built.path().join("moved");
        let h = Home::find_from(None, elsewhere.path(), Some(&gone)).unwrap();
        let e = format!(
            "{:#}",
            h.resolve(Path::new("ci/b.json"), "budgets").unwrap_err()
        );
        assert!(e.contains("--budgets defaults to ci/b.json"), "{e}");
        assert!(e.contains("pass --home DIR"), "{e}");
        assert!(e.contains(&elsewhere.path().display().to_string()), "{e}");
    }

    #[test]
    fn a_told_directory_that_is_no_checkout_is_refused_at_once() {
        let empty = tempfile::tempdir().unwrap();
        let e = Home::find_from(Some(empty.path()), empty.path(), None).unwrap_err();
        let e = e.to_string();
        assert!(e.contains("is not a harness checkout"), "{e}");
        assert!(e.contains("ci/wasm_perf_budgets.json is missing"), "{e}");
        let ok = checkout();
        let h = Home::find_from(Some(ok.path()), empty.path(), None).unwrap();
        assert_eq!(h.root().unwrap(), ok.path());
    }
}
