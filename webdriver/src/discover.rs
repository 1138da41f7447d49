//! Driver discovery: explicit remote URL, then `*_REMOTE`, then the binary
//! variable, then `PATH` (the order wasm-bindgen-test-runner uses).

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Which WebDriver implementation a target needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DriverKind {
    /// `chromedriver`, for Chromium and Chrome on Android.
    Chromedriver,
    /// `geckodriver`, for Firefox.
    Geckodriver,
}

impl DriverKind {
    /// The binary name searched on `PATH`.
    pub fn binary_name(self) -> &'static str {
        match self {
            DriverKind::Chromedriver => "chromedriver",
            DriverKind::Geckodriver => "geckodriver",
        }
    }

    /// Variable holding a remote WebDriver URL for this driver.
    pub fn remote_var(self) -> &'static str {
        match self {
            DriverKind::Chromedriver => "CHROMEDRIVER_REMOTE",
            DriverKind::Geckodriver => "GECKODRIVER_REMOTE",
        }
    }

    /// Variable holding the path of a local driver binary.
    pub fn path_var(self) -> &'static str {
        match self {
            DriverKind::Chromedriver => "CHROMEDRIVER",
            DriverKind::Geckodriver => "GECKODRIVER",
        }
    }

    fn install_hint(self) -> &'static str {
        match self {
            DriverKind::Chromedriver => {
                "install chromium-driver (Debian/Ubuntu: apt-get install chromium-driver) or set CHROMEDRIVER=/path/to/chromedriver, or point CHROMEDRIVER_REMOTE at a running WebDriver server"
            }
            DriverKind::Geckodriver => {
                "install geckodriver (cargo install geckodriver, or your distribution's package) or set GECKODRIVER=/path/to/geckodriver, or point GECKODRIVER_REMOTE at a running WebDriver server"
            }
        }
    }
}

impl fmt::Display for DriverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.binary_name())
    }
}

/// Where a discovered driver came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The caller's explicit remote URL option.
    Explicit,
    /// An environment variable (its name).
    EnvVar(&'static str),
    /// A search of `PATH`.
    SearchPath,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Explicit => f.write_str("the explicit remote URL option"),
            Origin::EnvVar(name) => write!(f, "${name}"),
            Origin::SearchPath => f.write_str("PATH"),
        }
    }
}

/// The outcome of discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriverLocation {
    /// A running W3C WebDriver endpoint (normalised to end with `/`).
    Remote {
        /// Base URL, e.g. `http://127.0.0.1:4444/` or `http://grid:4444/wd/hub/`.
        url: String,
        /// Where it came from.
        origin: Origin,
    },
    /// A driver binary to start locally.
    Local {
        /// Path to the binary.
        path: PathBuf,
        /// Where it came from.
        origin: Origin,
    },
}

impl DriverLocation {
    /// True for [`DriverLocation::Remote`].
    pub fn is_remote(&self) -> bool {
        matches!(self, DriverLocation::Remote { .. })
    }
}

/// A snapshot of the environment variables discovery reads.
///
/// Only the caller decides where it comes from: tests build it from pairs,
/// the collector binary from the real process environment. Empty values
/// count as unset.
#[derive(Debug, Clone, Default)]
pub struct DriverEnv {
    vars: HashMap<String, OsString>,
}

/// Every variable [`DriverEnv::from_process_env`] captures.
pub const DISCOVERY_VARS: [&str; 5] = [
    "CHROMEDRIVER_REMOTE",
    "CHROMEDRIVER",
    "GECKODRIVER_REMOTE",
    "GECKODRIVER",
    "PATH",
];

impl DriverEnv {
    /// An environment with nothing set (not even `PATH`).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Capture the discovery variables from the current process.
    pub fn from_process_env() -> Self {
        Self::from_pairs(
            DISCOVERY_VARS
                .iter()
                .filter_map(|name| std::env::var_os(name).map(|value| (*name, value))),
        )
    }

    /// Build from `(name, value)` pairs.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<OsString>,
    {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// Set one variable (builder style).
    pub fn with(mut self, name: impl Into<String>, value: impl Into<OsString>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// A variable's value; `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<&OsStr> {
        self.vars
            .get(name)
            .map(OsString::as_os_str)
            .filter(|value| !value.is_empty())
    }
}

/// Find the driver for `kind`.
///
/// Order: `explicit_remote`, then `$<KIND>_REMOTE`, then `$<KIND>` (a path,
/// which must exist), then `<binary>` on `$PATH`.
pub fn discover(
    kind: DriverKind,
    explicit_remote: Option<&str>,
    env: &DriverEnv,
) -> Result<DriverLocation> {
    if let Some(url) = explicit_remote.filter(|u| !u.trim().is_empty()) {
        return Ok(DriverLocation::Remote {
            url: normalize_remote_url(url, &Origin::Explicit)?,
            origin: Origin::Explicit,
        });
    }

    let remote_var = kind.remote_var();
    if let Some(value) = env.get(remote_var) {
        let origin = Origin::EnvVar(remote_var);
        let url = value.to_str().ok_or_else(|| Error::BadRemoteUrl {
            url: value.to_string_lossy().into_owned(),
            origin: origin.to_string(),
            reason: "not valid UTF-8".to_owned(),
        })?;
        return Ok(DriverLocation::Remote {
            url: normalize_remote_url(url, &origin)?,
            origin,
        });
    }

    let path_var = kind.path_var();
    if let Some(value) = env.get(path_var) {
        let path = PathBuf::from(value);
        if is_executable_file(&path) {
            return Ok(DriverLocation::Local {
                path,
                origin: Origin::EnvVar(path_var),
            });
        }
        let fix = if path.exists() {
            format!("make it executable (chmod +x) or unset {path_var} to search PATH")
        } else {
            format!("the file does not exist; fix the path or unset {path_var} to search PATH")
        };
        return Err(Error::DriverPathInvalid {
            driver: kind.binary_name(),
            var: path_var,
            path,
            fix,
        });
    }

    if let Some(path) = search_path(kind.binary_name(), env.get("PATH")) {
        return Ok(DriverLocation::Local {
            path,
            origin: Origin::SearchPath,
        });
    }

    Err(Error::DriverNotFound {
        driver: kind.binary_name(),
        looked: format!(
            "${remote_var}, ${path_var}, and `{}` on PATH",
            kind.binary_name()
        ),
        fix: kind.install_hint().to_owned(),
    })
}

/// Validate a WebDriver base URL and make sure it ends with `/` so endpoint
/// paths join below it (`/wd/hub` + `session` = `/wd/hub/session`).
pub fn normalize_remote_url(url: &str, origin: &Origin) -> Result<String> {
    // Credentials never reach an error message: a `user:secret@` part is cut even from a malformed URL.
    let shown = match (url.find("://"), url.rfind('@')) {
        (Some(i), Some(j)) if j > i => format!("{}REDACTED{}", &url[..i + 3], &url[j..]),
        (None, Some(j)) => format!("REDACTED{}", &url[j..]),
        _ => url.to_owned(),
    };
    let bad = |reason: String| Error::BadRemoteUrl {
        url: shown.clone(),
        origin: origin.to_string(),
        reason,
    };
    let mut parsed = url::Url::parse(url.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(format!(
            "scheme {:?} is not http or https",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host".to_owned()));
    }
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed.to_string())
}

/// Find `name` in the directories of a `PATH`-style value.
pub fn search_path(name: &str, path_value: Option<&OsStr>) -> Option<PathBuf> {
    let path_value = path_value?;
    std::env::split_paths(path_value)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable_file(candidate))
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn fake_driver(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn explicit_remote_wins_over_everything() {
        let dir = tempfile::tempdir().unwrap();
        let bin = fake_driver(dir.path(), "chromedriver");
        let env = DriverEnv::empty()
            .with("CHROMEDRIVER_REMOTE", "http://env:9515")
            .with("CHROMEDRIVER", bin.as_os_str())
            .with("PATH", dir.path().as_os_str());
        let found = discover(
            DriverKind::Chromedriver,
            Some("http://grid:4444/wd/hub"),
            &env,
        )
        .unwrap();
        assert_eq!(
            found,
            DriverLocation::Remote {
                url: "http://grid:4444/wd/hub/".into(),
                origin: Origin::Explicit
            }
        );
    }

    #[test]
    fn remote_var_beats_path_var_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let bin = fake_driver(dir.path(), "geckodriver");
        let env = DriverEnv::empty()
            .with("GECKODRIVER_REMOTE", "http://127.0.0.1:4444")
            .with("GECKODRIVER", bin.as_os_str())
            .with("PATH", dir.path().as_os_str());
        let found = discover(DriverKind::Geckodriver, None, &env).unwrap();
        assert_eq!(
            found,
            DriverLocation::Remote {
                url: "http://127.0.0.1:4444/".into(),
                origin: Origin::EnvVar("GECKODRIVER_REMOTE")
            }
        );
    }

    #[test]
    fn path_var_beats_path_search() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let explicit = fake_driver(a.path(), "my-chromedriver");
        fake_driver(b.path(), "chromedriver");
        let env = DriverEnv::empty()
            .with("CHROMEDRIVER", explicit.as_os_str())
            .with("PATH", b.path().as_os_str());
        let found = discover(DriverKind::Chromedriver, None, &env).unwrap();
        assert_eq!(
            found,
            DriverLocation::Local {
                path: explicit,
                origin: Origin::EnvVar("CHROMEDRIVER")
            }
        );
    }

    #[test]
    fn searches_path_in_order_and_skips_non_executables() {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        std::fs::write(first.path().join("geckodriver"), "not executable").unwrap();
        let good = fake_driver(second.path(), "geckodriver");
        let path = std::env::join_paths([first.path(), second.path()]).unwrap();
        let env = DriverEnv::empty().with("PATH", path);
        let found = discover(DriverKind::Geckodriver, None, &env).unwrap();
        assert_eq!(
            found,
            DriverLocation::Local {
                path: good,
                origin: Origin::SearchPath
            }
        );
    }

    #[test]
    fn other_browsers_variables_are_ignored() {
        let env = DriverEnv::empty()
            .with("GECKODRIVER_REMOTE", "http://127.0.0.1:4444")
            .with("PATH", "");
        let err = discover(DriverKind::Chromedriver, None, &env).unwrap_err();
        assert!(matches!(
            err,
            Error::DriverNotFound {
                driver: "chromedriver",
                ..
            }
        ));
    }

    #[test]
    fn empty_values_count_as_unset() {
        let dir = tempfile::tempdir().unwrap();
        let bin = fake_driver(dir.path(), "chromedriver");
        let env = DriverEnv::empty()
            .with("CHROMEDRIVER_REMOTE", "")
            .with("CHROMEDRIVER", "")
            .with("PATH", dir.path().as_os_str());
        let found = discover(DriverKind::Chromedriver, Some("  "), &env).unwrap();
        assert_eq!(
            found,
            DriverLocation::Local {
                path: bin,
                origin: Origin::SearchPath
            }
        );
    }

    #[test]
    fn missing_driver_path_is_a_clear_error() {
        let env = DriverEnv::empty().with("CHROMEDRIVER", "/nonexistent/chromedriver");
        let err = discover(DriverKind::Chromedriver, None, &env).unwrap_err();
        let text = err.to_string();
        assert!(matches!(
            err,
            Error::DriverPathInvalid {
                var: "CHROMEDRIVER",
                ..
            }
        ));
        assert!(text.contains("/nonexistent/chromedriver"), "{text}");
        assert!(text.contains("does not exist"), "{text}");
    }

    #[test]
    fn nothing_found_names_the_fix() {
        let empty_dir = tempfile::tempdir().unwrap();
        let env = DriverEnv::empty().with("PATH", empty_dir.path().as_os_str());
        let text = discover(DriverKind::Chromedriver, None, &env)
            .unwrap_err()
            .to_string();
        assert!(text.contains("chromedriver not found"), "{text}");
        assert!(text.contains("chromium-driver"), "{text}");
        assert!(text.contains("CHROMEDRIVER=/path"), "{text}");
        let text = discover(DriverKind::Geckodriver, None, &DriverEnv::empty())
            .unwrap_err()
            .to_string();
        assert!(text.contains("geckodriver not found"), "{text}");
        assert!(text.contains("GECKODRIVER=/path"), "{text}");
    }

    #[test]
    fn remote_urls_are_validated_and_normalised() {
        let o = Origin::Explicit;
        assert_eq!(
            normalize_remote_url("http://h:1", &o).unwrap(),
            "http://h:1/"
        );
        assert_eq!(
            normalize_remote_url("https://farm.example/wd/hub/", &o).unwrap(),
            "https://farm.example/wd/hub/"
        );
        assert!(matches!(
            normalize_remote_url("ftp://h/", &o),
            Err(Error::BadRemoteUrl { .. })
        ));
        assert!(matches!(
            normalize_remote_url("not a url", &o),
            Err(Error::BadRemoteUrl { .. })
        ));
        let err = normalize_remote_url("ftp://alice:s3cr3t@grid:4444/", &o).unwrap_err();
        assert!(
            err.to_string().contains("ftp://REDACTED@grid:4444/"),
            "{err}"
        );
    }
}
