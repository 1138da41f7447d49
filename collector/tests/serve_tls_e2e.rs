//! A page a remote browser opens by another name: `--public-origin` over HTTPS (rustls, an rcgen certificate)
//! stays cross-origin isolated; over plain http it is not, and the run fails closed unless
//! `--allow-not-isolated`, whose records say so. Real headless Chromium, its resolver mapping the name here.

mod common;

use std::time::Duration;

use common::{assert_nothing_left, collector, marker, read, SERIAL};

const RESOLVE: &str =
    r#"goog:chromeOptions={"args":["--host-resolver-rules=MAP bench.test 127.0.0.1"]}"#;

fn run(
    dir: &std::path::Path,
    mark: &str,
    origin: &str,
    port: u16,
    extra: &[&str],
) -> std::process::Output {
    collector(dir, mark)
        .args([
            "--workload",
            "steady-throughput",
            "--seeds",
            "11",
            "--iterations",
            "100",
        ])
        .args(["--port", &port.to_string(), "--public-origin", origin])
        .args(["--capability", RESOLVE])
        .args(extra)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn https_public_origin_stays_isolated_and_plain_http_fails_closed() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mark = marker();
    let d = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["bench.test".to_owned()]).unwrap();
    let (cert_pem, key_pem) = (d.path().join("cert.pem"), d.path().join("key.pem"));
    std::fs::write(&cert_pem, cert.cert.pem()).unwrap();
    std::fs::write(&key_pem, cert.key_pair.serialize_pem()).unwrap();

    let port = free_port();
    let tls = d.path().join("tls");
    let out = run(
        &tls,
        &mark,
        &format!("https://bench.test:{port}"),
        port,
        &[
            "--tls-cert",
            cert_pem.to_str().unwrap(),
            "--tls-key",
            key_pem.to_str().unwrap(),
            "--capability",
            "acceptInsecureCerts=true",
        ],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for r in read(&tls.join("wasm_budget_summary.json"))["records"]
        .as_array()
        .unwrap()
    {
        if r["environment"] != "build" && r["status"] != "skip" {
            assert_eq!(r["detail"]["cross_origin_isolated"], true, "{r}");
        }
    }

    let plain = d.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(
        plain.join("wasm_budget_summary.json"),
        b"{\"previous\": true}",
    )
    .unwrap();
    let port = free_port();
    let out = run(
        &plain,
        &mark,
        &format!("http://bench.test:{port}"),
        port,
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not cross-origin isolated") && err.contains("--tls-cert"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(plain.join("wasm_budget_summary.json")).unwrap(),
        b"{\"previous\": true}"
    );

    let port = free_port();
    let out = run(
        &plain,
        &mark,
        &format!("http://bench.test:{port}"),
        port,
        &["--allow-not-isolated"],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for r in read(&plain.join("wasm_budget_summary.json"))["records"]
        .as_array()
        .unwrap()
    {
        if r["environment"] != "build" && r["status"] != "skip" {
            assert_eq!(r["detail"]["cross_origin_isolated"], false, "labelled: {r}");
        }
    }
    assert_nothing_left(&mark);
}
