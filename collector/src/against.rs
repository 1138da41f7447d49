//! The base build of a paired run (`collector run --against DIR|REF`): a built dist directory, or a git
//! ref built in a worktree into a cache keyed by its commit (`target/against/<commit>/`, reused); checked
//! before anything is measured, then copied into a temporary directory served at `/base/`, its modules
//! given a custom section so their bytes differ from every other build's (a browser shares compiled
//! code between identical bytes, so an A/A′ pair of one build would otherwise not be two modules).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use wasm_encoder::{CustomSection, Section};

use scenarios::Profile;

use crate::files::{files_in, read_bounded, temp_dir, write_atomic};
use crate::module_size::MAX_MODULE_BYTES;
use crate::profiles::{module_path, Toolchain};

/// The custom section that marks a served base module (its payload: `base`).
pub const SIDE_SECTION: &str = "wasm-budgets-side";

/// The base build, ready to serve.
pub struct BaseBuild {
    /// What `--against` named, as given: recorded with every paired comparison.
    pub source: String,
    /// The base's own modules (unchanged: its size records are taken from them).
    pub dir: PathBuf,
    /// The served copy (`/base/<profile>/…` and `/base/page-tools/…`); removed when dropped.
    pub served: tempfile::TempDir,
}

/// Checks that the base `spec` names (a directory, else a git ref, built here) holds every planned
/// profile and copies it for serving, with the candidate's page tools (`dist/page-tools/`, which the
/// page loads beside each build and which are not measured).
pub fn prepare(
    spec: &Path,
    profiles: &[Profile],
    dist: &Path,
    tools: &Toolchain,
) -> Result<BaseBuild> {
    let (against, source) = if spec.is_dir() {
        (spec.to_path_buf(), spec.display().to_string())
    } else {
        built_ref(spec, profiles, tools)?
    };
    let against = against.as_path();
    for p in profiles {
        for file in ["harness_bg.wasm", "harness.js"] {
            let f = against.join(p.as_str()).join(file);
            if !f.is_file() {
                bail!(
                    "--against {}: {} is missing; build the base's {p} profile there (`collector build --profile {p} --out-dir DIR`)",
                    against.display(),
                    f.display()
                );
            }
        }
    }
    let served = temp_dir("wasm-budgets-base-")?;
    for p in profiles {
        copy_build(&against.join(p.as_str()), &served.path().join(p.as_str()))?;
        let wasm = module_path(served.path(), *p);
        let mut bytes = read_bounded(&wasm, MAX_MODULE_BYTES)?;
        mark_as_base(&mut bytes);
        write_atomic(&wasm, &bytes)?;
    }
    let tools = dist.join("page-tools");
    copy_build(&tools, &served.path().join("page-tools")).with_context(|| {
        format!(
            "the page tools ({}) are missing: run `collector build`",
            tools.display()
        )
    })?;
    Ok(BaseBuild {
        source,
        dir: against.to_path_buf(),
        served,
    })
}

/// A git ref of the checkout's repository, built for `profiles`: from the cache if there, else built
/// in a worktree of its commit by that commit's own collector. Returns the dist directory and "REF (commit)".
fn built_ref(spec: &Path, profiles: &[Profile], tools: &Toolchain) -> Result<(PathBuf, String)> {
    let name = spec.display().to_string();
    let checkout = tools.workspace.as_path();
    let out = Command::new("git")
        .current_dir(checkout)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{name}^{{commit}}"))
        .output()
        .context("cannot run git: install it, or pass --against a built dist directory")?;
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || commit.is_empty() {
        bail!("--against {name}: neither a directory nor a git ref of this repository; pass a built dist directory of the base or a ref such as origin/main");
    }
    let source = format!("{name} ({commit})");
    let cache = std::path::absolute(checkout.join("target/against").join(&commit))?;
    let dist = cache.join("dist");
    if profiles.iter().all(|p| module_path(&dist, *p).is_file()) {
        eprintln!("the base {source}: built earlier, in {}", dist.display());
        return Ok((dist, source));
    }
    let src = cache.join("src");
    if !src.join("Cargo.toml").is_file() {
        git(
            checkout,
            &["worktree", "add", "--detach", "--force"],
            &src,
            &commit,
            &source,
        )?;
    }
    eprintln!("building the base {source} in {}", src.display());
    let mut build = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    build
        .current_dir(&src)
        .args([
            "run",
            "-q",
            "--release",
            "-p",
            "collector",
            "--",
            "build",
            "--dist",
        ])
        .arg(&dist)
        .arg("--wasm-opt")
        .arg(std::path::absolute(&tools.wasm_opt)?);
    for p in profiles {
        build.args(["--profile", p.as_str()]);
    }
    let status = build.status().context("cannot start cargo")?;
    if !status.success() {
        bail!(
            "--against {name}: the base ({commit}) did not build ({status}): its output is above; the worktree is {}",
            src.display()
        );
    }
    Ok((dist, source))
}

/// `git ARGS DIR COMMIT` in the checkout, failing with what it was for.
fn git(checkout: &Path, args: &[&str], dir: &Path, commit: &str, source: &str) -> Result<()> {
    let status = Command::new("git")
        .current_dir(checkout)
        .args(args)
        .arg(dir)
        .arg(commit)
        .status()
        .context("cannot run git")?;
    if !status.success() {
        bail!(
            "--against: cannot check the base {source} out into {} ({status})",
            dir.display()
        );
    }
    Ok(())
}

/// Appends the [`SIDE_SECTION`] custom section (a module may end with any number of them; engines
/// ignore them, so the code is the base's own).
pub fn mark_as_base(module: &mut Vec<u8>) {
    CustomSection {
        name: SIDE_SECTION.into(),
        data: b"base".as_slice().into(),
    }
    .append_to(module);
}

/// Copies the regular files of `from` into `to` (a build directory: glue, module, types, build.json).
fn copy_build(from: &Path, to: &Path) -> Result<()> {
    for f in files_in(from)? {
        let bytes = read_bounded(&f, MAX_MODULE_BYTES)?;
        let name = f.file_name().context("a file without a name")?;
        write_atomic(&to.join(name), &bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_mark_is_one_whole_custom_section_at_the_end() {
        let header = b"\0asm\x01\0\0\0".to_vec();
        let mut m = header.clone();
        mark_as_base(&mut m);
        // id 0, size 22 = 1 (name length) + 17 (name) + 4 (payload), the name, the payload.
        let mut want = header;
        want.extend([0u8, 22, 17]);
        want.extend(SIDE_SECTION.as_bytes());
        want.extend(b"base");
        assert_eq!(m, want);
    }
}
