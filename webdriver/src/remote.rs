//! Remote endpoints (Selenium Grid, Appium, device farms): URLs with credentials redacted, the grid
//! node that runs a session, and the fixes that speak of the grid rather than of local packages.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

/// Query parameters whose values are treated as secrets in a redacted URL.
const SECRET_PARAMS: [&str; 6] = ["key", "token", "secret", "password", "access", "auth"];

/// `url` without user name, password or secret-looking query values: safe for records and logs.
/// Something that is not a URL is replaced as a whole (it might be a secret itself).
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "(unparseable URL, redacted)".to_owned();
    };
    let had_user = !parsed.username().is_empty() || parsed.password().is_some();
    if had_user {
        let _ = parsed.set_username("REDACTED");
        let _ = parsed.set_password(None);
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let lower = k.to_ascii_lowercase();
            let secret = SECRET_PARAMS.iter().any(|s| lower.contains(s));
            let v = if secret { "REDACTED".into() } else { v.into() };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// Where a grid's GraphQL endpoint is: `/graphql` at the endpoint's origin (a hub under `/wd/hub`
/// answers there too). `None` for URLs that are not http(s).
pub fn graphql_url(endpoint: &str) -> Option<String> {
    let parsed = url::Url::parse(endpoint).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let mut out = parsed.clone();
    out.set_path("/graphql");
    out.set_query(None);
    Some(out.to_string())
}

/// The `nodeUri` of a session in a Selenium Grid 4 GraphQL answer.
pub fn node_from_graphql(answer: &Value) -> Option<String> {
    answer
        .pointer("/data/session/nodeUri")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Asks a Selenium Grid which node runs `session_id` (best effort, plain http only, a few seconds at
/// most): Appium, device farms and bare drivers have no such endpoint and give `None`.
pub(crate) async fn grid_node(endpoint: &str, session_id: &str) -> Option<String> {
    let url = graphql_url(endpoint).filter(|u| u.starts_with("http://"))?;
    let query = json!({
        "query": format!("{{ session (id: \"{session_id}\") {{ id, nodeUri }} }}")
    });
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let request = http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(query.to_string())))
        .ok()?;
    let fetch = async {
        let response = client.request(request).await.ok()?;
        if response.status() != http::StatusCode::OK {
            return None;
        }
        let body = Limited::new(response.into_body(), 1 << 20)
            .collect()
            .await
            .ok()?
            .to_bytes();
        serde_json::from_slice::<Value>(&body).ok()
    };
    let answer = tokio::time::timeout(Duration::from_secs(5), fetch)
        .await
        .ok()??;
    node_from_graphql(&answer)
}

/// Each Selenium Grid node's `session-timeout` from a `/status` answer (`value.nodes[].sessionTimeout`, ms),
/// with the node's URI. Empty for endpoints that are not a grid.
pub fn node_timeouts_from_status(status: &Value) -> Vec<(String, Duration)> {
    let nodes = status
        .pointer("/value/nodes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    nodes
        .iter()
        .filter_map(|n| {
            let ms = n.get("sessionTimeout")?.as_u64()?;
            let uri = n.get("uri").and_then(Value::as_str).unwrap_or("?");
            Some((uri.to_owned(), Duration::from_millis(ms)))
        })
        .collect()
}

/// The `session-timeout` of every node of the Selenium Grid at `endpoint` (empty when it is not a grid).
pub async fn grid_node_timeouts(endpoint: &str) -> Vec<(String, Duration)> {
    grid_status(endpoint)
        .await
        .map(|s| node_timeouts_from_status(&s))
        .unwrap_or_default()
}

/// `GET /status` at the endpoint's origin (best effort, plain http, a few seconds at most).
pub async fn grid_status(endpoint: &str) -> Option<Value> {
    let url = graphql_url(endpoint)
        .filter(|u| u.starts_with("http://"))
        .map(|u| u.replace("/graphql", "/status"))?;
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let fetch = async {
        let request = http::Request::get(url).body(Full::new(Bytes::new())).ok()?;
        let response = client.request(request).await.ok()?;
        let body = Limited::new(response.into_body(), 4 << 20)
            .collect()
            .await
            .ok()?
            .to_bytes();
        serde_json::from_slice::<Value>(&body).ok()
    };
    tokio::time::timeout(Duration::from_secs(5), fetch)
        .await
        .ok()?
}

/// Why a grid did not start a session in time, from its `/status`: no slot matches what was asked
/// (`browserName`, and `browserVersion`/`platformName` when both sides name them), or every matching slot
/// is busy, or a matching slot is free and its node failed to start the browser. `None` when the answer
/// is not a grid's.
pub fn slot_hint(status: &Value, asked: &serde_json::Map<String, Value>) -> Option<String> {
    let nodes = status.pointer("/value/nodes")?.as_array()?;
    let slots: Vec<(&Value, bool)> = nodes
        .iter()
        .filter_map(|n| n.get("slots")?.as_array())
        .flatten()
        .filter_map(|s| Some((s.get("stereotype")?, !s.get("session")?.is_null())))
        .collect();
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    let fits = |st: &Value| {
        ["browserName", "browserVersion", "platformName"]
            .iter()
            .all(
                |k| match (text(st, k), asked.get(*k).and_then(Value::as_str)) {
                    (Some(have), Some(want)) => have == want.to_ascii_lowercase(),
                    (None, Some(_)) => *k != "browserName",
                    _ => true,
                },
            )
    };
    let matching: Vec<bool> = slots
        .iter()
        .filter(|(st, _)| fits(st))
        .map(|(_, busy)| *busy)
        .collect();
    let wanted: Vec<String> = ["browserName", "browserVersion", "platformName"]
        .iter()
        .filter_map(|k| Some(format!("{k}={}", asked.get(*k)?.as_str()?)))
        .collect();
    if matching.is_empty() {
        let mut offers: Vec<String> = slots
            .iter()
            .map(|(st, _)| {
                let t = |k| text(st, k).unwrap_or_else(|| "-".into());
                format!(
                    "{} {} {}",
                    t("browserName"),
                    t("browserVersion"),
                    t("platformName")
                )
            })
            .collect();
        offers.sort();
        offers.dedup();
        return Some(format!("the grid has no slot matching {}: its nodes offer [{}]; add a node whose stereotype matches, or change the capabilities (the grid keeps such a request queued until its session-request-timeout)", wanted.join(" "), offers.join(", ")));
    }
    Some(if matching.iter().all(|busy| *busy) {
        format!("all {} grid slot(s) matching {} are busy, so the request waited in the grid's queue: lower --jobs, add nodes, or raise --startup-timeout", matching.len(), wanted.join(" "))
    } else {
        format!("a grid slot matching {} is free, but its node did not start the browser: the node's driver may refuse the capabilities (e.g. a browserVersion it does not have) or fail to launch the browser; read the node's log", wanted.join(" "))
    })
}

/// The fix for a remote endpoint that refused a new session, from the endpoint's own message.
pub(crate) fn refused_fix(message: &str, browser: &str) -> String {
    let text = message.to_ascii_lowercase();
    if text.contains("no nodes support")
        || text.contains("no node")
        || text.contains("no matching")
        || text.contains("no slot")
    {
        return format!("the grid has no slot matching {browser}: add a node whose stereotype offers {browser} (node `[[node.driver-configuration]]`), or check browserName/platformName/browserVersion in the capabilities");
    }
    if text.contains("timed out") || text.contains("timeout") {
        return "the grid's new-session queue timed out: every matching slot stayed busy (raise the grid's `session-request-timeout`, add nodes, or lower --jobs)".to_owned();
    }
    if text.contains("unauthorized") || text.contains("401") || text.contains("403") {
        return "the endpoint refused the credentials: set WEBDRIVER_USERNAME and WEBDRIVER_ACCESS_KEY (or the capabilities file's `${VAR}` values) in the environment".to_owned();
    }
    format!("the remote endpoint could not start {browser}: read its message above and its logs (a grid node's log, Appium's server log)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_secret_params_are_redacted() {
        assert_eq!(
            redact_url("https://alice:s3cr3t@hub.example:443/wd/hub?accessKey=abc&region=eu"),
            "https://REDACTED@hub.example/wd/hub?accessKey=REDACTED&region=eu"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:4444/"),
            "http://127.0.0.1:4444/"
        );
        assert!(!redact_url("not a url s3cr3t").contains("s3cr3t"));
    }

    #[test]
    fn graphql_lives_at_the_origin() {
        assert_eq!(
            graphql_url("http://grid:4444/wd/hub/").as_deref(),
            Some("http://grid:4444/graphql")
        );
        assert_eq!(graphql_url("ftp://x/"), None);
        let answer = json!({"data": {"session": {"id": "s", "nodeUri": "http://10.0.0.2:5555"}}});
        assert_eq!(
            node_from_graphql(&answer).as_deref(),
            Some("http://10.0.0.2:5555")
        );
        assert_eq!(node_from_graphql(&json!({"errors": []})), None);
    }

    #[test]
    fn node_timeouts_are_read_from_grid_status() {
        let status = json!({"value": {"ready": true, "nodes": [
            {"uri": "http://10.0.0.2:5555", "sessionTimeout": 300000},
            {"uri": "http://10.0.0.3:5555"}
        ]}});
        assert_eq!(
            node_timeouts_from_status(&status),
            vec![("http://10.0.0.2:5555".to_owned(), Duration::from_secs(300))]
        );
        assert!(node_timeouts_from_status(&json!({"value": {"ready": true}})).is_empty());
    }

    #[test]
    fn slot_hints_tell_no_slot_from_busy_slots() {
        let status = |session: Value| {
            json!({"value": {"nodes": [{"slots": [
                {"stereotype": {"browserName": "chrome", "browserVersion": "156.0", "platformName": "linux"}, "session": session.clone()},
                {"stereotype": {"browserName": "firefox", "platformName": "linux"}, "session": Value::Null}
            ]}]}})
        };
        let ask = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect::<serde_json::Map<String, Value>>()
        };
        let free = status(Value::Null);
        let refused = slot_hint(&free, &ask(&[("browserName", "chrome")])).unwrap();
        assert!(refused.contains("is free, but its node"), "{refused}");
        let none = slot_hint(
            &free,
            &ask(&[("browserName", "chrome"), ("browserVersion", "1")]),
        )
        .unwrap();
        assert!(
            none.contains("no slot matching browserName=chrome browserVersion=1"),
            "{none}"
        );
        assert!(none.contains("chrome 156.0 linux"), "{none}");
        assert!(slot_hint(&free, &ask(&[("browserName", "safari")]))
            .unwrap()
            .contains("no slot"));
        let busy = slot_hint(
            &status(json!({"sessionId": "x"})),
            &ask(&[("browserName", "chrome")]),
        )
        .unwrap();
        assert!(busy.contains("busy"), "{busy}");
        assert_eq!(
            slot_hint(&json!({"value": {"ready": true}}), &ask(&[])),
            None
        );
    }

    #[test]
    fn grid_refusals_name_the_grid() {
        let slot = refused_fix(
            "Could not start a new session. No nodes support the capabilities in the request",
            "firefox",
        );
        assert!(slot.contains("no slot matching firefox"), "{slot}");
        assert!(refused_fix("New session request timed out", "chrome").contains("queue"));
        assert!(!refused_fix("boom", "chrome").contains("install"));
    }
}
