//! The crate's error type: every variant says what failed and the likely fix.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::error::{CmdError, NewSessionError};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while finding, starting, driving or stopping
/// a browser session.
///
/// Fields named `log` hold the tail of the local driver's output (empty for
/// remote drivers), already formatted to be appended to the message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No driver binary was found through the environment or `PATH`.
    #[error("{driver} not found (looked at {looked}): {fix}")]
    DriverNotFound {
        /// `chromedriver` or `geckodriver`.
        driver: &'static str,
        /// Where discovery looked, in order.
        looked: String,
        /// How to fix it.
        fix: String,
    },

    /// An environment variable names a driver path that is not an executable file.
    #[error("{var}={path:?} does not point to an executable {driver}: {fix}")]
    DriverPathInvalid {
        /// `chromedriver` or `geckodriver`.
        driver: &'static str,
        /// The variable that named the path.
        var: &'static str,
        /// The path it named.
        path: PathBuf,
        /// How to fix it.
        fix: String,
    },

    /// A remote WebDriver URL could not be used.
    #[error("invalid WebDriver URL {url:?} (from {origin}): {reason}; expected something like http://127.0.0.1:4444/ or http://grid:4444/wd/hub")]
    BadRemoteUrl {
        /// The URL as given.
        url: String,
        /// Where it came from (option or variable name).
        origin: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A browser target name could not be parsed.
    #[error("unknown browser target {given:?}: expected one of chromium, firefox, android-emulated, android-real")]
    UnknownTarget {
        /// The name as given.
        given: String,
    },

    /// Real-device Android needs a remote endpoint that owns the device.
    #[error("the android-real target needs a remote WebDriver URL (an Appium server, a device farm, or a chromedriver next to adb), but the driver resolved to the local binary {driver:?}: pass a remote URL or set CHROMEDRIVER_REMOTE")]
    AndroidRealNeedsRemote {
        /// The local driver that discovery found instead.
        driver: PathBuf,
    },

    /// Chromium-only functionality was requested on another browser.
    #[error("{what} needs a Chromium-based target (chromedriver), but this session is {target}")]
    NotChromium {
        /// What was requested.
        what: &'static str,
        /// The session's target label.
        target: &'static str,
    },

    /// Reserving a free loopback port for the driver failed.
    #[error("could not reserve a free port on 127.0.0.1 for the driver: {source}; check that the loopback interface is up")]
    PortReservation {
        /// The bind error.
        source: std::io::Error,
    },

    /// The driver process could not be started.
    #[error("failed to start {driver} from {path:?}: {source}; check that the file is an executable {driver} for this machine")]
    DriverSpawn {
        /// `chromedriver` or `geckodriver`.
        driver: &'static str,
        /// The binary that was executed.
        path: PathBuf,
        /// The spawn error.
        source: std::io::Error,
    },

    /// The driver process exited before it answered `GET /status`.
    #[error("{driver} exited before becoming ready ({status}); is it compatible with the installed browser?{log}")]
    DriverExited {
        /// `chromedriver` or `geckodriver`.
        driver: &'static str,
        /// The exit status.
        status: String,
        /// Driver output tail.
        log: String,
    },

    /// The driver process did not answer `GET /status` in time.
    #[error("{driver} did not report ready on 127.0.0.1:{port} within {timeout:?}; the machine may be overloaded (raise the startup timeout) or the driver is stuck{log}")]
    DriverNotReady {
        /// `chromedriver` or `geckodriver`.
        driver: &'static str,
        /// The port it was told to listen on.
        port: u16,
        /// How long we waited.
        timeout: Duration,
        /// Driver output tail.
        log: String,
    },

    /// The temporary browser profile directory could not be created.
    #[error("could not create a temporary browser profile directory: {source}; check that TMPDIR is writable")]
    Profile {
        /// The I/O error.
        source: std::io::Error,
    },

    /// The HTTP client for the WebDriver connection could not be built.
    #[error("could not set up the WebDriver HTTP client: {source}")]
    HttpClient {
        /// The underlying error.
        source: std::io::Error,
    },

    /// The WebDriver endpoint refused or failed to create a session.
    #[error("could not start a {target} session at {url}: {source}; {fix}{log}")]
    SessionNotCreated {
        /// The target label.
        target: &'static str,
        /// The WebDriver URL.
        url: String,
        /// The fantoccini error.
        source: Box<NewSessionError>,
        /// Likely fix.
        fix: String,
        /// Driver output tail.
        log: String,
    },

    /// Creating the session took longer than the startup timeout.
    #[error("starting a {target} session at {url} did not finish within {timeout:?}; {fix}{log}")]
    SessionStartTimeout {
        /// The target label.
        target: &'static str,
        /// The WebDriver URL (credentials redacted).
        url: String,
        /// How long we waited.
        timeout: Duration,
        /// Likely fix (local launch vs a remote queue).
        fix: &'static str,
        /// Driver output tail.
        log: String,
    },

    /// A WebDriver call did not complete in time.
    #[error("WebDriver call `{call}` timed out after {after:?}; the page or browser hung or crashed (raise the timeout if the work is legitimately long){log}")]
    Timeout {
        /// Name of the call.
        call: String,
        /// The limit that expired.
        after: Duration,
        /// Driver output tail.
        log: String,
    },

    /// A WebDriver call returned an error.
    #[error("WebDriver call `{call}` failed: {source}{hint}{log}")]
    Command {
        /// Name of the call.
        call: String,
        /// The fantoccini error.
        source: Box<CmdError>,
        /// Interpretation of the error, if any (starts with "; ").
        hint: &'static str,
        /// Driver output tail.
        log: String,
    },

    /// A WebDriver call returned something this crate cannot interpret.
    #[error("unexpected response to `{call}`: {detail}")]
    UnexpectedResponse {
        /// Name of the call.
        call: String,
        /// What was wrong.
        detail: String,
    },
}

impl Error {
    /// Build [`Error::Command`], adding a hint for errors that mean the
    /// browser or driver went away.
    pub(crate) fn command(call: impl Into<String>, source: CmdError, log: String) -> Self {
        let hint = crash_hint(&source);
        Error::Command {
            call: call.into(),
            source: Box::new(source),
            hint,
            log,
        }
    }

    /// True if the error means the browser or its driver is gone (crash,
    /// killed, session deleted); the session should be closed.
    pub fn is_session_lost(&self) -> bool {
        match self {
            Error::Command { source, .. } => !crash_hint(source).is_empty(),
            Error::Timeout { .. } => true,
            _ => false,
        }
    }
}

fn crash_hint(source: &CmdError) -> &'static str {
    const HINT: &str =
        "; the browser or its driver probably crashed or was closed, end the session";
    if matches!(
        source,
        CmdError::Lost(_) | CmdError::Failed(_) | CmdError::FailedC(_)
    ) {
        return HINT;
    }
    let text = source.to_string().to_ascii_lowercase();
    let lost = [
        "invalid session id",
        "not reachable",
        "session deleted",
        "crash",
        "disconnected",
        "no such window",
        "tried to run command without establishing a connection",
        // geckodriver's word for a Firefox that died under it.
        "failed to decode response from marionette",
    ];
    if lost.iter().any(|needle| text.contains(needle)) {
        HINT
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lost(message: &str) -> bool {
        let e = Error::command(
            "execute_async",
            CmdError::NotW3C(serde_json::Value::String(message.to_owned())),
            String::new(),
        );
        e.is_session_lost()
    }

    #[test]
    fn a_firefox_crash_is_a_lost_session_not_a_timeout() {
        assert!(lost(
            "unknown error: Failed to decode response from marionette"
        ));
        assert!(lost("invalid session id"));
        assert!(!lost("javascript error: x is not defined"));
    }
}
