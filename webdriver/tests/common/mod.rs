//! Shared helpers for the real-browser tests: a tiny page server, the
//! discovery environment, and /proc-based process checks.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use bench_webdriver::DriverEnv;

pub const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>webdriver test page</title></head>
<body><p id="msg">hello from the test server</p>
<script>window.pageLoaded = 40 + 2;</script></body></html>"#;

/// Serve [`PAGE`] at `/` on 127.0.0.1 (random port); returns its URL.
pub async fn serve_page() -> String {
    let app = Router::new().route("/", get(|| async { Html(PAGE) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind test server");
    let addr = listener.local_addr().expect("test server address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/")
}

/// The process environment with `~/.cargo/bin` (where `cargo install
/// geckodriver` puts it) and `/usr/bin` appended to PATH.
pub fn test_env() -> DriverEnv {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.push(PathBuf::from("/usr/bin"));
    let path: OsString = std::env::join_paths(dirs).expect("join PATH");
    DriverEnv::from_process_env().with("PATH", path)
}

/// A process identity that survives pid reuse: (pid, start time in ticks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Proc {
    pub pid: u32,
    pub start: u64,
}

struct Stat {
    state: char,
    ppid: u32,
    pgrp: u32,
    start: u64,
}

fn read_stat(pid: u32) -> Option<Stat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces.
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(Stat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(1)?.parse().ok()?,
        pgrp: fields.get(2)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// `pid` itself, every live descendant, and every live member of the
/// process group `pid` leads.
pub fn process_tree(pid: u32) -> Vec<Proc> {
    let stats: HashMap<u32, Stat> = all_pids()
        .into_iter()
        .filter_map(|p| read_stat(p).map(|s| (p, s)))
        .collect();
    let mut found: HashSet<u32> = HashSet::from([pid]);
    loop {
        let before = found.len();
        for (p, s) in &stats {
            if found.contains(&s.ppid) || s.pgrp == pid {
                found.insert(*p);
            }
        }
        if found.len() == before {
            break;
        }
    }
    found
        .into_iter()
        .filter_map(|p| {
            let s = stats.get(&p)?;
            (s.state != 'Z' && s.state != 'X').then_some(Proc {
                pid: p,
                start: s.start,
            })
        })
        .collect()
}

/// True while the process exists and is not a zombie.
pub fn is_alive(proc: Proc) -> bool {
    match read_stat(proc.pid) {
        Some(s) => s.start == proc.start && s.state != 'Z' && s.state != 'X',
        None => false,
    }
}

/// Wait (generously) for every process to be gone; returns survivors.
pub fn survivors_after(procs: &[Proc], limit: Duration) -> Vec<Proc> {
    let deadline = Instant::now() + limit;
    loop {
        let alive: Vec<Proc> = procs.iter().copied().filter(|p| is_alive(*p)).collect();
        if alive.is_empty() || Instant::now() >= deadline {
            return alive;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Command names of processes, for assertion messages.
pub fn describe(procs: &[Proc]) -> String {
    procs
        .iter()
        .map(|p| {
            let comm = std::fs::read_to_string(format!("/proc/{}/comm", p.pid)).unwrap_or_default();
            format!("{}:{}", p.pid, comm.trim())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
