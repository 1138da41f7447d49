//! One browser session per (environment, profile, host): open the host page, run its workloads and seeds (`ask`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;
use webdriver::{BrowserTarget, Capabilities, DriverEnv, EmulationProfile, Session, SessionConfig};

use scenarios::conformance::ConformanceReport;
use scenarios::fold::SessionInfo;
use scenarios::paired::TurnEnd;
use scenarios::wire::WireResult;
use scenarios::{Environment, Framework, Profile, Workload};

use super::ask::{cold_label, page_result, run_cold_seeds, run_seed, Job};
use super::conform;
use super::pair::{run_paired_cold, run_paired_seed, PairedAnswer};
use super::plan::SessionUnit;
use super::progress::Progress;
use crate::files::write_atomic;

const READY_JS: &str = include_str!("../../../www/webdriver/ready.js");

/// The wire results of one workload, one per seed, with where each was saved.
pub struct WorkloadResults {
    pub workload: Workload,
    /// The warm-up asked of the page.
    pub warmup: u32,
    pub results: Vec<WireResult>,
    pub paths: Vec<String>,
    /// A paired run's base answers and each seed's turn log, in the order of `results`.
    pub base: Option<BaseResults>,
}

/// The base build's wire results of one workload in a paired run.
pub struct BaseResults {
    pub results: Vec<WireResult>,
    pub paths: Vec<String>,
    pub turns: Vec<Vec<TurnEnd>>,
}

/// Everything measured in one session.
pub struct SessionResults {
    pub env: Environment,
    pub profile: Profile,
    pub framework: Framework,
    pub session: SessionInfo,
    pub workloads: Vec<WorkloadResults>,
    /// The adapter conformance suite's reports, one per seed, asked before anything was timed.
    pub conformance: Vec<ConformanceReport>,
    pub driver_log: Option<PathBuf>,
    /// How long the session took to start (a grid's queue and node included), and the whole unit.
    pub start_time: Duration,
    pub unit_time: Duration,
}

/// How every browser session of a run is opened, resolved from the command line.
#[derive(Debug, Clone, Default)]
pub struct SessionSettings {
    pub android_real: bool,
    pub android_serial: Option<String>,
    pub cpu_throttle: f64,
    pub startup_timeout: Duration,
    pub scenario_timeout: Duration,
    pub chromium_binary: Option<PathBuf>,
    pub firefox_binary: Option<PathBuf>,
    /// A remote WebDriver endpoint (a Selenium Grid) instead of a local driver; may carry the
    /// credentials from the environment, so it is never printed or recorded as is.
    pub webdriver_url: Option<String>,
    /// Extra capabilities merged into `alwaysMatch` (`--capabilities`, `--capability`).
    pub capabilities: Capabilities,
    /// Measure a page that is not cross-origin isolated instead of failing closed.
    pub allow_not_isolated: bool,
    /// The driver discovery variables (`CHROMEDRIVER`, `*_REMOTE`, `PATH`…), read once per run.
    pub driver_env: DriverEnv,
    /// Each session runs the adapter conformance suite and nothing else (`collector check-adapter`);
    /// otherwise a session runs it first and refuses to time an adapter that fails it.
    pub conformance_only: bool,
}

/// The WebDriver target of an environment.
pub fn target(env: Environment, args: &SessionSettings) -> Result<BrowserTarget> {
    Ok(match env {
        Environment::DesktopChromium => BrowserTarget::Chromium,
        Environment::DesktopFirefox => BrowserTarget::Firefox,
        Environment::MobileAndroid if args.android_real => BrowserTarget::AndroidReal {
            device_serial: args.android_serial.clone(),
        },
        Environment::MobileAndroid => BrowserTarget::AndroidEmulated(
            EmulationProfile::mid_tier_phone().with_cpu_throttle_rate(args.cpu_throttle),
        ),
        Environment::Build => bail!("`build` is not a browser environment"),
    })
}

/// The host page of a framework: vanilla-js is `www/`; the others are built by `ci/build-hosts.sh`
/// into `<dist>/hosts/<framework>/`.
pub fn host_path(framework: Framework) -> String {
    match framework {
        Framework::VanillaJs => "/".to_owned(),
        other => format!("/dist/hosts/{other}/"),
    }
}

fn fix_for(env: Environment, remote: bool) -> &'static str {
    if remote {
        return "the remote endpoint is named above: check the grid or farm (its /status, its nodes' browsers and logs), not local packages";
    }
    match env {
        Environment::DesktopFirefox => "check that firefox-esr and geckodriver are installed (ci/setup.sh) or set GECKODRIVER=/path",
        _ => "check that chromium and chromium-driver are installed (ci/setup.sh) or set CHROMEDRIVER=/path",
    }
}

/// What the grid's `/status` says about a session that did not start in time (no slot, or all busy).
async fn grid_hint(
    args: &SessionSettings,
    kind: webdriver::DriverKind,
    asked: &Capabilities,
) -> Option<String> {
    let webdriver::DriverLocation::Remote { url, .. } =
        webdriver::discover(kind, args.webdriver_url.as_deref(), &args.driver_env).ok()?
    else {
        return None;
    };
    webdriver::slot_hint(&webdriver::grid_status(&url).await?, asked)
}

/// What every session of a run shares.
pub struct Ctx<'a> {
    pub iterations: u32,
    pub slowdown_pct: Option<f64>,
    pub seeds: &'a [u64],
    pub settings: &'a SessionSettings,
    /// The harness server's origin as browsers open it (`--public-origin` or `http(s)://ADDR:PORT`).
    pub origin: &'a str,
    /// Where wire results and driver logs of this run go.
    pub raw_dir: &'a Path,
    /// The base build is served at `/base/` and measured beside each step (`run --against`).
    pub paired: bool,
}

/// Opens a session, runs one unit's workloads and seeds, and closes the session.
pub async fn measure(
    ctx: &Ctx<'_>,
    unit: &SessionUnit,
    progress: &Progress,
) -> Result<SessionResults> {
    let raw_dir = ctx.raw_dir;
    let (env, profile, framework) = (unit.env, unit.profile, unit.framework);
    let began = Instant::now();
    let session = open_session(ctx.settings, unit).await?;
    let start_time = began.elapsed();
    let out = run_in(&session, ctx, unit, progress).await;
    let log = session.driver_log();
    let closed = session.close().await;
    let driver_log = match log {
        Some(text) => {
            let p = raw_dir.join(format!("{env}-{profile}-{framework}-driver.log"));
            write_atomic(&p, text.as_bytes())?;
            Some(p)
        }
        None => None,
    };
    let (session_info, workloads, conformance) = match out {
        Ok(v) => v,
        Err(e) => {
            let hint = driver_log
                .as_ref()
                .map(|p| format!(" (driver log: {})", p.display()))
                .unwrap_or_default();
            return Err(e.context(format!("{env} {profile} {framework} failed{hint}")));
        }
    };
    closed.with_context(|| {
        format!("{env} {profile} {framework}: closing the browser session failed")
    })?;
    Ok(SessionResults {
        env,
        profile,
        framework,
        session: session_info,
        workloads,
        conformance,
        driver_log,
        start_time,
        unit_time: began.elapsed(),
    })
}

/// Starts the unit's browser session; a failure says where to look (a local package, or the grid's own
/// `/status`: no slot, all slots busy, or a node that failed to start the browser).
async fn open_session(args: &SessionSettings, unit: &SessionUnit) -> Result<Session> {
    let (env, profile, framework) = (unit.env, unit.profile, unit.framework);
    let mut config = SessionConfig::new(target(env, args)?)
        .startup_timeout(args.startup_timeout)
        .script_timeout(args.scenario_timeout)
        .command_timeout(Duration::from_secs(60));
    config.extra_capabilities = args.capabilities.clone();
    let binary = match env {
        Environment::DesktopFirefox => args.firefox_binary.clone(),
        _ => args.chromium_binary.clone(),
    };
    if let Some(b) = binary {
        config = config.browser_binary(b);
    }
    if let Some(url) = &args.webdriver_url {
        config = config.remote_url(url.clone());
    }
    let driver_env = &args.driver_env;
    let kind = config.target.driver_kind();
    let remote = webdriver::discover(kind, args.webdriver_url.as_deref(), driver_env)
        .is_ok_and(|l| l.is_remote());
    let asked = webdriver::build_capabilities(
        &config.target,
        webdriver::CapabilityInputs {
            browser_binary: None,
            profile_dir: None,
            extra: Some(&config.extra_capabilities),
        },
    );
    match Session::start(config, driver_env).await {
        Ok(s) => Ok(s),
        Err(e) => {
            let grid = match (&e, remote) {
                (webdriver::Error::SessionStartTimeout { .. }, true) => {
                    grid_hint(args, kind, &asked).await
                }
                _ => None,
            };
            Err(anyhow::Error::from(e).context(format!(
                "{env} {profile} {framework}: the browser session did not start; {}",
                grid.as_deref().unwrap_or(fix_for(env, remote))
            )))
        }
    }
}

async fn run_in(
    session: &Session,
    ctx: &Ctx<'_>,
    unit: &SessionUnit,
    progress: &Progress,
) -> Result<Ran> {
    let (env, profile, framework) = (unit.env, unit.profile, unit.framework);
    let session_info = open_page(session, ctx, env, profile, framework).await?;
    let conformance = conform::in_page(session, ctx.seeds, unit, ctx.raw_dir).await?;
    if ctx.settings.conformance_only {
        return Ok((session_info, Vec::new(), conformance));
    }
    conform::refuse(&conformance, unit)?;
    let mut out = Vec::new();
    for (w, seeds) in &unit.work {
        let jobs = seeds.iter().map(|&seed| Job {
            env,
            profile,
            framework,
            workload: w.workload,
            warmup: w.warmup,
            seed,
            iterations: ctx.iterations,
            slowdown_pct: ctx.slowdown_pct,
        });
        let jobs: Vec<Job> = jobs.collect();
        let (results, paths, base) = run_steps(session, ctx, &jobs, progress).await?;
        out.push(WorkloadResults {
            workload: w.workload,
            warmup: w.warmup,
            results,
            paths,
            base,
        });
    }
    Ok((session_info, out, conformance))
}

/// What one session gave: who the browser was, each workload's results, the conformance reports.
type Ran = (SessionInfo, Vec<WorkloadResults>, Vec<ConformanceReport>);

/// One workload's seeds (cold start's in one call, the page taking their frames in turns), in seed
/// order; in a paired run each step asks both builds (`pair`) and the base's answers come along.
async fn run_steps(
    session: &Session,
    ctx: &Ctx<'_>,
    jobs: &[Job],
    progress: &Progress,
) -> Result<(Vec<WireResult>, Vec<String>, Option<BaseResults>)> {
    let mut done: Vec<PairedAnswer> = Vec::new();
    if jobs
        .first()
        .is_some_and(|j| j.workload == Workload::ColdStart)
    {
        let label = cold_label(jobs);
        let started = progress.start(&label);
        done = if ctx.paired {
            run_paired_cold(session, jobs, ctx.raw_dir).await?
        } else {
            let got = run_cold_seeds(session, jobs, ctx.raw_dir).await?;
            got.into_iter().map(unpaired).collect()
        };
        progress.finish_steps(&label, started, jobs.len() as u64);
    } else {
        for job in jobs {
            let label = job.label();
            let started = progress.start(&label);
            done.push(if ctx.paired {
                run_paired_seed(session, job, ctx.raw_dir).await?
            } else {
                unpaired(run_seed(session, job, ctx.raw_dir).await?)
            });
            progress.finish_step(&label, started);
        }
    }
    done.sort_by_key(|a| ctx.seeds.iter().position(|s| *s == a.candidate.0.seed));
    let (mut results, mut paths) = (Vec::new(), Vec::new());
    let mut base = BaseResults {
        results: Vec::new(),
        paths: Vec::new(),
        turns: Vec::new(),
    };
    for a in done {
        results.push(a.candidate.0);
        paths.push(a.candidate.1.display().to_string());
        if let Some((wire, path)) = a.base {
            base.results.push(wire);
            base.paths.push(path.display().to_string());
            base.turns.push(a.turns);
        }
    }
    Ok((results, paths, ctx.paired.then_some(base)))
}

/// An unpaired answer in the shape the step loop keeps.
fn unpaired(candidate: (WireResult, PathBuf)) -> PairedAnswer {
    PairedAnswer {
        candidate,
        base: None,
        turns: Vec::new(),
    }
}

/// Opens the host page, waits until the harness is ready, and reads who the browser is.
async fn open_page(
    session: &Session,
    ctx: &Ctx<'_>,
    env: Environment,
    profile: Profile,
    framework: Framework,
) -> Result<SessionInfo> {
    let page = format!("{}{}?profile={profile}", ctx.origin, host_path(framework));
    session
        .goto(&page)
        .await
        .with_context(|| format!("cannot open {page}"))?;
    let ready = session
        .execute_async(READY_JS, vec![])
        .await
        .map_err(anyhow::Error::from)
        .and_then(page_result)
        .with_context(|| format!("the harness page {page} did not load; open it in a browser and read the console (was `collector build` run for {profile}?)"))?;
    let info = session
        .browser_info()
        .await
        .context("cannot read the browser's identity")?;
    let device = match (env, info.emulated) {
        (Environment::MobileAndroid, true) => "emulated",
        (Environment::MobileAndroid, false) => "real",
        _ => "desktop",
    };
    let isolated = ready
        .get("cross_origin_isolated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !isolated {
        if !ctx.settings.allow_not_isolated {
            bail!("{env} {profile}: {page} is not cross-origin isolated (the timer tick is coarse, figures would not be comparable): a page opened by another machine needs a secure context — serve HTTPS (--tls-cert/--tls-key with --public-origin https://HOST:PORT) or route the device's localhost to this server (adb reverse); --allow-not-isolated measures anyway and labels the records");
        }
        eprintln!("warning: {env} {profile}: the page is not cross-origin isolated; measuring anyway (--allow-not-isolated), the records say cross_origin_isolated: false");
    }
    Ok(SessionInfo {
        browser: info.browser_name,
        browser_version: info.browser_version,
        driver_version: info.driver_version.unwrap_or_else(|| "unknown".into()),
        device: device.to_owned(),
        cpu_throttle_rate: info.cpu_throttle_rate,
        endpoint: info.endpoint,
        platform: info.platform_name,
        node: info.node,
    })
}
