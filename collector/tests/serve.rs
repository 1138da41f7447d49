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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(&root)
        .args(["serve", "--port", "0"])
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
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
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
