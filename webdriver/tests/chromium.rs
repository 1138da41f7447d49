//! Real headless Chromium (desktop and emulated Android) through chromedriver.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use bench_webdriver::{BrowserTarget, DriverKind, DriverProcess, Session, SessionConfig};
use common::{describe, process_tree, serve_page, survivors_after, test_env};
use serde_json::json;

const GONE_WITHIN: Duration = Duration::from_secs(30);

fn user_data_dir(session: &Session) -> Option<PathBuf> {
    session.capabilities()["chrome"]["userDataDir"]
        .as_str()
        .map(PathBuf::from)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_chromium_runs_scripts_reports_itself_and_cleans_up() {
    let url = serve_page().await;
    let session = Session::start(SessionConfig::new(BrowserTarget::Chromium), &test_env())
        .await
        .expect("start chromium session");

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
    assert_eq!(
        session
            .execute(
                "return arguments[0] + arguments[1];",
                vec![json!(2), json!(3)]
            )
            .await
            .unwrap(),
        json!(5)
    );
    let async_result = session
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             setTimeout(() => done({ echoed: arguments[0] }), 10);",
            vec![json!("ping")],
        )
        .await
        .expect("execute_async");
    assert_eq!(async_result, json!({ "echoed": "ping" }));

    let info = session.browser_info().await.expect("browser_info");
    assert_eq!(info.target, "chromium");
    assert!(info.browser_name.contains("chrom"), "{info:?}");
    assert!(
        info.browser_version
            .starts_with(|c: char| c.is_ascii_digit()),
        "{info:?}"
    );
    let major = info.browser_version.split('.').next().unwrap();
    assert!(
        info.user_agent.contains(&format!("Chrome/{major}")),
        "{info:?}"
    );
    assert_eq!(info.driver, "chromedriver");
    assert!(
        info.driver_version
            .as_deref()
            .unwrap_or("")
            .starts_with(major),
        "{info:?}"
    );
    assert!(!info.emulated && info.emulation.is_none() && info.cpu_throttle_rate.is_none());
    assert!(!info.remote);

    let pid = session.driver_pid().expect("local driver pid");
    let tree = process_tree(pid);
    assert!(
        tree.len() > 1,
        "browser should run under the driver: {}",
        describe(&tree)
    );
    let profile = user_data_dir(&session).expect("chromedriver reports userDataDir");
    assert!(profile.exists());

    session.close().await.expect("close");
    let left = survivors_after(&tree, GONE_WITHIN);
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
async fn emulated_android_is_mobile_throttled_and_reported_as_emulated() {
    let url = serve_page().await;
    let session = Session::start(
        SessionConfig::new(BrowserTarget::android_emulated()),
        &test_env(),
    )
    .await
    .expect("start emulated android session");
    session.goto(&url).await.expect("goto");

    let view = session
        .execute(
            "return { w: window.innerWidth, dpr: window.devicePixelRatio,\
                      touch: navigator.maxTouchPoints, ua: navigator.userAgent,\
                      mobile: matchMedia('(pointer: coarse)').matches };",
            vec![],
        )
        .await
        .expect("read viewport");
    assert_eq!(view["w"], json!(412), "{view}");
    assert_eq!(view["dpr"], json!(2.625), "{view}");
    assert!(view["touch"].as_u64().unwrap_or(0) > 0, "{view}");

    let info = session.browser_info().await.expect("browser_info");
    assert_eq!(info.target, "android-emulated");
    assert!(info.emulated);
    assert!(info.user_agent.contains("Android"), "{info:?}");
    assert!(info.user_agent.contains("Mobile"), "{info:?}");
    let major = info.browser_version.split('.').next().unwrap();
    assert!(
        info.user_agent.contains(&format!("Chrome/{major}")),
        "{info:?}"
    );
    let platform = session
        .execute(
            "return navigator.userAgentData && navigator.userAgentData.platform;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(platform, json!("Android"));
    assert_eq!(view["ua"].as_str(), Some(info.user_agent.as_str()));
    assert_eq!(info.cpu_throttle_rate, Some(4.0));
    let emulation = info.emulation.expect("emulation profile reported");
    assert_eq!((emulation.width, emulation.height), (412, 915));

    // The CDP passthrough answers directly, too.
    let reply = session
        .cdp("Emulation.setCPUThrottlingRate", json!({ "rate": 4 }))
        .await
        .expect("CDP passthrough");
    assert!(reply.is_null() || reply.is_object(), "{reply}");

    let tree = process_tree(session.driver_pid().unwrap());
    session.close().await.expect("close");
    let left = survivors_after(&tree, GONE_WITHIN);
    assert!(
        left.is_empty(),
        "still running after close: {}",
        describe(&left)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_session_kills_driver_and_browser() {
    let url = serve_page().await;
    let session = Session::start(SessionConfig::new(BrowserTarget::Chromium), &test_env())
        .await
        .expect("start chromium session");
    session.goto(&url).await.expect("goto");
    let tree = process_tree(session.driver_pid().unwrap());
    assert!(tree.len() > 1, "{}", describe(&tree));
    let profile = user_data_dir(&session).expect("userDataDir");
    drop(session);
    let left = survivors_after(&tree, GONE_WITHIN);
    assert!(
        left.is_empty(),
        "still running after drop: {}",
        describe(&left)
    );
    assert!(
        !profile.exists(),
        "temporary profile {profile:?} was not removed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_browser_gives_errors_not_hangs() {
    let url = serve_page().await;
    let session = Session::start(SessionConfig::new(BrowserTarget::Chromium), &test_env())
        .await
        .expect("start chromium session");
    session.goto(&url).await.expect("goto");
    let driver_pid = session.driver_pid().unwrap();
    let tree = process_tree(driver_pid);
    for proc in tree.iter().filter(|p| p.pid != driver_pid) {
        // SAFETY: plain kill(2) of a process this test started.
        unsafe {
            libc::kill(proc.pid as i32, libc::SIGKILL);
        }
    }
    let err = session
        .execute("return 1;", vec![])
        .await
        .expect_err("the browser is gone");
    assert!(err.is_session_lost(), "{err}");
    assert!(err.to_string().contains("execute"), "{err}");
    // close still tears everything down (it may report the dead session).
    let _ = session.close().await;
    let left = survivors_after(&tree, GONE_WITHIN);
    assert!(
        left.is_empty(),
        "still running after close: {}",
        describe(&left)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_url_uses_an_existing_endpoint() {
    let url = serve_page().await;
    let env = test_env();
    let chromedriver = match bench_webdriver::discover(DriverKind::Chromedriver, None, &env)
        .expect("chromedriver installed")
    {
        bench_webdriver::DriverLocation::Local { path, .. } => path,
        other => panic!("expected a local chromedriver, got {other:?}"),
    };
    let driver = DriverProcess::spawn(
        DriverKind::Chromedriver,
        &chromedriver,
        Duration::from_secs(60),
        None,
    )
    .await
    .expect("spawn chromedriver");
    let session = Session::start(
        SessionConfig::new(BrowserTarget::Chromium).remote_url(driver.url().trim_end_matches('/')),
        &env,
    )
    .await
    .expect("start remote session");
    assert_eq!(session.driver_pid(), None);
    assert_eq!(session.webdriver_url(), driver.url());
    session.goto(&url).await.expect("goto");
    let info = session.browser_info().await.expect("browser_info");
    assert!(info.remote);
    assert!(info.driver_version.is_some(), "{info:?}");
    session.close().await.expect("close");

    let tree = process_tree(driver.pid());
    driver.shutdown(Duration::from_secs(5)).await;
    let left = survivors_after(&tree, GONE_WITHIN);
    assert!(
        left.is_empty(),
        "still running after shutdown: {}",
        describe(&left)
    );
}
