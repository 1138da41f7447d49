//! Builds the three profiles as `ci/wasm_optimization_policy.json` says: cargo → wasm-bindgen → wasm-opt → sizes.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use scenarios::policy::optimization::{OptimizationPolicy, Variant, WasmOptLevel};
use scenarios::Profile;

use crate::adapter_crate::AdapterCrate;
use crate::files::{to_json_bytes, write_atomic};
use crate::home::Home;

/// wasm features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept them.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The reference adapter's crate, relative to the checkout: what `build` measures by default.
pub const DEFAULT_ADAPTER: &str = "adapters/reference";

/// Where the tools are.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// The harness checkout: cargo builds its workspace there.
    pub workspace: PathBuf,
    /// Its `target/`, where the linked modules land (relative when the checkout is the current directory).
    pub target: PathBuf,
    pub cargo: PathBuf,
    pub wasm_bindgen: PathBuf,
    pub wasm_opt: PathBuf,
    /// TEST ONLY: a calibrated slowdown compiled into the harness (`build --inject-slowdown`): a
    /// distinct build for detection-power benchmarks of a paired run. None in every real build.
    pub slowdown_pct: Option<f64>,
    /// TEST ONLY: a known function and data blob planted in the harness (`build --plant-size-growth`).
    pub plant_size_growth: bool,
    /// TEST ONLY: a semantic fault planted around the adapter (`build --plant-fault`), by name.
    pub plant_fault: Option<String>,
    /// The adapter crate's directory (`build --adapter`; the checkout's `adapters/reference`).
    pub adapter: PathBuf,
}

impl Toolchain {
    /// `$CARGO` (set under `cargo run`) or `cargo`; `wasm-bindgen` on PATH; npm's binaryen from
    /// `ci/setup.sh` in the checkout.
    pub fn from_env(wasm_opt: Option<PathBuf>, home: &Home) -> Result<Self> {
        let target = home.path(Path::new("target"))?;
        Ok(Toolchain {
            workspace: home.root()?.to_path_buf(),
            cargo: std::env::var_os("CARGO")
                .map(PathBuf::from)
                .unwrap_or_else(|| "cargo".into()),
            wasm_bindgen: "wasm-bindgen".into(),
            wasm_opt: wasm_opt.unwrap_or_else(|| target.join("tools/node_modules/.bin/wasm-opt")),
            target,
            slowdown_pct: None,
            plant_size_growth: false,
            plant_fault: None,
            adapter: home.path(Path::new(DEFAULT_ADAPTER))?,
        })
    }
}

/// One built profile, as recorded in `dist/<profile>/build.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Built {
    pub profile: Profile,
    pub variant: String,
    pub policy_profile: String,
    pub features: Vec<String>,
    /// The final module the page loads.
    pub wasm: PathBuf,
    pub raw_bytes: u64,
    pub gzip_bytes: u64,
    /// The linked module before wasm-bindgen, with DWARF when the variant has debug info.
    pub debug_symbols: PathBuf,
    pub commands: Vec<String>,
    /// TEST ONLY: the slowdown compiled into this build (`build --inject-slowdown`), percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub injected_slowdown_pct: Option<f64>,
    /// Where the size attribution finds function names, in words (see `names.rs`).
    pub names: String,
    /// TEST ONLY: the build carries a planted function and data blob (`build --plant-size-growth`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub planted_size_growth: bool,
    /// The adapter crate built (name, version, library, manifest, commit).
    pub adapter: AdapterCrate,
    /// TEST ONLY: the semantic fault planted around the adapter (`build --plant-fault`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planted_fault: Option<String>,
    /// The same adapter, source and features with the conformance suite compiled in (`HARNESS_CONFORMANCE`),
    /// unoptimised: what a session checks before timing. The measured module leaves the suite out —
    /// linked in, it changed how the timed operations were compiled (04A +12 %, paired).
    pub conformance_module: PathBuf,
}

fn shown(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            parts.insert(
                0,
                format!("{}={}", k.to_string_lossy(), v.to_string_lossy()),
            );
        }
    }
    parts.extend(cmd.get_args().map(|a| {
        let a = a.to_string_lossy();
        if a.contains(['"', ' ']) {
            format!("'{a}'")
        } else {
            a.into_owned()
        }
    }));
    parts.join(" ")
}

fn run(mut cmd: Command, log: &mut Vec<String>, hint: &str) -> Result<()> {
    let line = shown(&cmd);
    eprintln!("  $ {line}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start `{line}`: {hint}"))?;
    if !status.success() {
        bail!("`{line}` failed ({status}): {hint}");
    }
    log.push(line);
    Ok(())
}

fn cargo_command(tc: &Toolchain, a: &AdapterCrate, v: &Variant, map: Option<&Path>) -> Command {
    let p = &v.policy_profile;
    let c = &v.cargo;
    let opt = if c.opt_level.chars().all(|ch| ch.is_ascii_digit()) {
        c.opt_level.clone()
    } else {
        format!("\"{}\"", c.opt_level)
    };
    let lto = if c.lto == "off" {
        "false".to_owned()
    } else {
        format!("\"{}\"", c.lto)
    };
    let mut cmd = Command::new(&tc.cargo);
    cmd.current_dir(&tc.workspace);
    cmd.arg(if map.is_some() { "rustc" } else { "build" });
    cmd.arg("--manifest-path").arg(&a.manifest);
    cmd.args([
        "--lib",
        "--target",
        TARGET,
        "--profile",
        p,
        "--no-default-features",
    ]);
    if !v.features.is_empty() {
        cmd.arg("--features").arg(v.features.join(","));
    }
    for (k, val) in [
        ("inherits", "\"release\"".to_owned()),
        ("opt-level", opt),
        ("lto", lto),
        ("codegen-units", c.codegen_units.to_string()),
        ("debug", c.debug.to_string()),
        ("panic", format!("\"{}\"", c.panic)),
        ("strip", c.strip.to_string()),
    ] {
        cmd.arg("--config").arg(format!("profile.{p}.{k}={val}"));
    }
    cmd.env("HARNESS_PROFILE", v.budget_profile.as_str());
    // Always set, so cargo rebuilds when a slowed build and a real one share the target directory.
    let slowdown = tc
        .slowdown_pct
        .map(|p| (p.round() as u32).to_string())
        .unwrap_or_default();
    cmd.env("HARNESS_BUILT_SLOWDOWN_PCT", slowdown);
    cmd.env(
        "HARNESS_SIZE_PLANT",
        if tc.plant_size_growth { "1" } else { "" },
    );
    cmd.env(
        "HARNESS_PLANTED_FAULT",
        crate::adapter_crate::fault_number(tc.plant_fault.as_deref()),
    );
    cmd.env("HARNESS_ADAPTER_COMMIT", a.commit.as_deref().unwrap_or(""));
    cmd.env("HARNESS_CONFORMANCE", "");
    if let Some(map) = map {
        cmd.arg("--")
            .arg("-C")
            .arg(format!("link-arg=-Map={}", map.display()));
    }
    cmd
}

/// The browser target (the optimization policy's validator holds `target` to it).
const TARGET: &str = "wasm32-unknown-unknown";

/// Where cargo put the adapter's build: the checkout's `target/` as the toolchain names it (relative
/// when the checkout is the current directory), else the adapter's own workspace's.
fn target_dir(tc: &Toolchain, a: &AdapterCrate) -> PathBuf {
    let ours = crate::files::canonical(&tc.target).ok();
    if ours.is_some_and(|t| t == a.target_dir) {
        tc.target.clone()
    } else {
        a.target_dir.clone()
    }
}

/// The module a profile's build ships: `<dist>/<profile>/harness_bg.wasm` (wasm-bindgen `--out-name harness`).
pub fn module_path(dist: &Path, profile: Profile) -> PathBuf {
    dist.join(profile.as_str()).join("harness_bg.wasm")
}

/// Builds each requested profile into `dist/<profile>/` and returns what was built.
pub fn build(
    policy: &OptimizationPolicy,
    profiles: &[Profile],
    dist: &Path,
    tc: &Toolchain,
) -> Result<Vec<Built>> {
    let adapter = crate::adapter_crate::inspect(&tc.adapter, &tc.cargo, policy)?;
    eprintln!(
        "adapter: {} {} ({}{})",
        adapter.name,
        adapter.version,
        adapter.manifest.display(),
        adapter
            .commit
            .as_deref()
            .map(|c| format!(", commit {c}"))
            .unwrap_or_default()
    );
    let mut out = Vec::new();
    for profile in profiles {
        let v = policy
            .variant_for(*profile)
            .with_context(|| format!("the optimization policy has no variant for {profile}"))?;
        eprintln!("building {profile} ({} / {})", v.id, v.policy_profile);
        let mut log = Vec::new();
        run(
            cargo_command(tc, &adapter, v, None),
            &mut log,
            "see the compiler output above",
        )?;
        let linked = target_dir(tc, &adapter)
            .join(TARGET)
            .join(&v.policy_profile)
            .join(format!("{}.wasm", adapter.lib));
        let dir = dist.join(profile.as_str());
        let mut bindgen = Command::new(&tc.wasm_bindgen);
        bindgen
            .args([
                "--target",
                &policy.wasm_bindgen_target,
                "--out-name",
                "harness",
                "--out-dir",
            ])
            .arg(&dir);
        // The shipped module keeps the name section (symbolized stack traces) but not DWARF, which
        // stays in the linked module recorded as `debug_symbols` (DWARF would multiply full-dev's size).
        bindgen.arg(&linked);
        run(
            bindgen,
            &mut log,
            "install wasm-bindgen-cli matching Cargo.lock (ci/setup.sh does)",
        )?;
        let wasm = module_path(dist, *profile);
        if v.wasm_opt.level != WasmOptLevel::None {
            let tmp = dir.join("harness_bg.opt.wasm");
            let mut opt = Command::new(&tc.wasm_opt);
            opt.args(&v.wasm_opt.passes)
                .args(WASM_FEATURES)
                .arg(&wasm)
                .arg("-o")
                .arg(&tmp);
            run(opt, &mut log, "install npm's binaryen (ci/setup.sh does; Debian's binaryen 108 breaks the output)")?;
            crate::files::rename(&tmp, &wasm)?;
        }
        let bytes = crate::module_size::read_module(&wasm, *profile)?;
        let names = names_companion(tc, (policy, &adapter), v, &linked, &wasm);
        let conformance = build_conformance(tc, (policy, &adapter), v, &dir, &mut log)?;
        let built = Built {
            profile: *profile,
            variant: v.id.clone(),
            policy_profile: v.policy_profile.clone(),
            features: v.features.clone(),
            raw_bytes: bytes.len() as u64,
            gzip_bytes: crate::module_size::gzip9(&bytes)?.len() as u64,
            wasm,
            debug_symbols: linked,
            commands: log,
            injected_slowdown_pct: tc.slowdown_pct,
            names,
            planted_size_growth: tc.plant_size_growth,
            adapter: adapter.clone(),
            planted_fault: tc.plant_fault.clone(),
            conformance_module: conformance,
        };
        write_atomic(&dir.join("build.json"), &to_json_bytes(&built)?)?;
        out.push(built);
    }
    build_page_tools(dist, tc)?;
    Ok(out)
}

/// The cargo profile the conformance modules are built with.
const CONFORMANCE_PROFILE: &str = "wasm-conformance";

/// Builds the profile's conformance module into `<dir>/conformance/`: the variant's features, the suite
/// compiled in, a quick unoptimised build (semantics, not speed), wasm-bindgen, no wasm-opt.
fn build_conformance(
    tc: &Toolchain,
    (policy, adapter): Building<'_>,
    v: &Variant,
    dir: &Path,
    log: &mut Vec<String>,
) -> Result<PathBuf> {
    let quick = Variant {
        policy_profile: CONFORMANCE_PROFILE.into(),
        cargo: scenarios::policy::optimization::CargoSettings {
            opt_level: "1".into(),
            lto: "off".into(),
            codegen_units: 16,
            debug: false,
            panic: v.cargo.panic.clone(),
            strip: false,
        },
        ..v.clone()
    };
    let mut cargo = cargo_command(tc, adapter, &quick, None);
    cargo.env("HARNESS_CONFORMANCE", "1");
    run(cargo, log, "see the compiler output above")?;
    let linked = target_dir(tc, adapter)
        .join(TARGET)
        .join(CONFORMANCE_PROFILE)
        .join(format!("{}.wasm", adapter.lib));
    let out = dir.join("conformance");
    let mut bindgen = Command::new(&tc.wasm_bindgen);
    bindgen
        .args(["--target", &policy.wasm_bindgen_target])
        .args(["--out-name", "harness", "--out-dir"])
        .arg(&out)
        .arg(&linked);
    run(
        bindgen,
        log,
        "install wasm-bindgen-cli matching Cargo.lock (ci/setup.sh does)",
    )?;
    Ok(out.join("harness_bg.wasm"))
}

/// The page tools the developer page loads beside the measured module (`dist/page-tools/`): built
/// once per `build`, release, wasm-bindgen `--target web`; not a profile, so no size record.
pub fn build_page_tools(dist: &Path, tc: &Toolchain) -> Result<()> {
    eprintln!("building page-tools (release)");
    let mut log = Vec::new();
    let mut cargo = Command::new(&tc.cargo);
    cargo.current_dir(&tc.workspace);
    cargo.args(["build", "-p", "page-tools", "--target", TARGET, "--release"]);
    run(cargo, &mut log, "see the compiler output above")?;
    let linked = tc
        .target
        .join(TARGET)
        .join("release")
        .join("page_tools.wasm");
    let mut bindgen = Command::new(&tc.wasm_bindgen);
    bindgen
        .args(["--target", "web", "--out-name", "page_tools", "--out-dir"])
        .arg(dist.join("page-tools"))
        .arg(&linked);
    run(
        bindgen,
        &mut log,
        "install wasm-bindgen-cli matching Cargo.lock (ci/setup.sh does)",
    )
}

/// The steps the measured build ran after linking, for the names companion.
struct BuildSteps<'a> {
    tc: &'a Toolchain,
    policy: &'a OptimizationPolicy,
    variant: &'a Variant,
}

/// The policy and the adapter crate a build follows.
type Building<'a> = (&'a OptimizationPolicy, &'a AdapterCrate);

impl crate::names::Steps for BuildSteps<'_> {
    fn bindgen(&self, input: &Path, out_dir: &Path, mangled: bool) -> Result<PathBuf> {
        let mut cmd = Command::new(&self.tc.wasm_bindgen);
        if mangled {
            cmd.arg("--no-demangle");
        }
        cmd.args(["--target", &self.policy.wasm_bindgen_target])
            .args(["--out-name", "harness", "--out-dir"])
            .arg(out_dir)
            .arg(input);
        run(cmd, &mut Vec::new(), "wasm-bindgen for the names companion")?;
        Ok(out_dir.join("harness_bg.wasm"))
    }

    fn optimize(&self, input: &Path, output: &Path, map: &Path) -> Result<bool> {
        if self.variant.wasm_opt.level == WasmOptLevel::None {
            return Ok(false);
        }
        let mut cmd = Command::new(&self.tc.wasm_opt);
        cmd.args(&self.variant.wasm_opt.passes)
            .args(WASM_FEATURES)
            .arg(input)
            .arg("-o")
            .arg(output)
            .arg(format!("--symbolmap={}", map.display()));
        run(cmd, &mut Vec::new(), "wasm-opt for the names companion")?;
        Ok(true)
    }
}

/// Where the size attribution finds function names for a built module, in words: its own `name`
/// section, or a names companion in `<dir>/names/` (see `names.rs`), or why there is none.
fn names_companion(
    tc: &Toolchain,
    what: Building<'_>,
    v: &Variant,
    linked: &Path,
    wasm: &Path,
) -> String {
    match try_companion(tc, what, v, linked, wasm) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "  no names companion: {e:#} (the size attribution will go by function index)"
            );
            format!("none: {e:#}")
        }
    }
}

fn try_companion(
    tc: &Toolchain,
    (policy, adapter): Building<'_>,
    v: &Variant,
    linked: &Path,
    wasm: &Path,
) -> Result<String> {
    let read = |p: &Path| crate::files::read_bounded(p, crate::module_size::MAX_MODULE_BYTES);
    let bytes = read(wasm)?;
    if !crate::wasm_parts::parse(&bytes)?.names.is_empty() {
        return Ok("the module's own name section".into());
    }
    let dir = crate::names::companion_dir(wasm);
    crate::files::make_dir(&dir)?;
    let map = crate::files::canonical(&dir)?.join("linker.map");
    let before = read(linked)?;
    run(
        cargo_command(tc, adapter, v, Some(&map)),
        &mut Vec::new(),
        "relinking with a linker map for the names companion",
    )?;
    if read(linked)? != before {
        bail!("relinking with `-Map` changed the linked module");
    }
    let map_text = crate::files::read_text(&map, crate::module_size::MAX_MODULE_BYTES)?;
    let names = crate::names::from_linker_map(&map_text, &before)?;
    let steps = BuildSteps {
        tc,
        policy,
        variant: v,
    };
    let companion = crate::names::build_companion(linked, &names, wasm, &dir, &steps)?;
    Ok(format!(
        "companion {}: the measured module plus a name section; names from wasm-ld's -Map of the \
         linked module, carried through wasm-bindgen (its output with names byte-identical to its \
         output without, names aside) and wasm-opt's --symbolmap (wasm-opt run again wrote the \
         measured module byte for byte)",
        companion.display()
    ))
}
