//! `collector report` (and the reports `collector run` writes): the HTML page opened from `file://` in
//! real headless Chromium (no console errors, charts in the DOM, a screenshot kept), the JUnit XML read
//! by a real XML parser, the BMF JSON against Bencher's documented shape, failing, skipping, size-only
//! and broken inputs. The fixture is a reduced real run (2 seeds, 3 workloads, core-min, Chromium).

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use base64::Engine;
use serde_json::{json, Value};
use webdriver::Session;

const FILES: [&str; 4] = [
    "wasm_budget_report.html",
    "wasm_budget_summary.md",
    "wasm_budget_junit.xml",
    "wasm_budget_bmf.json",
];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report-run")
}

/// A fresh artifacts directory holding a copy of the fixture run.
fn artifacts() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), d.path());
    d
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn collector(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("collector").unwrap();
    c.current_dir(dir).arg("--artifacts-dir").arg(dir);
    c
}

fn report(dir: &Path) -> String {
    let out = collector(dir).arg("report").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "exit {:?}: {}{}",
        out.status.code(),
        text,
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn records(dir: &Path) -> Vec<Value> {
    read_json(&dir.join("wasm_budget_summary.json"))["records"]
        .as_array()
        .unwrap()
        .clone()
}

/// `metric profile environment framework/workload`, as the gate's keys print.
fn key(r: &Value) -> String {
    let mut k = format!(
        "{} {} {}",
        r["metric_id"].as_str().unwrap(),
        r["profile"].as_str().unwrap(),
        r["environment"].as_str().unwrap()
    );
    let d = &r["detail"];
    match (d["framework"].as_str(), d["workload"].as_str()) {
        (Some(f), Some(w)) => k.push_str(&format!(" {f}/{w}")),
        (None, Some(w)) => k.push_str(&format!(" {w}")),
        _ => {}
    }
    k
}

/// Test cases by status (`failure`, `skipped`, `pass`), checked against the records, and the suite names.
fn junit(dir: &Path) -> (usize, usize, usize, Vec<String>) {
    let text = std::fs::read_to_string(dir.join("wasm_budget_junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), records(dir).len(), "one test case per record");
    assert_eq!(
        root.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    let has = |n: &roxmltree::Node, t: &str| n.children().any(|c| c.has_tag_name(t));
    let failed = cases.iter().filter(|c| has(c, "failure")).count();
    let skipped = cases.iter().filter(|c| has(c, "skipped")).count();
    for c in cases
        .iter()
        .filter(|c| has(c, "failure") || has(c, "skipped"))
    {
        let why = c
            .children()
            .find(|n| n.has_tag_name("failure") || n.has_tag_name("skipped"))
            .unwrap();
        assert!(
            !why.attribute("message").unwrap_or("").is_empty(),
            "a failure or skip says why"
        );
    }
    let suites = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap().to_owned())
        .collect();
    (failed, skipped, cases.len() - failed - skipped, suites)
}

/// Bencher Metric Format: `{benchmark: {measure: {value, lower_value?, upper_value?}}}`, numbers only,
/// one benchmark per measured (not skipped) record key.
fn bmf(dir: &Path) {
    let doc = read_json(&dir.join("wasm_budget_bmf.json"));
    let benches = doc.as_object().expect("a JSON object");
    let measured: Vec<String> = records(dir)
        .iter()
        .filter(|r| r["status"] != "skip")
        .map(key)
        .collect();
    let mut names: Vec<&String> = benches.keys().collect();
    names.sort();
    let mut want: Vec<&String> = measured.iter().collect();
    want.sort();
    assert_eq!(names, want);
    for (name, measures) in benches {
        let measures = measures
            .as_object()
            .unwrap_or_else(|| panic!("{name}: not an object"));
        assert!(!measures.is_empty());
        for (slug, m) in measures {
            assert!(slug.len() <= 64 && !slug.is_empty(), "{slug}");
            let m = m.as_object().unwrap();
            assert!(m["value"].is_number(), "{name}/{slug}: value");
            for (k, v) in m {
                assert!(
                    ["value", "lower_value", "upper_value"].contains(&k.as_str()),
                    "{k}"
                );
                assert!(v.is_number());
            }
            if let (Some(lo), Some(hi)) = (m.get("lower_value"), m.get("upper_value")) {
                let v = m["value"].as_f64().unwrap();
                assert!(
                    lo.as_f64().unwrap() <= v && v <= hi.as_f64().unwrap(),
                    "{name}: {m:?}"
                );
            }
        }
    }
}

fn markdown(dir: &Path) -> String {
    let md = std::fs::read_to_string(dir.join("wasm_budget_summary.md")).unwrap();
    for l in md.lines() {
        assert!(l.chars().count() <= 80, "over 80 columns: {l:?}");
    }
    assert!(!md.contains("0.000"), "raw unscaled numbers: {md}");
    md
}

/// Runs the real gate on `dir`'s summary (writing its report and appending its events).
fn gate(dir: &Path) -> Option<i32> {
    let budgets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ci/wasm_perf_budgets.json");
    collector(dir)
        .args(["gate", "--profile", "core-min", "--commit", "c0ffee1"])
        .arg("--budgets")
        .arg(budgets)
        .arg("--measurements")
        .arg(dir.join("wasm_budget_summary.json"))
        .output()
        .unwrap()
        .status
        .code()
}

/// The summary with cold init over its hard budget and one metric skipped (as an environment that cannot
/// measure it writes it).
fn failing_with_a_skip(dir: &Path) {
    let p = dir.join("wasm_budget_summary.json");
    let mut s = read_json(&p);
    let recs = s["records"].as_array_mut().unwrap();
    let cold = recs
        .iter_mut()
        .find(|r| r["metric_id"] == "M-PERF-02A")
        .unwrap();
    cold["value"] = json!(75.5);
    cold["detail"]["per_seed_p95"] = json!([{"seed": 11, "p95": 74.1}, {"seed": 29, "p95": 75.5}]);
    let mut skip = recs
        .iter()
        .find(|r| r["metric_id"] == "M-PERF-04B")
        .unwrap()
        .clone();
    skip["metric_id"] = json!("M-PERF-04D");
    skip["unit"] = json!("percent");
    skip["value"] = Value::Null;
    skip["status"] = json!("skip");
    skip["detail"] = json!({"workload": "cancellation-storm", "framework": "vanilla-js", "skip_reason": "core-min is built without the trace feature: replay cannot be measured"});
    recs.push(skip);
    std::fs::write(&p, serde_json::to_vec_pretty(&s).unwrap()).unwrap();
}

#[test]
fn a_real_runs_reports_are_complete_and_consistent() {
    let d = artifacts();
    let said = report(d.path());
    for f in FILES {
        assert!(said.contains(f), "{said}");
        assert!(d.path().join(f).metadata().unwrap().len() > 100, "{f}");
    }
    let (failed, skipped, passed, suites) = junit(d.path());
    assert_eq!((failed, skipped, passed), (0, 0, 7));
    assert_eq!(suites, ["build core-min", "desktop-chromium core-min"]);
    bmf(d.path());
    let md = markdown(d.path());
    assert!(md.starts_with("## wasm budgets: PASS"), "{md}");
    let html = std::fs::read_to_string(d.path().join(FILES[0])).unwrap();
    for section in [
        "id=\"verdict\"",
        "id=\"budgets\"",
        "id=\"distributions\"",
        "id=\"phases\"",
        "id=\"sizes\"",
        "id=\"history\"",
        "id=\"baseline\"",
        "id=\"provenance\"",
    ] {
        assert!(html.contains(section), "{section}");
    }
    assert!(
        html.contains("href=\"raw/"),
        "raw files linked relative to the report"
    );
    assert!(only_svg_namespace(&html), "no network references");
}

/// The only URLs allowed are SVG's namespace identifiers (never fetched).
fn only_svg_namespace(html: &str) -> bool {
    !html.contains("https://")
        && html
            .match_indices("http://")
            .all(|(i, _)| html[i..].starts_with("http://www.w3.org/"))
}

#[test]
fn a_failing_run_with_a_skip_leads_with_the_breach() {
    let d = artifacts();
    failing_with_a_skip(d.path());
    assert_eq!(gate(d.path()), Some(1), "the gate fails the cold init");
    report(d.path());
    let (failed, skipped, passed, _) = junit(d.path());
    assert_eq!((failed, skipped, passed), (1, 1, 6));
    let xml = std::fs::read_to_string(d.path().join(FILES[2])).unwrap();
    assert!(
        xml.contains("&gt; hard 60 ms"),
        "the failure says why in readable units"
    );
    assert!(
        xml.contains("replay cannot be measured"),
        "the skip says why"
    );
    bmf(d.path());
    let md = markdown(d.path());
    assert!(md.starts_with("## wasm budgets: FAIL"), "{md}");
    let breach = md.find("### Breaches").expect("breaches listed");
    assert!(
        breach < md.find("<details>").unwrap(),
        "breaches come before the table"
    );
    assert!(md.contains("75.5 ms: > hard 60 ms"), "{md}");
    let html = std::fs::read_to_string(d.path().join(FILES[0])).unwrap();
    assert!(html.contains("class=\"verdict v-fail\""));
    assert!(html.find("Breaches").unwrap() < html.find("id=\"budgets\"").unwrap());
}

#[test]
fn two_adapters_merged_into_one_summary_are_reported_side_by_side() {
    let d = artifacts();
    let p = d.path().join("wasm_budget_summary.json");
    let mut s = read_json(&p);
    let named = |r: &Value, name: &str, times: f64| {
        let mut r = r.clone();
        r["detail"]["adapter_crate"] = json!({"name": name, "version": "0.1.0"});
        if let Some(v) = r["value"].as_f64() {
            r["value"] = json!(v * times);
        }
        r
    };
    let first: Vec<Value> = s["records"].as_array().unwrap().clone();
    let mut both: Vec<Value> = first.iter().map(|r| named(r, "a-adapter", 1.0)).collect();
    both.extend(first.iter().map(|r| named(r, "b-adapter", 2.0)));
    s["records"] = json!(both);
    std::fs::write(&p, serde_json::to_vec(&s).unwrap()).unwrap();
    std::fs::remove_file(d.path().join("wasm_perf_regression_report.json")).unwrap();
    report(d.path());
    let md = markdown(d.path());
    assert!(md.contains("### Adapters side by side"), "{md}");
    assert!(
        md.contains("| metric | a-adapter | b-adapter | × first |"),
        "{md}"
    );
    let lines = md.lines().filter(|l| l.contains("×2.00")).count();
    assert_eq!(
        lines,
        first
            .iter()
            .filter(|r| r["value"].as_f64().is_some_and(|v| v > 0.0))
            .count(),
        "{md}"
    );
    let html = std::fs::read_to_string(d.path().join(FILES[0])).unwrap();
    assert!(html.contains("id=\"adapters\""));
    let doc = read_json(&d.path().join(FILES[3]));
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert!(
        keys.iter().any(|k| k.ends_with("(a-adapter)"))
            && keys.iter().any(|k| k.ends_with("(b-adapter)")),
        "{keys:?}"
    );
}

#[test]
fn a_size_only_summary_renders_without_raw_files_or_gate_report() {
    let d = artifacts();
    let p = d.path().join("wasm_budget_summary.json");
    let mut s = read_json(&p);
    s["records"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["environment"] == "build");
    std::fs::write(&p, serde_json::to_vec(&s).unwrap()).unwrap();
    std::fs::remove_file(d.path().join("wasm_perf_regression_report.json")).unwrap();
    std::fs::remove_file(d.path().join("wasm_perf_gate_events.ndjson")).unwrap();
    std::fs::remove_dir_all(d.path().join("raw")).unwrap();
    report(d.path());
    assert_eq!(
        junit(d.path()),
        (0, 0, 2, vec!["build core-min".to_owned()])
    );
    bmf(d.path());
    let html = std::fs::read_to_string(d.path().join(FILES[0])).unwrap();
    assert!(html.contains("no regression report at"));
    assert!(html.contains("data-chart=\"sizes\""));
    assert!(!html.contains("data-chart=\"distribution\""));
}

#[test]
fn bad_input_exits_2_naming_the_file_and_keeps_every_report() {
    let d = artifacts();
    report(d.path());
    let before: Vec<Vec<u8>> = FILES
        .iter()
        .map(|f| std::fs::read(d.path().join(f)).unwrap())
        .collect();
    let gate_report = d.path().join("wasm_perf_regression_report.json");
    let mut g = read_json(&gate_report);
    g["results"][2]["status"] = json!("maybe");
    std::fs::write(&gate_report, serde_json::to_vec(&g).unwrap()).unwrap();
    let out = collector(d.path()).arg("report").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("wasm_perf_regression_report.json") && err.contains("$.results[2].status"),
        "{err}"
    );
    let out = collector(d.path())
        .arg("report")
        .arg("--summary")
        .arg(d.path().join("nope.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.json does not exist"));
    let after: Vec<Vec<u8>> = FILES
        .iter()
        .map(|f| std::fs::read(d.path().join(f)).unwrap())
        .collect();
    assert!(before == after, "earlier reports must stay byte-identical");
}

/// Page-side checks: errors the page raised (console.error, uncaught errors, failed or forbidden loads).
const HOOK: &str = "window.__reportErrors = [];
  const push = (m) => window.__reportErrors.push(String(m));
  const orig = console.error; console.error = (...a) => { push(a.join(' ')); orig.apply(console, a); };
  window.addEventListener('error', (e) => push(e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href)))), true);
  window.addEventListener('unhandledrejection', (e) => push('unhandled rejection ' + e.reason));
  document.addEventListener('securitypolicyviolation', (e) => push('CSP blocked ' + e.blockedURI));";

/// Opens `page` from `file://` and returns (errors the page raised, network requests, charts by kind).
async fn open(session: &Session, page: &Path) -> (Vec<String>, Value, Value) {
    session
        .goto(&format!("file://{}", page.display()))
        .await
        .unwrap();
    let errors = session
        .execute(
            "return window.__reportErrors || ['the error hook did not run'];",
            vec![],
        )
        .await
        .unwrap();
    let errors = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.to_string())
        .collect();
    let requests = session
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        )
        .await
        .unwrap();
    let charts = session
        .execute(
            "document.querySelectorAll('details').forEach(d => { d.open = true; });
             const out = {}; for (const f of document.querySelectorAll('figure.chart')) {
               const svg = f.querySelector('svg'); const k = f.dataset.chart;
               const marks = svg ? svg.querySelectorAll('rect, polyline, path, line, circle').length : 0;
               const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
               if (marks > 3 && box.width > 100 && box.height > 50) out[k] = (out[k] || 0) + 1; }
             return out;",
            vec![],
        )
        .await
        .unwrap();
    (errors, requests, charts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_report_opens_in_headless_chromium_with_its_charts() {
    let passing = artifacts();
    report(passing.path());
    let failing = artifacts();
    failing_with_a_skip(failing.path());
    gate(failing.path());
    report(failing.path());
    let broken = passing.path().join("broken.html");
    std::fs::write(&broken, "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"><img src=\"https://example.invalid/x.png\"><script>console.error('boom')</script>").unwrap();

    let session = common::chromium_with_hook(HOOK).await;
    let (bad, _, _) = open(&session, &broken).await;
    let (errors, requests, charts) = open(&session, &passing.path().join(FILES[0])).await;
    let shot = session
        .cdp(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        )
        .await;
    let (f_errors, _, f_charts) = open(&session, &failing.path().join(FILES[0])).await;
    let verdict = session
        .execute(
            "return document.querySelector('#verdict').textContent;",
            vec![],
        )
        .await
        .unwrap();
    session.close().await.unwrap();

    assert!(
        bad.len() >= 2,
        "the error hook must catch a forbidden load and console.error: {bad:?}"
    );
    assert!(errors.is_empty(), "console errors: {errors:?}");
    assert!(
        f_errors.is_empty(),
        "console errors (failing run): {f_errors:?}"
    );
    assert_eq!(requests, json!([]), "the report must not fetch anything");
    let want = json!({"headroom": 2, "distribution": 5, "phases": 1, "sizes": 1, "history": 7});
    assert_eq!(charts, want, "charts drawn in the DOM");
    assert_eq!(f_charts["headroom"], 2);
    assert!(verdict.as_str().unwrap().contains("FAIL"), "{verdict}");
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot.unwrap()["data"].as_str().unwrap())
        .unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot"
    );
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-e2e");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::write(keep.join("wasm_budget_report.png"), &png).unwrap();
    std::fs::write(passing.path().join("wasm_budget_report.png"), &png).unwrap();
}
