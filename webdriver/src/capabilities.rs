//! Browser targets and the W3C capabilities each one requests.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use fantoccini::wd::Capabilities;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::discover::DriverKind;
use crate::error::Error;

/// Command-line flags for every Chromium-based local target (the profile
/// directory flag is added separately).
pub const CHROMIUM_ARGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Firefox preferences that keep a benchmark browser quiet: no experiments,
/// telemetry, update checks or first-run pages.
pub const FIREFOX_PREFS: [(&str, bool); 10] = [
    ("app.normandy.enabled", false),
    ("messaging-system.rsexperimentloader.enabled", false),
    ("app.update.auto", false),
    ("app.update.checkInstallTime", false),
    ("browser.shell.checkDefaultBrowser", false),
    ("datareporting.policy.dataSubmissionEnabled", false),
    ("datareporting.healthreport.uploadEnabled", false),
    ("toolkit.telemetry.enabled", false),
    ("extensions.update.enabled", false),
    ("browser.discovery.enabled", false),
];

/// An emulated phone: viewport, density, user agent and CPU slowdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmulationProfile {
    /// Human-readable description reported with results.
    pub device: String,
    /// CSS viewport width.
    pub width: u32,
    /// CSS viewport height.
    pub height: u32,
    /// Device pixel ratio.
    pub pixel_ratio: f64,
    /// User agent the page sees. `None` lets chromedriver derive it from
    /// the client hints below and the browser's real version, e.g.
    /// `Mozilla/5.0 (Linux; Android 10; K) ... Chrome/<real>.0.0.0 Mobile Safari/537.36`.
    pub user_agent: Option<String>,
    /// `navigator.userAgentData` platform version (client hints).
    pub platform_version: String,
    /// `navigator.userAgentData` device model (client hints).
    pub model: String,
    /// `Emulation.setCPUThrottlingRate` rate (1 = no slowdown).
    pub cpu_throttle_rate: f64,
}

impl EmulationProfile {
    /// A mid-tier Android phone (412x915 CSS px at 2.625x, 4x CPU slowdown)
    /// with Android client hints, so the page sees the reduced Android user
    /// agent current Chrome sends, carrying the browser's real version.
    pub fn mid_tier_phone() -> Self {
        Self {
            device: "emulated mid-tier Android phone (412x915 CSS px @2.625x, touch)".to_owned(),
            width: 412,
            height: 915,
            pixel_ratio: 2.625,
            user_agent: None,
            platform_version: "14".to_owned(),
            model: "Pixel 7a".to_owned(),
            cpu_throttle_rate: 4.0,
        }
    }

    /// The same profile with another CPU throttle rate.
    pub fn with_cpu_throttle_rate(mut self, rate: f64) -> Self {
        self.cpu_throttle_rate = rate;
        self
    }
}

impl Default for EmulationProfile {
    fn default() -> Self {
        Self::mid_tier_phone()
    }
}

/// Where the benchmark page runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum BrowserTarget {
    /// Headless desktop Chromium through chromedriver.
    Chromium,
    /// Headless desktop Firefox through geckodriver.
    Firefox,
    /// Desktop Chromium emulating a phone (viewport, UA, touch, CPU
    /// throttling). Always reported as emulated.
    AndroidEmulated(EmulationProfile),
    /// Chrome on a real Android device (needs a remote WebDriver endpoint
    /// that reaches the device, e.g. Appium or chromedriver next to adb).
    AndroidReal {
        /// `androidDeviceSerial` (adb serial) when several devices are attached.
        device_serial: Option<String>,
    },
}

impl BrowserTarget {
    /// Emulated mid-tier phone with the default 4x CPU throttle.
    pub fn android_emulated() -> Self {
        BrowserTarget::AndroidEmulated(EmulationProfile::mid_tier_phone())
    }

    /// Stable short name: `chromium`, `firefox`, `android-emulated`, `android-real`.
    pub fn label(&self) -> &'static str {
        match self {
            BrowserTarget::Chromium => "chromium",
            BrowserTarget::Firefox => "firefox",
            BrowserTarget::AndroidEmulated(_) => "android-emulated",
            BrowserTarget::AndroidReal { .. } => "android-real",
        }
    }

    /// The driver this target talks to.
    pub fn driver_kind(&self) -> DriverKind {
        match self {
            BrowserTarget::Firefox => DriverKind::Geckodriver,
            _ => DriverKind::Chromedriver,
        }
    }

    /// True when the environment is simulated rather than the real thing.
    pub fn is_emulated(&self) -> bool {
        matches!(self, BrowserTarget::AndroidEmulated(_))
    }

    /// The emulation profile, for emulated targets.
    pub fn emulation(&self) -> Option<&EmulationProfile> {
        match self {
            BrowserTarget::AndroidEmulated(profile) => Some(profile),
            _ => None,
        }
    }

    /// True when the browser runs on this machine and can use a local
    /// profile directory and binary path.
    pub fn runs_on_host(&self) -> bool {
        !matches!(self, BrowserTarget::AndroidReal { .. })
    }
}

impl fmt::Display for BrowserTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for BrowserTarget {
    type Err = Error;

    /// Parse a label; emulation and device serial take their defaults.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "chromium" | "chrome" => Ok(BrowserTarget::Chromium),
            "firefox" => Ok(BrowserTarget::Firefox),
            "android-emulated" => Ok(BrowserTarget::android_emulated()),
            "android-real" => Ok(BrowserTarget::AndroidReal {
                device_serial: None,
            }),
            _ => Err(Error::UnknownTarget {
                given: s.to_owned(),
            }),
        }
    }
}

/// V8 flags of every local Chromium: `gc()` is exposed, so the cold-start probe collects the
/// garbage of its own earlier samples between frames instead of letting a later sample pay for it.
pub const CHROMIUM_JS_FLAGS: &str = "--js-flags=--expose-gc";

/// V8 flags of emulated mobile (Chromium keeps only the last `--js-flags`, so these repeat
/// [`CHROMIUM_JS_FLAGS`]): wasm compilation runs on the page's main thread (no background
/// compilation tasks), the only thread `Emulation.setCPUThrottlingRate` slows, so a throttled cold
/// init is throttled in every phase. A phone compiles on slow background cores too; this makes the
/// emulated compile phase a single slowed thread's — an overestimate, never an underestimate.
pub const EMULATED_MOBILE_JS_FLAGS: &str = "--js-flags=--expose-gc --wasm-num-compilation-tasks=0";

/// Inputs to [`build_capabilities`] that are not part of the target.
#[derive(Debug, Clone, Copy, Default)]
pub struct CapabilityInputs<'a> {
    /// Browser binary (`goog:chromeOptions.binary` / `moz:firefoxOptions.binary`).
    pub browser_binary: Option<&'a Path>,
    /// Fresh profile directory on this machine; `None` lets the driver make one.
    pub profile_dir: Option<&'a Path>,
    /// Extra top-level capabilities merged last (e.g. `appium:*` keys,
    /// `platformName`, grid routing hints). Vendor option objects are merged
    /// key by key rather than replaced.
    pub extra: Option<&'a Capabilities>,
}

/// The capabilities requested (as `alwaysMatch`) for `target`.
pub fn build_capabilities(target: &BrowserTarget, inputs: CapabilityInputs<'_>) -> Capabilities {
    let mut caps = Capabilities::new();
    match target {
        BrowserTarget::Chromium => {
            caps.insert("browserName".into(), json!("chrome"));
            caps.insert(
                "goog:chromeOptions".into(),
                chromium_options(&inputs, CHROMIUM_JS_FLAGS),
            );
        }
        BrowserTarget::AndroidEmulated(profile) => {
            caps.insert("browserName".into(), json!("chrome"));
            let mut options = chromium_options(&inputs, EMULATED_MOBILE_JS_FLAGS);
            let mut emulation = json!({
                "deviceMetrics": {
                    "width": profile.width,
                    "height": profile.height,
                    "pixelRatio": profile.pixel_ratio,
                    "mobile": true,
                    "touch": true,
                },
                "clientHints": {
                    "platform": "Android",
                    "platformVersion": profile.platform_version,
                    "model": profile.model,
                    "mobile": true,
                },
            });
            if let Some(user_agent) = &profile.user_agent {
                emulation["userAgent"] = json!(user_agent);
            }
            options["mobileEmulation"] = emulation;
            caps.insert("goog:chromeOptions".into(), options);
        }
        BrowserTarget::AndroidReal { device_serial } => {
            caps.insert("browserName".into(), json!("chrome"));
            let mut options = json!({ "androidPackage": "com.android.chrome" });
            if let Some(serial) = device_serial {
                options["androidDeviceSerial"] = json!(serial);
            }
            caps.insert("goog:chromeOptions".into(), options);
        }
        BrowserTarget::Firefox => {
            caps.insert("browserName".into(), json!("firefox"));
            caps.insert("moz:firefoxOptions".into(), firefox_options(&inputs));
        }
    }
    if let Some(extra) = inputs.extra {
        merge_extra(&mut caps, extra);
    }
    caps
}

fn chromium_options(inputs: &CapabilityInputs<'_>, js_flags: &str) -> Value {
    let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
    args.push(js_flags.to_owned());
    if let Some(dir) = inputs.profile_dir {
        args.push(format!("--user-data-dir={}", dir.display()));
    }
    let mut options = json!({ "args": args });
    if let Some(binary) = inputs.browser_binary {
        options["binary"] = json!(binary.display().to_string());
    }
    options
}

fn firefox_options(inputs: &CapabilityInputs<'_>) -> Value {
    let mut args = vec!["-headless".to_owned()];
    if let Some(dir) = inputs.profile_dir {
        args.push("-profile".to_owned());
        args.push(dir.display().to_string());
    }
    let prefs: serde_json::Map<String, Value> = FIREFOX_PREFS
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect();
    let mut options = json!({ "args": args, "prefs": prefs });
    if let Some(binary) = inputs.browser_binary {
        options["binary"] = json!(binary.display().to_string());
    }
    options
}

fn merge_extra(caps: &mut Capabilities, extra: &Capabilities) {
    for (key, value) in extra {
        match (caps.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(add)) => {
                for (k, v) in add {
                    // Lists (`args`, `extensions`) are extended, so an extra argument keeps the target's own.
                    match (existing.get_mut(k), v) {
                        (Some(Value::Array(have)), Value::Array(more)) => {
                            have.extend(more.iter().cloned())
                        }
                        _ => {
                            existing.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            _ => {
                caps.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn args(caps: &Capabilities, vendor: &str) -> Vec<String> {
        caps[vendor]["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn chromium_desktop() {
        let profile = PathBuf::from("/tmp/p1");
        let binary = PathBuf::from("/usr/bin/chromium");
        let caps = build_capabilities(
            &BrowserTarget::Chromium,
            CapabilityInputs {
                browser_binary: Some(&binary),
                profile_dir: Some(&profile),
                extra: None,
            },
        );
        assert_eq!(caps["browserName"], "chrome");
        let a = args(&caps, "goog:chromeOptions");
        for flag in CHROMIUM_ARGS {
            assert!(a.iter().any(|x| x == flag), "missing {flag}");
        }
        assert!(a.contains(&"--user-data-dir=/tmp/p1".to_owned()));
        assert_eq!(caps["goog:chromeOptions"]["binary"], "/usr/bin/chromium");
        assert!(caps["goog:chromeOptions"].get("mobileEmulation").is_none());
    }

    #[test]
    fn chromium_without_profile_or_binary() {
        let caps = build_capabilities(&BrowserTarget::Chromium, CapabilityInputs::default());
        assert!(!args(&caps, "goog:chromeOptions")
            .iter()
            .any(|a| a.starts_with("--user-data-dir")));
        assert!(caps["goog:chromeOptions"].get("binary").is_none());
    }

    #[test]
    fn firefox_desktop() {
        let profile = PathBuf::from("/tmp/ff");
        let caps = build_capabilities(
            &BrowserTarget::Firefox,
            CapabilityInputs {
                profile_dir: Some(&profile),
                ..Default::default()
            },
        );
        assert_eq!(caps["browserName"], "firefox");
        assert_eq!(
            args(&caps, "moz:firefoxOptions"),
            vec!["-headless", "-profile", "/tmp/ff"]
        );
        let prefs = &caps["moz:firefoxOptions"]["prefs"];
        assert_eq!(prefs["app.normandy.enabled"], false);
        assert_eq!(prefs["messaging-system.rsexperimentloader.enabled"], false);
        assert!(caps.get("goog:chromeOptions").is_none());
    }

    #[test]
    fn android_emulated_adds_mobile_emulation() {
        let caps = build_capabilities(
            &BrowserTarget::android_emulated(),
            CapabilityInputs::default(),
        );
        let options = &caps["goog:chromeOptions"];
        let metrics = &options["mobileEmulation"]["deviceMetrics"];
        assert_eq!(metrics["width"], 412);
        assert_eq!(metrics["height"], 915);
        assert_eq!(metrics["pixelRatio"], 2.625);
        assert_eq!(metrics["mobile"], true);
        assert_eq!(metrics["touch"], true);
        let hints = &options["mobileEmulation"]["clientHints"];
        assert_eq!(hints["platform"], "Android");
        assert_eq!(hints["mobile"], true);
        assert!(options["mobileEmulation"].get("userAgent").is_none());
        let mut custom = EmulationProfile::mid_tier_phone();
        custom.user_agent = Some("Custom UA".into());
        let caps = build_capabilities(
            &BrowserTarget::AndroidEmulated(custom),
            CapabilityInputs::default(),
        );
        assert_eq!(
            caps["goog:chromeOptions"]["mobileEmulation"]["userAgent"],
            "Custom UA"
        );
        assert!(args(&caps, "goog:chromeOptions").contains(&"--headless".to_owned()));
        // Wasm compiles on the throttled main thread in emulated mobile only.
        assert!(args(&caps, "goog:chromeOptions").contains(&EMULATED_MOBILE_JS_FLAGS.to_owned()));
        let desktop = build_capabilities(&BrowserTarget::Chromium, CapabilityInputs::default());
        let js_flags = |caps: &Capabilities| -> Vec<String> {
            let all = args(caps, "goog:chromeOptions");
            all.into_iter()
                .filter(|a| a.starts_with("--js-flags"))
                .collect()
        };
        // One `--js-flags` each (Chromium keeps only the last), both exposing gc().
        assert_eq!(js_flags(&desktop), [CHROMIUM_JS_FLAGS]);
        assert_eq!(js_flags(&caps), [EMULATED_MOBILE_JS_FLAGS]);
        assert!(EMULATED_MOBILE_JS_FLAGS.contains("--expose-gc"));
    }

    #[test]
    fn android_real_uses_android_package() {
        let caps = build_capabilities(
            &BrowserTarget::AndroidReal {
                device_serial: Some("emulator-5554".into()),
            },
            CapabilityInputs::default(),
        );
        let options = &caps["goog:chromeOptions"];
        assert_eq!(options["androidPackage"], "com.android.chrome");
        assert_eq!(options["androidDeviceSerial"], "emulator-5554");
        assert!(options.get("args").is_none());
        let caps = build_capabilities(
            &BrowserTarget::AndroidReal {
                device_serial: None,
            },
            CapabilityInputs::default(),
        );
        assert!(caps["goog:chromeOptions"]
            .get("androidDeviceSerial")
            .is_none());
    }

    #[test]
    fn extra_capabilities_merge_into_vendor_objects() {
        let mut extra = Capabilities::new();
        extra.insert("platformName".into(), json!("android"));
        extra.insert("goog:chromeOptions".into(), json!({ "w3c": true }));
        let caps = build_capabilities(
            &BrowserTarget::AndroidReal {
                device_serial: None,
            },
            CapabilityInputs {
                extra: Some(&extra),
                ..Default::default()
            },
        );
        assert_eq!(caps["platformName"], "android");
        assert_eq!(caps["goog:chromeOptions"]["w3c"], true);
        assert_eq!(
            caps["goog:chromeOptions"]["androidPackage"],
            "com.android.chrome"
        );
    }

    #[test]
    fn labels_round_trip_and_flags() {
        for label in ["chromium", "firefox", "android-emulated", "android-real"] {
            let target: BrowserTarget = label.parse().unwrap();
            assert_eq!(target.label(), label);
        }
        assert!("safari".parse::<BrowserTarget>().is_err());
        assert!(BrowserTarget::android_emulated().is_emulated());
        assert!(!BrowserTarget::Chromium.is_emulated());
        assert_eq!(
            BrowserTarget::Firefox.driver_kind(),
            DriverKind::Geckodriver
        );
        assert_eq!(
            BrowserTarget::android_emulated().driver_kind(),
            DriverKind::Chromedriver
        );
        assert_eq!(
            EmulationProfile::mid_tier_phone()
                .with_cpu_throttle_rate(6.0)
                .cpu_throttle_rate,
            6.0
        );
    }
}
