//! What a session reports about its browser: `BrowserInfo` and the pure
//! helpers that read it out of capabilities and `/status` payloads.

use fantoccini::wd::Capabilities;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::capabilities::EmulationProfile;

/// Identity of the browser environment a session runs in, for reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrowserInfo {
    /// Target label (`chromium`, `firefox`, `android-emulated`, `android-real`).
    pub target: String,
    /// `browserName` from the session's capabilities (chromedriver says
    /// `chrome` for Chromium too).
    pub browser_name: String,
    /// `browserVersion` from the session's capabilities (`unknown` if absent).
    pub browser_version: String,
    /// `chromedriver` or `geckodriver`.
    pub driver: String,
    /// Driver version from capabilities, `--version` or `/status`.
    pub driver_version: Option<String>,
    /// `navigator.userAgent` as the page sees it.
    pub user_agent: String,
    /// `platformName` from the session's capabilities.
    pub platform_name: Option<String>,
    /// True when the session talks to a remote WebDriver endpoint.
    pub remote: bool,
    /// The remote endpoint, credentials redacted (`None` for a local driver).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The grid node running the session, when the grid says.
    #[serde(default)]
    pub node: Option<String>,
    /// True when any part of the environment is simulated (device
    /// emulation or CPU throttling).
    pub emulated: bool,
    /// The emulation profile, for emulated targets.
    pub emulation: Option<EmulationProfile>,
    /// CPU throttle rate applied through CDP, if any.
    pub cpu_throttle_rate: Option<f64>,
}

/// `(browserName, browserVersion)`; the legacy `version` key is accepted.
pub fn browser_name_and_version(caps: &Capabilities) -> (String, String) {
    let text = |key: &str| caps.get(key).and_then(Value::as_str).map(str::to_owned);
    (
        text("browserName").unwrap_or_else(|| "unknown".to_owned()),
        text("browserVersion")
            .or_else(|| text("version"))
            .unwrap_or_else(|| "unknown".to_owned()),
    )
}

/// `platformName` from capabilities.
pub fn platform_name(caps: &Capabilities) -> Option<String> {
    caps.get("platformName")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Driver version as the driver reports it in the new-session capabilities
/// (`chrome.chromedriverVersion`, `moz:geckodriverVersion`).
pub fn driver_version_from_capabilities(caps: &Capabilities) -> Option<String> {
    caps.get("chrome")
        .and_then(|chrome| chrome.get("chromedriverVersion"))
        .or_else(|| caps.get("moz:geckodriverVersion"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Driver version from a `/status` `value` object (`build.version`, as
/// chromedriver and Selenium report it).
pub fn driver_version_from_status(value: &Value) -> Option<String> {
    let value = value.get("value").unwrap_or(value);
    value
        .pointer("/build/version")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn caps(v: Value) -> Capabilities {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn reads_chromedriver_capabilities() {
        let c = caps(json!({
            "browserName": "chrome",
            "browserVersion": "156.0.8078.108",
            "platformName": "linux",
            "chrome": {"chromedriverVersion": "156.0.8078.108 (730482a9)"}
        }));
        assert_eq!(
            browser_name_and_version(&c),
            ("chrome".into(), "156.0.8078.108".into())
        );
        assert_eq!(platform_name(&c).as_deref(), Some("linux"));
        assert_eq!(
            driver_version_from_capabilities(&c).as_deref(),
            Some("156.0.8078.108 (730482a9)")
        );
    }

    #[test]
    fn reads_geckodriver_capabilities() {
        let c = caps(json!({
            "browserName": "firefox",
            "browserVersion": "153.7.0",
            "moz:geckodriverVersion": "0.36.0"
        }));
        assert_eq!(browser_name_and_version(&c).1, "153.7.0");
        assert_eq!(
            driver_version_from_capabilities(&c).as_deref(),
            Some("0.36.0")
        );
    }

    #[test]
    fn missing_fields_are_unknown() {
        let c = caps(json!({ "version": "1.2" }));
        assert_eq!(
            browser_name_and_version(&c),
            ("unknown".into(), "1.2".into())
        );
        assert_eq!(driver_version_from_capabilities(&c), None);
    }

    #[test]
    fn reads_status_build_version() {
        let status = json!({"value": {"ready": true, "build": {"version": "4.21.0"}}});
        assert_eq!(
            driver_version_from_status(&status).as_deref(),
            Some("4.21.0")
        );
        let inner = json!({"ready": true, "build": {"version": "156.0"}});
        assert_eq!(driver_version_from_status(&inner).as_deref(), Some("156.0"));
        assert_eq!(driver_version_from_status(&json!({"ready": true})), None);
    }
}
