//! Real headless Firefox through geckodriver.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use bench_webdriver::{BrowserTarget, Session, SessionConfig};
use common::{describe, process_tree, serve_page, survivors_after, test_env};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_firefox_runs_scripts_reports_itself_and_cleans_up() {
    let url = serve_page().await;
    let session = Session::start(SessionConfig::new(BrowserTarget::Firefox), &test_env())
        .await
        .expect("start firefox session (is geckodriver installed? cargo install geckodriver)");

    session.goto(&url).await.expect("goto");
    assert_eq!(
        session
            .execute("return document.title;", vec![])
            .await
            .unwrap(),
        json!("webdriver test page")
    );
    assert_eq!(
        session
            .execute("return window.pageLoaded;", vec![])
            .await
            .unwrap(),
        json!(42)
    );
    let async_result = session
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             setTimeout(() => done(arguments[0] * 2), 10);",
            vec![json!(21)],
        )
        .await
        .expect("execute_async");
    assert_eq!(async_result, json!(42));

    let info = session.browser_info().await.expect("browser_info");
    assert_eq!(info.target, "firefox");
    assert_eq!(info.browser_name, "firefox");
    let major = info.browser_version.split('.').next().unwrap().to_owned();
    assert!(major.parse::<u32>().is_ok(), "{info:?}");
    assert!(info.user_agent.contains("Firefox/"), "{info:?}");
    assert!(info.user_agent.contains(&format!("rv:{major}")), "{info:?}");
    assert_eq!(info.driver, "geckodriver");
    assert!(info.driver_version.is_some(), "{info:?}");
    assert!(!info.emulated);

    // The browser uses the fresh profile this crate made.
    let profile = session.capabilities()["moz:profile"]
        .as_str()
        .map(PathBuf::from)
        .expect("geckodriver reports moz:profile");
    assert!(profile.exists());
    let prefs = std::fs::read_to_string(profile.join("user.js")).unwrap_or_default();
    assert!(prefs.contains("app.normandy.enabled"), "user.js: {prefs}");

    let tree = process_tree(session.driver_pid().expect("local driver"));
    assert!(
        tree.len() > 1,
        "browser should run under the driver: {}",
        describe(&tree)
    );
    session.close().await.expect("close");
    let left = survivors_after(&tree, Duration::from_secs(30));
    assert!(
        left.is_empty(),
        "still running after close: {}",
        describe(&left)
    );
    assert!(
        !profile.exists(),
        "temporary profile {profile:?} was not removed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_rejects_cdp() {
    let session = Session::start(SessionConfig::new(BrowserTarget::Firefox), &test_env())
        .await
        .expect("start firefox session");
    let err = session
        .cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 2 }))
        .await
        .expect_err("CDP is chromium-only");
    assert!(err.to_string().contains("Chromium"), "{err}");
    session.close().await.expect("close");
}
