//! `SessionConfig`: what to start and how long each step may take.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::wd::Capabilities;

use crate::capabilities::BrowserTarget;

/// Everything [`crate::Session::start`] needs besides the environment.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Browser environment to start.
    pub target: BrowserTarget,
    /// A W3C WebDriver endpoint to use instead of a local driver (Selenium
    /// Grid 4, Appium, a device farm, a chromedriver started elsewhere).
    pub remote_url: Option<String>,
    /// Browser binary; ignored for `android-real`.
    pub browser_binary: Option<PathBuf>,
    /// Extra top-level capabilities merged into the request.
    pub extra_capabilities: Capabilities,
    /// Limit for the local driver to become ready, and separately for the
    /// new-session request (browser launch).
    pub startup_timeout: Duration,
    /// Limit for each ordinary WebDriver call.
    pub command_timeout: Duration,
    /// WebDriver script timeout; `execute*` calls get this plus
    /// `command_timeout`.
    pub script_timeout: Duration,
    /// WebDriver page-load timeout; `goto` gets this plus `command_timeout`.
    pub page_load_timeout: Duration,
    /// How long the driver gets to exit after SIGTERM before the group is
    /// killed.
    pub shutdown_grace: Duration,
}

impl SessionConfig {
    /// Defaults: local discovery, startup 90 s, calls 30 s, scripts 120 s,
    /// page loads 60 s, shutdown grace 5 s.
    pub fn new(target: BrowserTarget) -> Self {
        Self {
            target,
            remote_url: None,
            browser_binary: None,
            extra_capabilities: Capabilities::new(),
            startup_timeout: Duration::from_secs(90),
            command_timeout: Duration::from_secs(30),
            script_timeout: Duration::from_secs(120),
            page_load_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(5),
        }
    }

    /// Use a remote WebDriver endpoint.
    pub fn remote_url(mut self, url: impl Into<String>) -> Self {
        self.remote_url = Some(url.into());
        self
    }

    /// Use a specific browser binary.
    pub fn browser_binary(mut self, path: impl Into<PathBuf>) -> Self {
        self.browser_binary = Some(path.into());
        self
    }

    /// Set the per-call timeout.
    pub fn command_timeout(mut self, limit: Duration) -> Self {
        self.command_timeout = limit;
        self
    }

    /// Set the startup timeout.
    pub fn startup_timeout(mut self, limit: Duration) -> Self {
        self.startup_timeout = limit;
        self
    }

    /// Set the script timeout.
    pub fn script_timeout(mut self, limit: Duration) -> Self {
        self.script_timeout = limit;
        self
    }

    /// Set the page-load timeout.
    pub fn page_load_timeout(mut self, limit: Duration) -> Self {
        self.page_load_timeout = limit;
        self
    }

    /// Add one extra top-level capability.
    pub fn capability(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra_capabilities.insert(key.into(), value);
        self
    }
}
