//! Session settings from the command line and the environment, read once per run: the remote endpoint
//! with its credentials (`WEBDRIVER_USERNAME`/`WEBDRIVER_ACCESS_KEY`), extra capabilities
//! (`--capabilities`, `--capability`, `${VAR}` values), and the driver discovery variables.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde_json::Value;
use webdriver::{Capabilities, DriverEnv};

use crate::cli::RunArgs;
use crate::files::read_json;
use crate::measuring::browser::SessionSettings;

/// Environment variables holding the remote endpoint's credentials (HTTP basic auth).
pub const CREDENTIAL_VARS: (&str, &str) = ("WEBDRIVER_USERNAME", "WEBDRIVER_ACCESS_KEY");

pub fn settings(args: &RunArgs) -> Result<SessionSettings> {
    // Read once per run, here: the credentials and `${VAR}` values, and the driver discovery variables.
    let env: BTreeMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    let mut capabilities = match &args.capabilities {
        Some(file) => {
            let raw: serde_json::Map<String, Value> = read_json(
                file,
                "a JSON object of W3C capabilities (docs/grids.md: extra capabilities)",
            )?;
            expand_object(raw, file, &env)?
        }
        None => Capabilities::new(),
    };
    for (k, v) in &args.capability {
        capabilities.insert(k.clone(), v.clone());
    }
    let webdriver_url = args
        .webdriver_url
        .as_deref()
        .map(|u| with_credentials(u, &env))
        .transpose()?;
    Ok(SessionSettings {
        android_real: args.android_real,
        android_serial: args.android_serial.clone(),
        cpu_throttle: args.cpu_throttle,
        startup_timeout: Duration::from_secs(args.startup_timeout),
        scenario_timeout: Duration::from_secs(args.scenario_timeout),
        chromium_binary: args.chromium_binary.clone(),
        firefox_binary: args.firefox_binary.clone(),
        webdriver_url,
        capabilities,
        allow_not_isolated: args.allow_not_isolated,
        driver_env: DriverEnv::from_process_env(),
        conformance_only: false,
    })
}

/// The endpoint with `WEBDRIVER_USERNAME`/`WEBDRIVER_ACCESS_KEY` as its user info, unless it has its own.
pub fn with_credentials(url: &str, env: &BTreeMap<String, String>) -> Result<String> {
    let (user_var, key_var) = CREDENTIAL_VARS;
    let (Some(user), key) = (env.get(user_var), env.get(key_var)) else {
        return Ok(url.to_owned());
    };
    let mut parsed = url::Url::parse(url)
        .with_context(|| format!("--webdriver-url {}: not a URL", webdriver::redact_url(url)))?;
    if !parsed.username().is_empty() {
        return Ok(url.to_owned());
    }
    let ok =
        parsed.set_username(user).is_ok() && parsed.set_password(key.map(String::as_str)).is_ok();
    if !ok {
        bail!("--webdriver-url {}: cannot carry credentials ({user_var}/{key_var}): use an http(s) URL", webdriver::redact_url(url));
    }
    Ok(parsed.to_string())
}

/// The capabilities of a file with every `${VAR}` in its strings replaced from the environment.
fn expand_object(
    raw: serde_json::Map<String, Value>,
    file: &Path,
    env: &BTreeMap<String, String>,
) -> Result<Capabilities> {
    let mut out = Capabilities::new();
    for (k, v) in raw {
        let at = format!("$.{k}");
        out.insert(k, expand(v, &at, file, env)?);
    }
    Ok(out)
}

fn expand(v: Value, at: &str, file: &Path, env: &BTreeMap<String, String>) -> Result<Value> {
    Ok(match v {
        Value::String(s) => Value::String(
            expand_str(&s, env)
                .map_err(|var| anyhow::anyhow!("{}: {at} names ${{{var}}}, which is not set: export {var} (credentials stay out of the file and out of every record)", file.display()))?,
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, x)| expand(x, &format!("{at}[{i}]"), file, env))
                .collect::<Result<_>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, x)| {
                    let inner = format!("{at}.{k}");
                    Ok((k, expand(x, &inner, file, env)?))
                })
                .collect::<Result<_>>()?,
        ),
        other => other,
    })
}

/// `s` with each `${VAR}` replaced; `Err(VAR)` names the first one that is not set.
pub fn expand_str(s: &str, env: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        let var = &rest[start + 2..start + 2 + len];
        out.push_str(&rest[..start]);
        out.push_str(env.get(var).ok_or_else(|| var.to_owned())?);
        rest = &rest[start + 3 + len..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn variables_expand_and_a_missing_one_is_named() {
        let e = env(&[("KEY", "s3cr3t")]);
        assert_eq!(expand_str("a-${KEY}-b", &e).unwrap(), "a-s3cr3t-b");
        assert_eq!(expand_str("${NOPE}", &e).unwrap_err(), "NOPE");
        assert_eq!(expand_str("no vars", &e).unwrap(), "no vars");
        let caps =
            serde_json::json!({"bstack:options": {"accessKey": "${KEY}", "list": ["${KEY}"]}});
        let Value::Object(raw) = caps else {
            unreachable!()
        };
        let got = expand_object(raw.clone(), Path::new("c.json"), &e).unwrap();
        assert_eq!(got["bstack:options"]["accessKey"], "s3cr3t");
        assert_eq!(got["bstack:options"]["list"][0], "s3cr3t");
        let err = expand_object(raw, Path::new("c.json"), &env(&[])).unwrap_err();
        assert!(
            err.to_string().contains("$.bstack:options.accessKey"),
            "{err}"
        );
    }

    #[test]
    fn credentials_come_from_the_environment_unless_the_url_has_its_own() {
        let e = env(&[
            ("WEBDRIVER_USERNAME", "alice"),
            ("WEBDRIVER_ACCESS_KEY", "k"),
        ]);
        assert_eq!(
            with_credentials("https://hub.example/wd/hub", &e).unwrap(),
            "https://alice:k@hub.example/wd/hub"
        );
        assert_eq!(
            with_credentials("https://bob:x@hub.example/", &e).unwrap(),
            "https://bob:x@hub.example/"
        );
        assert_eq!(
            with_credentials("http://127.0.0.1:4444/", &env(&[])).unwrap(),
            "http://127.0.0.1:4444/"
        );
    }
}
