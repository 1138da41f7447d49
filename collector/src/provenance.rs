//! Where a figure came from: the git commit and the exact command line.

use std::process::Command;

/// `--commit`, else `$GITHUB_SHA`, else `git rev-parse HEAD`, else `unknown` (never invented).
pub fn commit(explicit: Option<&str>) -> String {
    if let Some(c) = explicit {
        return c.to_owned();
    }
    if let Ok(c) = std::env::var("GITHUB_SHA") {
        if !c.is_empty() {
            return c;
        }
    }
    Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The CI run these results belong to: `explicit`, else the CI's own run id (a retry keeps it), else none.
pub fn run_id(explicit: Option<&str>) -> Option<String> {
    if let Some(id) = explicit {
        return Some(id.to_owned());
    }
    ["GITHUB_RUN_ID", "CI_PIPELINE_ID", "BUILDKITE_BUILD_ID"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
}

/// The command line as typed, each argument shell-quoted when it needs it.
pub fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Now, as RFC 3339 UTC seconds.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
