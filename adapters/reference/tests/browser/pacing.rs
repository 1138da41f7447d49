//! `run_scenario` as the page calls it: async, handing the event loop back between timed batches through
//! the page's `pause` callback (here a Rust closure whose promise resolves on the next macrotask), with
//! the progress it reports, and a wire result that records the yield interval.

use std::cell::RefCell;
use std::rc::Rc;

use harness_wasm::pace::YIELD_EVERY_MS;
use reference_adapter::__harness_exports::run_scenario;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: i32);
}

/// A promise that resolves on a later macrotask (the event loop ran).
fn next_task() -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| set_timeout(&resolve, 0))
}

#[wasm_bindgen_test]
async fn run_scenario_yields_between_batches_and_reports_progress() {
    let reports: Rc<RefCell<Vec<Value>>> = Rc::default();
    let seen = reports.clone();
    let pause = Closure::<dyn FnMut(String) -> js_sys::Promise>::new(move |json: String| {
        seen.borrow_mut()
            .push(serde_json::from_str(&json).expect("progress JSON"));
        next_task()
    });
    let request = json!({"workload": "steady-throughput", "seed": 11, "iterations": 400,
                         "warmup": 5, "framework": "vanilla-js", "user_agent": "test"});
    let wire = run_scenario(
        request.to_string(),
        pause.as_ref().unchecked_ref::<js_sys::Function>().clone(),
    )
    .await
    .unwrap_or_else(|_| panic!("runs"));
    let wire: Value = serde_json::from_str(&wire).unwrap();
    assert_eq!(wire["yield_every_ms"], YIELD_EVERY_MS);
    assert_eq!(
        (
            &wire["adapter_crate"]["name"],
            &wire["adapter_crate"]["version"]
        ),
        (
            &json!("reference-adapter"),
            &json!(env!("CARGO_PKG_VERSION"))
        ),
        "the wire names the crate export_harness! was expanded in"
    );
    let reports = reports.borrow();
    assert!(
        !reports.is_empty(),
        "2000 timed batches span more than one interval"
    );
    // Per probe: the set of timed samples (`attempt`) and the values it reported so far. The stream
    // says when samples restart (a report with `restart`, done 0, the next attempt); nothing is guessed.
    let mut per_probe = std::collections::BTreeMap::<String, (u64, u64)>::new();
    for r in reports.iter() {
        assert_eq!(r["workload"], "steady-throughput");
        assert_eq!(r["seed"], 11);
        let phase = r["phase"].as_str().unwrap();
        assert!(
            ["warm-up", "calibration", "timed-batches", "per-operation"].contains(&phase),
            "{r}"
        );
        let fresh = r["values_ns"].as_array().unwrap();
        let attempt = r["attempt"]
            .as_u64()
            .expect("every report names its attempt");
        if phase == "timed-batches" {
            let (set, sent) = per_probe.entry(r["probe"].to_string()).or_default();
            if !r["restart"].is_null() {
                assert_eq!(attempt, *set + 1, "a restart starts the next set: {r}");
                assert_eq!(r["restart"]["reason"], "short-batches", "{r}");
                assert!(r["restart"]["batch_size"].as_u64().unwrap() >= 2, "{r}");
                (*set, *sent) = (attempt, 0);
            }
            assert_eq!(
                attempt, *set,
                "no set changes without a restart report: {r}"
            );
            assert_eq!(
                r["done"].as_u64().unwrap(),
                *sent + fresh.len() as u64,
                "{r}"
            );
            *sent += fresh.len() as u64;
            assert!(fresh.iter().all(|v| v.as_f64().is_some_and(|v| v >= 0.0)));
        } else {
            assert!(fresh.is_empty(), "{r}");
            assert!(r["restart"].is_null(), "{r}");
        }
    }
}
