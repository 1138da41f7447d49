//! Size attribution end to end: core-min built again with a planted function and data blob
//! (`collector build --plant-size-growth`), attributed against the normal build; the planted parts
//! are the top growers, with sizes checked against binaryen's own count (`wasm-opt --func-metrics`);
//! the unmodified module's parts add up to its raw size; a module without names is attributed by
//! index and says so; the reports show it (the HTML page opened in headless Chromium).

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use common::{dist, read, root};

/// The planted blob (`harness-wasm/src/planted.rs`).
const BLOB_BYTES: f64 = 16384.0;

fn planted_build(dir: &Path) {
    let err = common::build_variant(dir, &["--plant-size-growth"]);
    assert!(!err.contains("no names companion"), "{err}");
    let built = read(&dir.join("core-min/build.json"));
    assert_eq!(built["planted_size_growth"], true, "recorded in build.json");
}

/// `collector size FILE --attribute [--against BASE]` into `out`; returns the attribution file.
fn attribute(out: &Path, file: &Path, against: Option<&Path>) -> Value {
    let mut c = Command::cargo_bin("collector").unwrap();
    c.current_dir(root())
        .arg("--artifacts-dir")
        .arg(out)
        .args([
            "size",
            "--profile",
            "core-min",
            "--attribute",
            "--commit",
            "t",
        ])
        .arg(file);
    if let Some(b) = against {
        c.arg("--against").arg(b);
    }
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    read(&out.join("wasm_size_attribution.json"))
}

/// binaryen's metrics of a module: per function name its `[binary-bytes]`, and `[memory-data]`.
fn func_metrics(module: &Path) -> (Vec<(String, f64)>, f64) {
    let o = std::process::Command::new(root().join("target/tools/node_modules/.bin/wasm-opt"))
        .args(["--all-features", "--func-metrics"])
        .arg(module)
        .args(["-o", "/dev/null"])
        .output()
        .expect("npm's binaryen (ci/setup.sh installs it)");
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    let mut funcs = Vec::new();
    let mut data = 0.0;
    let mut current = None;
    for line in text.lines() {
        if let Some(f) = line.strip_prefix("func: ") {
            current = Some(f.to_owned());
        } else if let Some(v) = line.trim().strip_prefix("[binary-bytes] :") {
            funcs.push((current.clone().unwrap(), v.trim().parse().unwrap()));
        } else if let Some(v) = line.trim().strip_prefix("[memory-data]  :") {
            data = v.trim().parse().unwrap();
        }
    }
    (funcs, data)
}

fn within_1pct(ours: f64, theirs: f64, what: &str) {
    assert!(
        (ours - theirs).abs() <= 0.01 * theirs,
        "{what}: ours {ours}, independent count {theirs}"
    );
}

fn module(file: &Value) -> &Value {
    &file["modules"][0]
}

#[test]
fn the_unmodified_modules_parts_add_up_and_a_module_without_names_says_so() {
    let out = tempfile::tempdir().unwrap();
    let wasm = dist().join("core-min/harness_bg.wasm");
    let a = attribute(out.path(), &wasm, None);
    let a = &module(&a)["attribution"];
    let len = std::fs::metadata(&wasm).unwrap().len();
    let sum: u64 = a["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, len, "every byte in exactly one part");
    assert_eq!(a["raw_bytes"], len);
    let groups: u64 = a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(groups, len);
    assert_eq!(
        a["named"], true,
        "core-min is named through its companion: {}",
        a["names"]
    );
    assert!(a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["name"] == "runtime" && g["bytes"].as_u64().unwrap() > 1000));
    let summary = read(&out.path().join("wasm_budget_summary.json"));
    let rec = &summary["records"][0]["detail"];
    assert_eq!(
        rec["size_breakdown"], a["groups"],
        "the record carries the breakdown"
    );

    // The same bytes alone, without the companion: attributed by index, and said so.
    let lone = out.path().join("lone");
    std::fs::create_dir_all(&lone).unwrap();
    std::fs::copy(&wasm, lone.join("m.wasm")).unwrap();
    let b = attribute(&lone, &lone.join("m.wasm"), None);
    let b = &module(&b)["attribution"];
    assert_eq!(b["named"], false);
    assert!(
        b["names"].as_str().unwrap().contains("by index"),
        "{}",
        b["names"]
    );
    assert!(b["parts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"].as_str().unwrap().starts_with("func[")));
    assert_eq!(b["raw_bytes"], len);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_function_and_data_blob_are_named_as_the_top_growers_in_every_report() {
    let planted = tempfile::tempdir().unwrap();
    planted_build(planted.path());
    let module_path = planted.path().join("core-min/harness_bg.wasm");
    let out = tempfile::tempdir().unwrap();
    let file = attribute(
        out.path(),
        &module_path,
        Some(&dist().join("core-min/harness_bg.wasm")),
    );
    let d = &module(&file)["against"];
    assert_eq!(d["by_name"], true);
    let new = &d["new_functions"][0];
    assert_eq!(new["name"], "harness_wasm::planted::size_growth", "{d}");
    let grew: f64 = new["delta"].as_f64().unwrap();
    let others = d["growers"]
        .as_array()
        .unwrap()
        .iter()
        .chain(d["new_functions"].as_array().unwrap());
    for c in others.filter(|c| c["name"] != new["name"]) {
        assert!(
            c["delta"].as_f64().unwrap() < grew / 4.0,
            "the planted function leads: {c}"
        );
    }
    let data = d["data"]["delta"].as_f64().unwrap();
    within_1pct(data, BLOB_BYTES, "data growth against the planted blob");
    assert!(data > grew, "the blob is the largest growth");

    // Independent counts: binaryen's own metrics of the named companion and of the base.
    let (funcs, data_now) = func_metrics(&planted.path().join("core-min/names/harness_bg.wasm"));
    let (_, data_base) = func_metrics(&dist().join("core-min/names/harness_bg.wasm"));
    let theirs = funcs
        .iter()
        .find(|(n, _)| n.contains("planted") && n.contains("size_growth"))
        .expect("binaryen sees the planted function")
        .1;
    within_1pct(grew, theirs, "the planted function's bytes");
    within_1pct(
        data,
        data_now - data_base,
        "data growth against binaryen's [memory-data]",
    );

    // The reports: the HTML section with its charts (headless Chromium) and the Markdown table.
    let sources = out.path();
    let o = Command::cargo_bin("collector")
        .unwrap()
        .arg("--artifacts-dir")
        .arg(sources)
        .arg("report")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = std::fs::read_to_string(sources.join("wasm_budget_summary.md")).unwrap();
    assert!(
        md.contains("| `harness_wasm::planted::size_growth` |"),
        "{md}"
    );
    assert!(md.contains("| `data segments` |"), "{md}");
    let page: PathBuf = sources.join("wasm_budget_report.html");
    let session = common::chromium_with_hook("").await;
    session
        .goto(&format!("file://{}", page.display()))
        .await
        .unwrap();
    let seen = session
        .execute(
            "const f = [...document.querySelectorAll('figure.chart')].map(x => x.dataset.chart);
             const s = document.querySelector('#size-attribution');
             return {charts: f, section: !!s, text: document.body.innerText};",
            vec![],
        )
        .await
        .unwrap();
    session.close().await.unwrap();
    let charts: Vec<&str> = seen["charts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        seen["section"].as_bool().unwrap(),
        "the size section is on the page"
    );
    assert!(
        charts.contains(&"size-groups") && charts.contains(&"size-crates"),
        "{charts:?}"
    );
    assert!(seen["text"]
        .as_str()
        .unwrap()
        .contains("harness_wasm::planted::size_growth"));
}
