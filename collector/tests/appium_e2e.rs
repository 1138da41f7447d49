//! A real Appium 3 server with its Chromium driver (ci/setup.sh): desktop Chromium and emulated mobile (the CDP
//! throttle passes through Appium) end to end, with vendor capabilities from a file whose secret comes from the
//! environment and is never recorded. The real-Android capability set is unit-tested (`bench-webdriver`).

mod common;
mod remote;

use std::time::Duration;

use common::{assert_nothing_left, collector, marker, read, SERIAL};

#[test]
fn appium_chromium_driver_runs_desktop_and_emulated_mobile() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mark = marker();
    let appium = remote::appium(&mark);
    let d = tempfile::tempdir().unwrap();
    let caps = remote::appium_capabilities(d.path());
    let mut with_secret: serde_json::Value = read(&caps);
    with_secret["appium:newCommandTimeout"] = serde_json::json!(0);
    with_secret["appium:options"] = serde_json::json!({"note": "${APPIUM_TEST_SECRET}"});
    std::fs::write(&caps, serde_json::to_vec(&with_secret).unwrap()).unwrap();
    let artifacts = d.path().join("artifacts");
    let out = collector(&artifacts, &mark)
        .env("APPIUM_TEST_SECRET", "s3cr3t-never-recorded")
        .args(["--env", "desktop-chromium", "--env", "mobile-android"])
        .args([
            "--workload",
            "steady-throughput",
            "--seeds",
            "11",
            "--iterations",
            "100",
        ])
        .args(["--chromium-binary", "/usr/bin/chromium"])
        .args(["--webdriver-url", &appium.url])
        .arg("--capabilities")
        .arg(&caps)
        .timeout(Duration::from_secs(600))
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}\nappium log:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr),
        appium.log("appium")
    );
    let text = std::fs::read_to_string(artifacts.join("wasm_budget_summary.json")).unwrap();
    assert!(
        !text.contains("s3cr3t"),
        "a capability secret reached the summary"
    );
    let recs: serde_json::Value = serde_json::from_str(&text).unwrap();
    let measured: Vec<&serde_json::Value> = recs["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["environment"] != "build" && r["status"] != "skip")
        .collect();
    assert!(measured
        .iter()
        .any(|r| r["environment"] == "mobile-android"));
    for r in measured {
        let d = &r["detail"];
        assert!(
            d["webdriver_endpoint"]
                .as_str()
                .unwrap()
                .starts_with(&appium.url),
            "{r}"
        );
        assert_eq!(d["platform_name"], "linux", "{r}");
        assert_eq!(d["concurrent_sessions"], 1, "{r}");
        assert_eq!(d["cross_origin_isolated"], true, "{r}");
        if r["environment"] == "mobile-android" {
            assert_eq!(d["device"], "emulated", "{r}");
            assert_eq!(
                d["cpu_throttle_rate"], 4.0,
                "the CDP throttle passes through Appium: {r}"
            );
        }
    }
    drop(appium);
    assert_nothing_left(&mark);
}
