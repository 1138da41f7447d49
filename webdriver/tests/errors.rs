//! Failure paths: missing drivers, bad driver binaries, unsupported
//! combinations and unresponsive endpoints all give clear errors.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use bench_webdriver::{BrowserTarget, DriverEnv, Error, Session, SessionConfig};
use common::test_env;

#[tokio::test]
async fn missing_driver_path_names_the_variable_and_fix() {
    let env = DriverEnv::empty().with("CHROMEDRIVER", "/nonexistent/chromedriver");
    let err = Session::start(SessionConfig::new(BrowserTarget::Chromium), &env)
        .await
        .expect_err("driver path does not exist");
    let text = err.to_string();
    assert!(matches!(err, Error::DriverPathInvalid { .. }), "{err:?}");
    assert!(text.contains("CHROMEDRIVER"), "{text}");
    assert!(text.contains("/nonexistent/chromedriver"), "{text}");

    let env = DriverEnv::empty().with("GECKODRIVER", "/nonexistent/geckodriver");
    let err = Session::start(SessionConfig::new(BrowserTarget::Firefox), &env)
        .await
        .expect_err("driver path does not exist");
    assert!(err.to_string().contains("GECKODRIVER"), "{err}");
}

#[tokio::test]
async fn no_driver_anywhere_says_how_to_install_one() {
    let empty = tempfile::tempdir().unwrap();
    let env = DriverEnv::empty().with("PATH", empty.path().as_os_str());
    let err = Session::start(SessionConfig::new(BrowserTarget::Chromium), &env)
        .await
        .expect_err("no chromedriver");
    let text = err.to_string();
    assert!(text.contains("chromedriver not found"), "{text}");
    assert!(text.contains("install chromium-driver"), "{text}");
    assert!(text.contains("CHROMEDRIVER=/path"), "{text}");
}

#[tokio::test]
async fn android_real_requires_a_remote_endpoint() {
    let err = Session::start(
        SessionConfig::new(BrowserTarget::AndroidReal {
            device_serial: None,
        }),
        &test_env(),
    )
    .await
    .expect_err("no remote URL");
    assert!(
        matches!(err, Error::AndroidRealNeedsRemote { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("remote WebDriver URL"), "{err}");
}

#[tokio::test]
async fn a_driver_that_dies_at_startup_reports_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("chromedriver");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho \"fake driver: cannot start on $1\" >&2\nexit 3\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let env = DriverEnv::empty().with("CHROMEDRIVER", fake.as_os_str());
    let err = Session::start(SessionConfig::new(BrowserTarget::Chromium), &env)
        .await
        .expect_err("fake driver exits");
    let text = err.to_string();
    assert!(matches!(err, Error::DriverExited { .. }), "{err:?}");
    assert!(
        text.contains("fake driver: cannot start on --port="),
        "{text}"
    );
}

#[tokio::test]
async fn a_driver_that_never_gets_ready_times_out_and_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("geckodriver");
    let pid_file = dir.path().join("pid");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho $$ > {}\necho 'fake driver hanging' >&2\nexec sleep 600\n",
            pid_file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let env = DriverEnv::empty().with("GECKODRIVER", fake.as_os_str());
    let err = Session::start(
        SessionConfig::new(BrowserTarget::Firefox).startup_timeout(Duration::from_secs(3)),
        &env,
    )
    .await
    .expect_err("fake driver never answers");
    assert!(matches!(err, Error::DriverNotReady { .. }), "{err:?}");
    assert!(err.to_string().contains("fake driver hanging"), "{err}");
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let left = common::survivors_after(&common::process_tree(pid), Duration::from_secs(30));
    assert!(
        left.is_empty(),
        "fake driver survived: {}",
        common::describe(&left)
    );
}

#[tokio::test]
async fn an_unresponsive_remote_endpoint_times_out() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    let err = Session::start(
        SessionConfig::new(BrowserTarget::Chromium)
            .remote_url(format!("http://{addr}"))
            .startup_timeout(Duration::from_secs(2)),
        &DriverEnv::empty(),
    )
    .await
    .expect_err("endpoint never answers");
    assert!(matches!(err, Error::SessionStartTimeout { .. }), "{err:?}");
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

#[tokio::test]
async fn an_unreachable_remote_endpoint_is_a_clear_error() {
    let port = bench_webdriver::free_loopback_port().unwrap();
    let err = Session::start(
        SessionConfig::new(BrowserTarget::Firefox).remote_url(format!("http://127.0.0.1:{port}/")),
        &DriverEnv::empty(),
    )
    .await
    .expect_err("nothing listens there");
    assert!(matches!(err, Error::SessionNotCreated { .. }), "{err:?}");
    assert!(err.to_string().contains("unreachable"), "{err}");
}
