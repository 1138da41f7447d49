//! The conformance suite against the reference adapter (it passes, for every seed of the contract) and
//! against planted faults (a channel that drops a value, a cancel that does not drain, a replay that
//! diverges, a scope that closes over a live task): each is caught, naming the method and the seed.
//! Runs natively and in headless Chromium and Firefox.

use harness_wasm::adapter::RuntimeAdapter;
use harness_wasm::conformance;
#[cfg(feature = "trace")]
use harness_wasm::faults::REPLAY_DIVERGES;
use harness_wasm::faults::{CANCEL_DOES_NOT_DRAIN, CLOSES_OVER_LIVE_TASK, DROPS_A_CHUNK};
use reference_adapter::ReferenceAdapter;
use scenarios::conformance::ConformanceReport;
use scenarios::protocol::SEED_SET;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The reference adapter with fault `F` planted (`harness_wasm::faults`).
type Planted<const F: u8> = harness_wasm::faults::Planted<ReferenceAdapter, F>;

fn suite<A: RuntimeAdapter>(seed: u64) -> ConformanceReport {
    conformance::start::<A>(seed).finish()
}

/// The failure lines of a report.
fn failures(r: &ConformanceReport) -> Vec<String> {
    r.failures().map(|f| f.to_string()).collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_reference_adapter_conforms_for_every_seed() {
    for seed in SEED_SET {
        let r = suite::<ReferenceAdapter>(seed);
        assert!(r.passed(), "seed {seed}: {:#?}", failures(&r));
        assert_eq!(r.trace, cfg!(feature = "trace"));
        let methods: Vec<&str> = r.checks.iter().map(|c| c.method.as_str()).collect();
        for m in [
            "start",
            "reserve_send",
            "stream",
            "spawn_join",
            "close_scope",
            "start_storm",
            "cancel_storm",
            "run_schedule",
            "record_schedule",
            "timeout_arm_cancel",
            "invariants",
        ] {
            assert!(methods.contains(&m), "{m} unchecked: {methods:?}");
        }
    }
}

/// Exactly one failing check per planted fault, naming `method` and the seed; `more` lets a fault
/// that also breaks quiescence fail the `invariants` check too.
fn caught<const F: u8>(method: &str, says: &str, more: &[&str]) {
    let r = suite::<Planted<F>>(42);
    let lines = failures(&r);
    let methods: Vec<&str> = r
        .failures()
        .map(|f| f.check.method.as_str())
        .filter(|m| !more.contains(m))
        .collect();
    assert!(
        methods.iter().all(|m| *m == method) && !methods.is_empty(),
        "{lines:#?}"
    );
    let line = lines
        .iter()
        .find(|l| l.starts_with(&format!("{method} (seed 42): expected ")))
        .unwrap_or_else(|| panic!("no failure of {method}: {lines:#?}"));
    assert!(line.contains(says), "{line}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_channel_that_drops_a_value_is_caught() {
    caught::<DROPS_A_CHUNK>("stream", "300 chunks sent, 299 received", &[]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_cancel_that_does_not_drain_is_caught() {
    caught::<CANCEL_DOES_NOT_DRAIN>(
        "cancel_storm",
        "invariants().cancels_finalized moved by 0",
        &["invariants"],
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_scope_that_closes_over_a_live_task_is_caught() {
    caught::<CLOSES_OVER_LIVE_TASK>("close_scope", "close_scope returned Ok", &[]);
}

#[cfg(feature = "trace")]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_replay_that_diverges_is_caught() {
    caught::<REPLAY_DIVERGES>("replay_schedule", "checksum: expected", &[]);
}

/// In the browser, through the export the collector calls: the event loop runs between the suite's
/// steps, so a disarmed timer that fired would be seen. A build without `HARNESS_CONFORMANCE=1` (every
/// measured module) refuses, naming where the suite is.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test]
async fn the_export_runs_the_suite_across_the_event_loop() {
    let got = reference_adapter::__harness_exports::conformance(29.0)
        .await
        .map_err(wasm_bindgen::JsValue::from);
    if !harness_wasm::conformance::BUILT {
        let err = format!("{:?}", got.unwrap_err());
        assert!(err.contains("dist/<profile>/conformance/"), "{err}");
        return;
    }
    let r: ConformanceReport = serde_json::from_str(&got.unwrap()).unwrap();
    assert!(r.passed(), "{:#?}", failures(&r));
    assert_eq!(r.seed, 29);
    let last = r.checks.last().unwrap();
    assert!(
        last.expectation.starts_with("a disarmed timer never fires"),
        "{last:?}"
    );
}
