//! The remote endpoints of a run's sessions: parallel sessions only on remote endpoints, and a warning
//! when a Selenium Grid node would cut a scenario before `--scenario-timeout` does.

use anyhow::{bail, Result};
use webdriver::discover;

use super::browser::{target, SessionSettings};
use super::plan::Plan;

/// `--jobs N` above 1 only when every planned environment resolves to a remote endpoint: parallel
/// sessions on this machine would measure each other.
pub fn check_jobs(jobs: u32, plan: &Plan, settings: &SessionSettings) -> Result<()> {
    if jobs <= 1 {
        return Ok(());
    }
    let env = &settings.driver_env;
    for e in &plan.environments {
        let kind = target(*e, settings)?.driver_kind();
        let remote = discover(kind, settings.webdriver_url.as_deref(), env)
            .map(|l| l.is_remote())
            .unwrap_or(false);
        if !remote {
            bail!("--jobs {jobs}: {e} would run on a local {kind} on this machine, where parallel sessions distort each other's timings; use --jobs 1 here, or point --webdriver-url (or {}_REMOTE) at a Selenium Grid or device farm", kind.to_string().to_ascii_uppercase());
        }
    }
    Ok(())
}

/// Warns when a Selenium Grid node's own `session-timeout` is shorter than `--scenario-timeout`: the grid
/// would cut a long scenario first, and the fix is the grid's setting, not the collector's.
pub async fn warn_grid_timeouts(plan: &Plan, settings: &SessionSettings) {
    let env = &settings.driver_env;
    let mut seen = Vec::new();
    for e in &plan.environments {
        let Ok(kind) = target(*e, settings).map(|t| t.driver_kind()) else {
            continue;
        };
        if let Ok(webdriver::DriverLocation::Remote { url, .. }) =
            discover(kind, settings.webdriver_url.as_deref(), env)
        {
            if !seen.contains(&url) {
                seen.push(url);
            }
        }
    }
    for url in seen {
        for (node, limit) in webdriver::grid_node_timeouts(&url).await {
            if limit < settings.scenario_timeout {
                eprintln!("warning: grid node {node} has session-timeout {}s, shorter than --scenario-timeout {}s: the grid cuts any call longer than that; raise the node's session-timeout (TOML [node] session-timeout) to at least {}s",
                    limit.as_secs(), settings.scenario_timeout.as_secs(), settings.scenario_timeout.as_secs());
            }
        }
    }
}
