//! `collector serve` as a real server on loopback: COOP/COEP headers, the three roots, and no path outside them.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start() -> (Serve, String) {
    start_with(&[])
}

fn start_with(extra: &[&str]) -> (Serve, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(&root)
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("collector serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("an address in the first line")
        .to_owned();
    (Serve(child), addr)
}

/// A raw request, so that no client normalizes `..` away.
fn get(addr: &str, path: &str) -> String {
    get_as(addr, addr, path)
}

fn get_as(addr: &str, host: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serves_roots_isolated_and_refuses_traversal() {
    let (_server, addr) = start();
    let page = get(&addr, "/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let lower = page.to_ascii_lowercase();
    assert!(lower.contains("cross-origin-opener-policy: same-origin"));
    assert!(lower.contains("cross-origin-embedder-policy: require-corp"));
    assert!(get(&addr, "/ci/wasm_perf_budgets.json").starts_with("HTTP/1.1 200"));
    for bad in [
        "/../Cargo.toml",
        "/ci/../Cargo.toml",
        "/dist/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/ci/..%2fCargo.toml",
    ] {
        let r = get(&addr, bad);
        assert!(!r.starts_with("HTTP/1.1 200"), "{bad} must be refused: {r}");
        assert!(!r.contains("[workspace]"), "{bad} leaked Cargo.toml");
    }
}

#[test]
fn refuses_links_out_of_a_root_node_modules_and_foreign_hosts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dist.path().join("core-min")).unwrap();
    std::fs::write(dist.path().join("core-min/ok.txt"), "served").unwrap();
    std::os::unix::fs::symlink(
        root.join("Cargo.toml").canonicalize().unwrap(),
        dist.path().join("core-min/leak.txt"),
    )
    .unwrap();
    std::fs::create_dir_all(dist.path().join("node_modules/pkg")).unwrap();
    std::fs::write(dist.path().join("node_modules/pkg/index.js"), "secret").unwrap();
    let (_server, addr) = start_with(&["--dist", dist.path().to_str().unwrap()]);
    let ok = get(&addr, "/dist/core-min/ok.txt");
    assert!(
        ok.starts_with("HTTP/1.1 200") && ok.ends_with("served"),
        "{ok}"
    );
    let leak = get(&addr, "/dist/core-min/leak.txt");
    assert!(
        !leak.starts_with("HTTP/1.1 200"),
        "a symlink out of dist/ was followed: {leak}"
    );
    assert!(!leak.contains("[workspace]"));
    let nm = get(&addr, "/dist/node_modules/pkg/index.js");
    assert!(
        !nm.starts_with("HTTP/1.1 200") && !nm.contains("secret"),
        "{nm}"
    );
    let port = addr.rsplit(':').next().unwrap();
    let rebound = get_as(&addr, &format!("attacker.example:{port}"), "/");
    assert!(
        rebound.starts_with("HTTP/1.1 421"),
        "DNS rebinding: {rebound}"
    );
    assert!(get_as(&addr, &format!("localhost:{port}"), "/").starts_with("HTTP/1.1 200"));
}
