//! `Session`: one browser under WebDriver, from driver start to close, with
//! a timeout on every call.

use std::future::Future;
use std::time::Duration;

use fantoccini::error::{CmdError, NewSessionError};
use fantoccini::wd::{Capabilities, TimeoutConfiguration};
use fantoccini::Client;
use serde_json::Value;
use tempfile::TempDir;

use crate::capabilities::{build_capabilities, BrowserTarget, CapabilityInputs};
use crate::cdp::{CdpExecute, RawStatus};
use crate::config::SessionConfig;
use crate::connect;
use crate::discover::{discover, DriverEnv, DriverLocation};
use crate::error::{Error, Result};
use crate::info::{self, BrowserInfo};
use crate::process::{driver_version, DriverProcess, KillHandle};
use crate::remote::{self, redact_url};

/// A live browser session.
///
/// Close it with [`Session::close`]. Dropping it instead still kills a local
/// driver and its browser (SIGKILL to the process group) and removes the
/// temporary profile, but cannot report errors or end a remote session
/// cleanly.
#[derive(Debug)]
pub struct Session {
    // Field order is drop order: client, then driver (kills the browser),
    // then the profile directory the browser was using.
    client: Option<Client>,
    config: SessionConfig,
    location: DriverLocation,
    url: String,
    capabilities: Capabilities,
    driver_version: Option<String>,
    cpu_throttle_rate: Option<f64>,
    /// The grid node running this session, when the endpoint is a Selenium Grid that says.
    node: Option<String>,
    driver: Option<DriverProcess>,
    profile: Option<TempDir>,
}

impl Session {
    /// Find the driver (see [`discover`]), start it if local, open a session
    /// with the target's capabilities, set WebDriver timeouts and, for the
    /// emulated Android target, apply CPU throttling through CDP.
    ///
    /// On any failure everything started so far is stopped again.
    pub async fn start(config: SessionConfig, env: &DriverEnv) -> Result<Self> {
        let kind = config.target.driver_kind();
        let location = discover(kind, config.remote_url.as_deref(), env)?;
        if let (BrowserTarget::AndroidReal { .. }, DriverLocation::Local { path, .. }) =
            (&config.target, &location)
        {
            return Err(Error::AndroidRealNeedsRemote {
                driver: path.clone(),
            });
        }
        let profile = profile_dir(&location, &config.target)?;
        let driver = match &location {
            DriverLocation::Local { path, .. } => Some(
                DriverProcess::spawn(
                    kind,
                    path,
                    config.startup_timeout,
                    profile.as_ref().map(TempDir::path),
                )
                .await?,
            ),
            DriverLocation::Remote { .. } => None,
        };
        let url = match (&driver, &location) {
            (Some(driver), _) => driver.url(),
            (None, DriverLocation::Remote { url, .. }) => url.clone(),
            (None, DriverLocation::Local { .. }) => String::new(),
        };
        let client = open_client(&config, &url, profile.as_ref(), driver.as_ref()).await?;
        let capabilities = client.capabilities().cloned().unwrap_or_default();
        let mut session = Session {
            client: Some(client),
            config,
            location,
            url,
            capabilities,
            driver_version: None,
            cpu_throttle_rate: None,
            node: None,
            driver,
            profile,
        };
        if let Err(err) = session.finish_start().await {
            let _ = session.shutdown().await;
            return Err(err);
        }
        Ok(session)
    }

    async fn finish_start(&mut self) -> Result<()> {
        let timeouts = TimeoutConfiguration::new(
            Some(self.config.script_timeout),
            Some(self.config.page_load_timeout),
            Some(Duration::ZERO),
        );
        let client = self.client()?.clone();
        self.call("set timeouts", self.config.command_timeout, async move {
            client.update_timeouts(timeouts).await
        })
        .await?;

        if let Some(rate) = self.config.target.emulation().map(|e| e.cpu_throttle_rate) {
            self.set_cpu_throttling_rate(rate).await?;
        }

        self.driver_version = self.discover_driver_version().await;
        if self.location.is_remote() {
            self.node = self.discover_node().await;
        }
        Ok(())
    }

    /// The grid node of a remote session (Selenium Grid GraphQL), if the endpoint says.
    async fn discover_node(&self) -> Option<String> {
        let client = self.client().ok()?.clone();
        let id = self
            .call("session id", self.config.command_timeout, async move {
                client.session_id().await
            })
            .await
            .ok()??;
        remote::grid_node(&self.url, &id).await
    }

    async fn discover_driver_version(&self) -> Option<String> {
        if let Some(version) = info::driver_version_from_capabilities(&self.capabilities) {
            return Some(version);
        }
        if let DriverLocation::Local { path, .. } = &self.location {
            if let Some(version) = driver_version(path).await {
                return Some(version);
            }
        }
        let client = self.client().ok()?.clone();
        let status = self
            .call("status", self.config.command_timeout, async move {
                client.issue_cmd(RawStatus).await
            })
            .await
            .ok()?;
        info::driver_version_from_status(&status)
    }

    fn client(&self) -> Result<&Client> {
        self.client
            .as_ref()
            .ok_or_else(|| Error::UnexpectedResponse {
                call: "session".to_owned(),
                detail: "the session has already been shut down".to_owned(),
            })
    }

    /// Output tail of the local driver formatted for an error message, with
    /// its exit status if it has died.
    fn log_for_error(&self) -> String {
        let Some(driver) = &self.driver else {
            return String::new();
        };
        match driver.exit_status() {
            Some(status) => format!(
                "\n{} has exited ({status}){}",
                driver.kind(),
                driver.log().for_error()
            ),
            None => driver.log().for_error(),
        }
    }

    /// Run one WebDriver call with a time limit; the error names the call.
    async fn call<T>(
        &self,
        name: &str,
        limit: Duration,
        fut: impl Future<Output = std::result::Result<T, CmdError>>,
    ) -> Result<T> {
        match tokio::time::timeout(limit, fut).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(source)) => Err(Error::command(name, source, self.log_for_error())),
            Err(_) => Err(Error::Timeout {
                call: name.to_owned(),
                after: limit,
                log: self.log_for_error(),
            }),
        }
    }

    /// Navigate to `url` and wait for it to load (page-load timeout plus the
    /// command timeout).
    pub async fn goto(&self, url: &str) -> Result<()> {
        let client = self.client()?.clone();
        let limit = self.config.page_load_timeout + self.config.command_timeout;
        let url = url.to_owned();
        self.call("goto", limit, async move { client.goto(&url).await })
            .await
    }

    /// The current page URL.
    pub async fn current_url(&self) -> Result<String> {
        let client = self.client()?.clone();
        self.call("current url", self.config.command_timeout, async move {
            client.current_url().await.map(String::from)
        })
        .await
    }

    /// Run synchronous JavaScript (`return ...;`) with `arguments` = `args`.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        let client = self.client()?.clone();
        let limit = self.config.script_timeout + self.config.command_timeout;
        let script = script.to_owned();
        self.call("execute", limit, async move {
            client.execute(&script, args).await
        })
        .await
    }

    /// Run asynchronous JavaScript: the last element of `arguments` is the
    /// completion callback. Bounded by the script timeout plus the command
    /// timeout.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        let client = self.client()?.clone();
        let limit = self.config.script_timeout + self.config.command_timeout;
        let script = script.to_owned();
        self.call("execute_async", limit, async move {
            client.execute_async(&script, args).await
        })
        .await
    }

    /// Change the WebDriver script timeout (and the matching call limit).
    pub async fn set_script_timeout(&mut self, limit: Duration) -> Result<()> {
        let client = self.client()?.clone();
        let timeouts = TimeoutConfiguration::new(Some(limit), None, None);
        self.call("set timeouts", self.config.command_timeout, async move {
            client.update_timeouts(timeouts).await
        })
        .await?;
        self.config.script_timeout = limit;
        Ok(())
    }

    /// Send a Chrome DevTools Protocol command through chromedriver's
    /// `goog/cdp/execute` passthrough. Chromium targets only.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        if self.config.target.driver_kind() != crate::DriverKind::Chromedriver {
            return Err(Error::NotChromium {
                what: "a CDP command",
                target: self.config.target.label(),
            });
        }
        let client = self.client()?.clone();
        let command = CdpExecute::new(cmd, params);
        self.call(
            &format!("cdp {cmd}"),
            self.config.command_timeout,
            async move { client.issue_cmd(command).await },
        )
        .await
    }

    /// Slow the CPU down by `rate` (1 = off) with
    /// `Emulation.setCPUThrottlingRate`; reported in [`BrowserInfo`].
    pub async fn set_cpu_throttling_rate(&mut self, rate: f64) -> Result<()> {
        let command = CdpExecute::cpu_throttling(rate);
        self.cdp(&command.cmd, command.params).await?;
        self.cpu_throttle_rate = (rate != 1.0).then_some(rate);
        Ok(())
    }

    /// Browser name and version, driver version, user agent and emulation
    /// details. Runs one script to read `navigator.userAgent`.
    pub async fn browser_info(&self) -> Result<BrowserInfo> {
        let ua = self.execute("return navigator.userAgent;", vec![]).await?;
        let user_agent = ua
            .as_str()
            .ok_or_else(|| Error::UnexpectedResponse {
                call: "execute navigator.userAgent".to_owned(),
                detail: format!("expected a string, got {ua}"),
            })?
            .to_owned();
        let (browser_name, browser_version) = info::browser_name_and_version(&self.capabilities);
        let emulation = self.config.target.emulation().cloned();
        Ok(BrowserInfo {
            target: self.config.target.label().to_owned(),
            browser_name,
            browser_version,
            driver: self.config.target.driver_kind().to_string(),
            driver_version: self.driver_version.clone(),
            user_agent,
            platform_name: info::platform_name(&self.capabilities),
            remote: self.location.is_remote(),
            endpoint: self.location.is_remote().then(|| redact_url(&self.url)),
            node: self.node.clone(),
            emulated: emulation.is_some() || self.cpu_throttle_rate.is_some(),
            emulation,
            cpu_throttle_rate: self.cpu_throttle_rate,
        })
    }

    /// The target this session runs.
    pub fn target(&self) -> &BrowserTarget {
        &self.config.target
    }

    /// Where the driver was found.
    pub fn location(&self) -> &DriverLocation {
        &self.location
    }

    /// The WebDriver base URL in use.
    pub fn webdriver_url(&self) -> &str {
        &self.url
    }

    /// Capabilities the driver returned for the new session.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// Process id (and process group id) of the local driver.
    pub fn driver_pid(&self) -> Option<u32> {
        self.driver.as_ref().map(DriverProcess::pid)
    }

    /// Buffered tail of the local driver's output.
    pub fn driver_log(&self) -> Option<String> {
        self.driver.as_ref().map(|d| d.log().contents())
    }

    /// A handle a Ctrl-C handler can use to kill the local driver and its
    /// browser immediately (`None` for remote sessions).
    pub fn kill_handle(&self) -> Option<KillHandle> {
        self.driver.as_ref().map(DriverProcess::kill_handle)
    }

    /// End the WebDriver session, stop the local driver (and so the browser)
    /// and remove the temporary profile. Cleanup always happens; the error
    /// reports a session that could not be ended cleanly (e.g. the browser
    /// had crashed).
    pub async fn close(mut self) -> Result<()> {
        self.shutdown().await
    }

    /// Like [`Session::close`] but usable through `&mut` (e.g. after a
    /// `tokio::select!` on Ctrl-C). Later calls on the session fail.
    pub async fn shutdown(&mut self) -> Result<()> {
        let mut outcome = Ok(());
        if let Some(client) = self.client.take() {
            outcome = self
                .call("close session", self.config.command_timeout, client.close())
                .await;
        }
        if let Some(driver) = self.driver.take() {
            driver.shutdown(self.config.shutdown_grace).await;
        }
        if let Some(profile) = self.profile.take() {
            // Best effort: a leftover temp dir is not worth failing over.
            let _ = profile.close();
        }
        outcome
    }
}

/// A fresh profile directory when the browser runs on this machine under a
/// local driver; remote drivers make their own.
fn profile_dir(location: &DriverLocation, target: &BrowserTarget) -> Result<Option<TempDir>> {
    match (location, target.runs_on_host()) {
        (DriverLocation::Local { .. }, true) => tempfile::Builder::new()
            .prefix("webdriver-profile-")
            .tempdir()
            .map(Some)
            .map_err(|source| Error::Profile { source }),
        _ => Ok(None),
    }
}

/// Opens the WebDriver session within the startup timeout; on failure the
/// local driver is stopped and the error carries its output tail.
async fn open_client(
    config: &SessionConfig,
    url: &str,
    profile: Option<&TempDir>,
    driver: Option<&DriverProcess>,
) -> Result<Client> {
    let browser_binary = config
        .browser_binary
        .as_deref()
        .filter(|_| config.target.runs_on_host());
    let requested = build_capabilities(
        &config.target,
        CapabilityInputs {
            browser_binary,
            profile_dir: profile.map(TempDir::path),
            extra: Some(&config.extra_capabilities),
        },
    );
    let opened =
        tokio::time::timeout(config.startup_timeout, connect::new_session(url, requested)).await;
    let log = || driver.map(|d| d.log().for_error()).unwrap_or_default();
    let stop = || async {
        if let Some(driver) = driver {
            driver.shutdown(config.shutdown_grace).await;
        }
    };
    let (target, remote) = (config.target.label(), driver.is_none());
    let url = redact_url(url);
    Err(match opened {
        Ok(Ok(client)) => return Ok(client),
        Ok(Err(source)) => {
            stop().await;
            Error::SessionNotCreated {
                target,
                fix: session_fix(&source, &config.target, remote),
                url,
                source: Box::new(source),
                log: log(),
            }
        }
        Err(_) => {
            let log = log();
            stop().await;
            Error::SessionStartTimeout {
                target,
                url,
                timeout: config.startup_timeout,
                fix: if remote {
                    "a remote endpoint queues the request until a matching slot is free: every slot may be busy (lower --jobs, add nodes, raise the grid's `session-request-timeout` and the startup timeout) or the node cannot launch the browser (read the node's log)"
                } else {
                    "the browser may be failing to launch (raise the startup timeout on slow machines)"
                },
                log,
            }
        }
    })
}

fn session_fix(source: &NewSessionError, target: &BrowserTarget, remote: bool) -> String {
    if remote {
        return match source {
            NewSessionError::BadWebdriverUrl(_) => {
                "check the WebDriver URL (scheme, host, port, path: a Selenium Grid answers at http://HOST:4444/ and /wd/hub/, Appium at http://HOST:4723/)".to_owned()
            }
            NewSessionError::Failed(_) | NewSessionError::FailedC(_) | NewSessionError::Lost(_) => {
                "the grid or remote endpoint is unreachable: check that it is running and reachable from here (`curl URL/status`), and the host, port and path".to_owned()
            }
            other => remote::refused_fix(&other.to_string(), target.label()),
        };
    }
    match source {
        NewSessionError::BadWebdriverUrl(_) => {
            "check the WebDriver URL (scheme, host, port, path)".to_owned()
        }
        NewSessionError::Failed(_) | NewSessionError::FailedC(_) | NewSessionError::Lost(_) => {
            "the WebDriver endpoint is unreachable or went away; check that it is running and reachable".to_owned()
        }
        NewSessionError::SessionNotCreated(_) => match target {
            BrowserTarget::Firefox => "check that Firefox is installed (or set the browser binary) and matches geckodriver".to_owned(),
            BrowserTarget::AndroidReal { .. } => "check that the device is connected (adb devices), Chrome is installed on it, and the serial is right".to_owned(),
            _ => "check that Chromium is installed (or set the browser binary) and that its major version matches chromedriver".to_owned(),
        },
        _ => "the endpoint may not speak W3C WebDriver".to_owned(),
    }
}
