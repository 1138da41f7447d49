//! The developer's page (and the framework hosts on the same page core) under `collector serve`, opened
//! in real headless Chromium with a reduced protocol:
//! it paints progress, per-seed distribution plots and budget bars while a seed is still running (frames
//! recorded by `requestAnimationFrame`, which only runs when the browser renders), and at the end shows
//! every picture with no console error; a screenshot is kept and no process is left behind.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};
use webdriver::Session;

/// Stops the server however the test ends (its stdout is kept open: it prints more than one line).
struct Serve(
    Child,
    #[allow(dead_code)] BufReader<std::process::ChildStdout>,
);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `collector serve` on a free loopback port; its address.
fn serve() -> (Serve, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
        .current_dir(common::root())
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("collector serve starts");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("first line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("an address in the first line")
        .to_owned();
    (Serve(child, out), addr)
}

/// Before any page script: errors the page raises, and what each rendered frame showed (a frame is
/// recorded when the progress line or the number of pictures changed).
const HOOK: &str = "window.__errors = []; window.__frames = [];
  const push = (m) => window.__errors.push(String(m));
  const orig = console.error; console.error = (...a) => { push(a.join(' ')); orig.apply(console, a); };
  window.addEventListener('error', (e) => push(e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href)))), true);
  window.addEventListener('unhandledrejection', (e) => push('unhandled rejection ' + e.reason));
  const frame = () => {
    const p = document.getElementById('live-progress');
    const f = { text: p ? p.textContent : '',
                rows: document.querySelectorAll('#results tbody tr').length,
                plots: document.querySelectorAll('#live-plots figure svg').length,
                bars: document.querySelectorAll('#live-bars svg').length };
    const last = window.__frames[window.__frames.length - 1];
    if (f.text && (!last || last.text !== f.text || last.plots !== f.plots || last.bars !== f.bars)) window.__frames.push(f);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);";

/// The reduced protocol: one workload, two seeds, enough timed batches that a seed spans many yields.
const QUERY: &str =
    "?profile=core-min&workloads=steady-throughput&seeds=11,29&iterations=2000&warmup=50&autorun=1";

/// The developer's page and the framework hosts built on the same page core.
const PAGES: [(&str, &str); 4] = [
    ("vanilla-js", ""),
    ("typescript-sdk", "dist/hosts/typescript-sdk/"),
    ("react", "dist/hosts/react/"),
    ("nextjs", "dist/hosts/nextjs/"),
];

#[test]
fn the_local_page_paints_progress_and_pictures_while_a_seed_runs() {
    let _serial = common::SERIAL.lock();
    common::dist();
    for (fw, path) in &PAGES[1..] {
        assert!(
            common::root().join(path).join("index.html").is_file(),
            "{path} is missing ({fw}): run ci/build-hosts.sh first (ci/test.sh does)"
        );
    }
    let mark = common::marker();
    // Inherited by the server, the driver and the browser, so the last check finds any of them.
    std::env::set_var("WASM_BUDGET_TEST_MARK", &mark);
    let (server, addr) = serve();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let seen = runtime.block_on(watch_all(&addr));
    drop(server);
    common::assert_nothing_left(&mark);
    let out = common::root().join("artifacts/live-page");
    std::fs::create_dir_all(&out).unwrap();
    for (fw, watched) in seen {
        check(fw, &watched);
        std::fs::write(out.join(format!("live_page_{fw}.png")), &watched.png).unwrap();
    }
}

/// What one page showed: every frame, the end state, its errors and a screenshot.
struct Watched {
    frames: Value,
    end: Value,
    errors: Value,
    png: Vec<u8>,
}

fn check(fw: &str, w: &Watched) {
    let frames = w.frames.as_array().expect("frames");
    let mid_seed: Vec<&Value> = frames
        .iter()
        .filter(|f| f["rows"] == 0 && f["text"].as_str().unwrap_or("").contains("seed 11"))
        .collect();
    let texts: std::collections::BTreeSet<&str> = mid_seed
        .iter()
        .filter_map(|f| f["text"].as_str())
        .filter(|t| t.contains("timed batches") || t.contains("per operation"))
        .collect();
    assert!(
        texts.len() >= 2,
        "{fw}: the progress line must change in frames painted before the first seed completed: {frames:#?}"
    );
    assert!(
        mid_seed.iter().any(|f| f["plots"].as_u64() >= Some(1)),
        "{fw}: a distribution plot must be painted before the first seed completed: {frames:#?}"
    );
    assert!(
        mid_seed.iter().any(|f| f["bars"].as_u64() >= Some(1)),
        "{fw}: budget bars must be painted before the first seed completed: {frames:#?}"
    );
    assert_eq!(w.errors, json!([]), "{fw}: console errors");
    let end = &w.end;
    assert_eq!(
        end["rows"], 2,
        "{fw}: reserve-send and spawn-join rows: {end}"
    );
    assert_eq!(
        end["plots"], 2,
        "{fw}: one distribution plot per probe: {end}"
    );
    assert!(end["bars"].as_u64() >= Some(1), "{fw}: {end}");
    assert!(
        end["legend_seeds"].as_u64() >= Some(4),
        "{fw}: both seeds in both plots: {end}"
    );
    assert!(
        end["text"]
            .as_str()
            .unwrap_or("")
            .contains("done (run 2 of 2)"),
        "{fw}: {end}"
    );
    assert!(
        w.png.starts_with(b"\x89PNG") && w.png.len() > 20_000,
        "{fw}: a real screenshot"
    );
}

/// Opens each page in one headless Chromium session and watches it run its matrix.
async fn watch_all(addr: &str) -> Vec<(&'static str, Watched)> {
    let session = common::chromium_with_hook(HOOK).await;
    let mut seen = Vec::new();
    for (fw, path) in PAGES {
        session
            .goto(&format!("http://{addr}/{path}{QUERY}"))
            .await
            .unwrap();
        seen.push((fw, watch(&session).await));
    }
    session.close().await.unwrap();
    seen
}

/// Waits for the open page to finish; what it showed.
async fn watch(session: &Session) -> Watched {
    let end = finished(session).await;
    let frames = session.execute("return window.__frames;", vec![]).await;
    let errors = session.execute("return window.__errors;", vec![]).await;
    let shot = session
        .cdp(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        )
        .await;
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot.unwrap()["data"].as_str().unwrap())
        .unwrap();
    Watched {
        frames: frames.unwrap(),
        end,
        errors: errors.unwrap(),
        png,
    }
}

/// Polls until the page says the run is done (or failed); a generous limit so a hung page fails.
async fn finished(session: &Session) -> Value {
    const STATE: &str =
        "return { text: (document.getElementById('live-progress') || {}).textContent || '',
        status: document.getElementById('status').textContent,
        log: document.getElementById('log').textContent,
        rows: document.querySelectorAll('#results tbody tr').length,
        plots: document.querySelectorAll('#live-plots figure svg').length,
        bars: document.querySelectorAll('#live-bars svg').length,
        legend_seeds: [...document.querySelectorAll('#live-plots figure svg text')]
          .filter((t) => /^seed \\d+$/.test(t.textContent.trim())).length };";
    let limit = Instant::now() + Duration::from_secs(600);
    loop {
        let state = session.execute(STATE, vec![]).await.unwrap();
        if state["status"] == "done" || state["log"] != "" {
            return state;
        }
        assert!(Instant::now() < limit, "the page never finished: {state}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
