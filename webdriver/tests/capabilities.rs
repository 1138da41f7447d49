//! The capability sets a device farm and a remote page need, through the public API: the real-Android set with
//! a farm's Appium UiAutomator2 capabilities merged in, and extra browser arguments that extend the target's own.

use bench_webdriver::{build_capabilities, BrowserTarget, Capabilities, CapabilityInputs};
use serde_json::json;

#[test]
fn a_device_farm_recipe_keeps_chrome_on_the_device() {
    // The device-farm recipe (docs/grids.md): Appium UiAutomator2 on a real device, Chrome by package name.
    let mut farm = Capabilities::new();
    farm.insert("platformName".into(), json!("Android"));
    farm.insert("appium:automationName".into(), json!("UiAutomator2"));
    farm.insert("appium:udid".into(), json!("R58M123"));
    farm.insert("appium:chromedriverAutodownload".into(), json!(true));
    farm.insert(
        "goog:chromeOptions".into(),
        json!({ "args": ["--disable-translate"] }),
    );
    let caps = build_capabilities(
        &BrowserTarget::AndroidReal {
            device_serial: Some("R58M123".into()),
        },
        CapabilityInputs {
            extra: Some(&farm),
            ..CapabilityInputs::default()
        },
    );
    assert_eq!(caps["browserName"], "chrome");
    assert_eq!(caps["platformName"], "Android");
    assert_eq!(caps["appium:automationName"], "UiAutomator2");
    assert_eq!(caps["appium:udid"], "R58M123");
    let options = &caps["goog:chromeOptions"];
    assert_eq!(options["androidPackage"], "com.android.chrome");
    assert_eq!(options["androidDeviceSerial"], "R58M123");
    assert_eq!(options["args"], json!(["--disable-translate"]));
}

#[test]
fn extra_arguments_extend_the_targets_own() {
    let mut extra = Capabilities::new();
    extra.insert(
        "goog:chromeOptions".into(),
        json!({ "args": ["--host-resolver-rules=MAP bench.test 127.0.0.1"] }),
    );
    let caps = build_capabilities(
        &BrowserTarget::Chromium,
        CapabilityInputs {
            extra: Some(&extra),
            ..CapabilityInputs::default()
        },
    );
    let got: Vec<String> =
        serde_json::from_value(caps["goog:chromeOptions"]["args"].clone()).unwrap();
    assert!(got.contains(&"--headless".to_owned()), "{got:?}");
    assert!(got.contains(&"--host-resolver-rules=MAP bench.test 127.0.0.1".to_owned()));
}
