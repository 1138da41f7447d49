//! Vendor WebDriver commands fantoccini lacks: chromedriver's CDP
//! passthrough and a raw `GET /status` that keeps the full payload.

use fantoccini::wd::WebDriverCompatibleCommand;
use http::Method;
use serde_json::{json, Value};
use url::{ParseError, Url};

/// `POST /session/{id}/goog/cdp/execute` with `{"cmd": ..., "params": ...}`
/// (chromedriver only).
#[derive(Debug, Clone, PartialEq)]
pub struct CdpExecute {
    /// CDP method, e.g. `Emulation.setCPUThrottlingRate`.
    pub cmd: String,
    /// CDP parameters object.
    pub params: Value,
}

impl CdpExecute {
    /// Build a command.
    pub fn new(cmd: impl Into<String>, params: Value) -> Self {
        Self {
            cmd: cmd.into(),
            params,
        }
    }

    /// `Emulation.setCPUThrottlingRate {rate}`.
    pub fn cpu_throttling(rate: f64) -> Self {
        Self::new("Emulation.setCPUThrottlingRate", json!({ "rate": rate }))
    }

    /// The JSON request body.
    pub fn body(&self) -> Value {
        json!({ "cmd": self.cmd, "params": self.params })
    }
}

impl WebDriverCompatibleCommand for CdpExecute {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        (Method::POST, Some(self.body().to_string()))
    }
}

/// `GET /status`, returning the driver's whole `value` object (chromedriver
/// puts its version under `build.version`; grids add node details).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawStatus;

impl WebDriverCompatibleCommand for RawStatus {
    fn endpoint(&self, base_url: &Url, _session_id: Option<&str>) -> Result<Url, ParseError> {
        base_url.join("status")
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        (Method::GET, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdp_endpoint_and_body() {
        let base = Url::parse("http://127.0.0.1:9515/wd/hub/").unwrap();
        let cmd = CdpExecute::cpu_throttling(4.0);
        assert_eq!(
            cmd.endpoint(&base, Some("abc")).unwrap().as_str(),
            "http://127.0.0.1:9515/wd/hub/session/abc/goog/cdp/execute"
        );
        let (method, body) = cmd.method_and_body(&base);
        assert_eq!(method, Method::POST);
        let body: Value = serde_json::from_str(&body.unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"cmd": "Emulation.setCPUThrottlingRate", "params": {"rate": 4.0}})
        );
    }

    #[test]
    fn status_endpoint() {
        let base = Url::parse("http://127.0.0.1:4444/").unwrap();
        assert_eq!(
            RawStatus.endpoint(&base, None).unwrap().as_str(),
            "http://127.0.0.1:4444/status"
        );
        assert_eq!(RawStatus.method_and_body(&base), (Method::GET, None));
    }
}
