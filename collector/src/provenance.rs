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

/// The command line as typed, each argument shell-quoted when it needs it, with credentials redacted: a
/// URL's user info and secret-looking query values, and the value of every `--capability KEY=JSON`.
pub fn command_line() -> String {
    redacted_args(std::env::args())
        .into_iter()
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

fn redacted_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in args {
        let after_capability = out.last().is_some_and(|p| p == "--capability");
        let redacted = if after_capability {
            redact_capability(&a)
        } else if let Some(v) = a.strip_prefix("--capability=") {
            format!("--capability={}", redact_capability(v))
        } else if a.contains("://") {
            match a.split_once('=') {
                Some((flag, url)) if flag.starts_with("--") => {
                    format!("{flag}={}", webdriver::redact_url(url))
                }
                _ => webdriver::redact_url(&a),
            }
        } else {
            a
        };
        out.push(redacted);
    }
    out
}

fn redact_capability(kv: &str) -> String {
    match kv.split_once('=') {
        Some((k, _)) => format!("{k}=REDACTED"),
        None => "REDACTED".to_owned(),
    }
}

/// Now, as RFC 3339 UTC seconds.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::redacted_args;

    #[test]
    fn credentials_never_reach_the_recorded_command() {
        let args = [
            "collector",
            "run",
            "--webdriver-url",
            "https://alice:s3cr3t@hub.example/wd/hub",
            "--capability",
            "bstack:options={\"accessKey\":\"s3cr3t\"}",
            "--capability=x=s3cr3t",
            "--public-origin=https://bench.lan:8443",
        ]
        .map(String::from);
        let got = redacted_args(args).join(" ");
        assert!(!got.contains("s3cr3t"), "{got}");
        assert!(got.contains("https://REDACTED@hub.example/wd/hub"), "{got}");
        assert!(
            got.contains("--public-origin=https://bench.lan:8443/"),
            "{got}"
        );
    }
}
