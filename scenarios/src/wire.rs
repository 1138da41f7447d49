//! The versioned JSON the in-browser harness returns for one (scenario, seed): raw samples plus how they were taken.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{Framework, Probe, Profile, Workload};

/// Bumped whenever a field changes meaning; the collector refuses other versions.
pub const WIRE_VERSION: u32 = 1;

/// One scenario run for one seed, as produced by `harness-wasm`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WireResult {
    pub wire_version: u32,
    /// `CARGO_PKG_VERSION` of the harness that measured.
    pub harness_version: String,
    /// Which runtime adapter was measured, e.g. `reference (tokio::sync + async-task)`.
    pub adapter: String,
    /// The crate the adapter was built from (`export_harness!` in it says so); absent from builds
    /// older than the adapter seam's own crates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter_crate: Option<AdapterCrate>,
    pub workload: Workload,
    pub framework: Framework,
    pub profile: Profile,
    pub seed: u64,
    /// Timed samples per probe for this seed.
    pub iterations: u32,
    /// Untimed operations run before the timed loop.
    pub warmup: u32,
    pub clock: ClockInfo,
    pub user_agent: String,
    pub probes: Vec<ProbeResult>,
    /// TEST ONLY: extra operations run inside every timed batch, percent of the batch (a calibrated
    /// slowdown for detection-power benchmarks). Absent in every real measurement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injected_slowdown_pct: Option<f64>,
    /// TEST ONLY: a slowdown compiled into the build (`collector build --inject-slowdown`), percent of
    /// every timed batch like `injected_slowdown_pct`. Absent in every real build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built_slowdown_pct: Option<f64>,
    /// How the engine shared the thread: it yielded to the event loop between timed batches (never
    /// inside one) once this many ms had passed since its last yield. Absent for results the engine
    /// did not time in batches (cold start, memory readings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yield_every_ms: Option<f64>,
    /// Cold start only: whether the page forced a full garbage collection after each frame of
    /// samples (Chromium started with `--js-flags=--expose-gc`), so no sample paid for collecting
    /// the instances earlier samples left behind. `false` where the browser exposes no `gc()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_frame_gc: Option<bool>,
    /// Cold start only: how many seeds' samples the page took in turns, one frame of samples each, in
    /// the call that measured this one (1: alone), so every seed sampled the same stretch of the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_seeds_in_turn: Option<u32>,
}

/// The cargo package an adapter was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdapterCrate {
    pub name: String,
    pub version: String,
    /// The git commit of the crate's checkout at build time (`-dirty` when it had uncommitted
    /// changes); absent when it was not built from a git checkout by `collector build`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// How the page's clock behaved when the run started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockInfo {
    /// Smallest non-zero step of `performance.now()` observed, in nanoseconds.
    pub tick_ns: f64,
    /// `globalThis.crossOriginIsolated` (COOP + COEP); isolation gives a finer tick.
    pub cross_origin_isolated: bool,
}

/// What one sample counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SampleUnit {
    /// Wall time of one batch, nanoseconds.
    Ns,
    /// A memory reading, bytes.
    Bytes,
}

/// The samples of one probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProbeResult {
    pub probe: Probe,
    pub unit: SampleUnit,
    /// Operations per timed sample; a per-operation value is `(sample - loop_overhead_ns) / batch_size`.
    pub batch_size: u32,
    /// Measured cost of an empty batch of the same size (subtracted from each sample).
    pub loop_overhead_ns: f64,
    /// Raw samples: batch wall times (ns) or memory readings (bytes).
    pub samples: Vec<f64>,
    /// For a relative probe (replay), the same batches run without the measured envelope (live), each
    /// spanning the minimum ticks like the measured ones: a pair with a shorter batch is rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_samples: Option<Vec<f64>>,
    /// Named parts of each sample (cold-init phases, heap components), same length as `samples`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub components: BTreeMap<String, Vec<f64>>,
    /// The per-operation view: as many operations as samples, each timed alone (ns, quantized to the
    /// clock's tick). Batched time probes only; it sees a tail that batch means average away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_op_samples: Option<Vec<f64>>,
    /// Timed batches thrown away for spanning fewer than the minimum ticks (none of them is in `samples`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rejected_batches: u32,
    /// Untimed batches of the timed size the warm-up ran until the operation's cost was steady.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warmup_batches: u32,
    /// True when the warm-up hit its cap before the cost was steady (measured anyway, and said so).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warmup_unsteady: bool,
    /// The machine-speed reference timed in the same stretch as this probe: a fixed wasm workload that
    /// touches no runtime code, so runs of one build on a machine that sped up or slowed down between
    /// them can be compared (`crate::speed`). Never part of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_reference: Option<SpeedReference>,
}

/// Timed batches of the machine-speed reference workload (one operation: a fixed number of rounds of
/// xorshift arithmetic over a 64 KiB table), each spanning at least the minimum ticks, taken at the
/// engine's yields (about every 100 ms, within 5 % of the wall time). Batched probes only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeedReference {
    /// Reference operations per timed batch.
    pub batch_size: u32,
    /// Batch wall times, ns, in the order they were taken.
    pub samples: Vec<f64>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A wire result that cannot be folded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WireError {
    #[error("wire_version is {found}, this collector reads {expected}: rebuild the harness and the collector from the same commit")]
    Version { found: u32, expected: u32 },
    #[error("probes[{index}] ({probe}): {message}")]
    Probe {
        index: usize,
        probe: Probe,
        message: String,
    },
}

impl ProbeResult {
    /// Per-operation values, in nanoseconds or bytes, with the loop overhead removed (never below zero).
    pub fn per_op(&self) -> Vec<f64> {
        per_op(&self.samples, self.loop_overhead_ns, self.batch_size)
    }

    /// Per-operation values of the baseline run, when the probe has one.
    pub fn baseline_per_op(&self) -> Option<Vec<f64>> {
        self.baseline_samples
            .as_ref()
            .map(|s| per_op(s, self.loop_overhead_ns, self.batch_size))
    }
}

/// Per-operation values of raw batch samples: `(sample - overhead) / batch`, never below zero. The one
/// derivation (the page's live plots use it on the samples taken so far).
pub fn per_op(samples: &[f64], overhead: f64, batch: u32) -> Vec<f64> {
    let batch = f64::from(batch.max(1));
    samples
        .iter()
        .map(|s| ((s - overhead) / batch).max(0.0))
        .collect()
}

impl WireResult {
    /// Checks what serde cannot: version, non-empty finite samples, batch sizes, component lengths.
    pub fn check(&self) -> Result<(), WireError> {
        if self.wire_version != WIRE_VERSION {
            return Err(WireError::Version {
                found: self.wire_version,
                expected: WIRE_VERSION,
            });
        }
        for (index, p) in self.probes.iter().enumerate() {
            let bad = |message: String| WireError::Probe {
                index,
                probe: p.probe,
                message,
            };
            if p.samples.is_empty() {
                return Err(bad("no samples".into()));
            }
            if p.batch_size == 0 {
                return Err(bad("batch_size is 0".into()));
            }
            if p.samples.iter().any(|s| !s.is_finite() || *s < 0.0) {
                return Err(bad("a sample is negative or not finite".into()));
            }
            if let Some(b) = &p.baseline_samples {
                if b.is_empty() || b.iter().any(|s| !s.is_finite() || *s < 0.0) {
                    return Err(bad("baseline_samples is empty or has a bad value".into()));
                }
            }
            if let Some(o) = &p.per_op_samples {
                if o.is_empty() || o.iter().any(|s| !s.is_finite() || *s < 0.0) {
                    return Err(bad("per_op_samples is empty or has a bad value".into()));
                }
            }
            if let Some(r) = &p.speed_reference {
                let bad_sample = r.samples.iter().any(|s| !s.is_finite() || *s <= 0.0);
                if r.batch_size == 0 || r.samples.is_empty() || bad_sample {
                    return Err(bad(
                        "speed_reference has no samples, a batch_size of 0 or a bad value".into(),
                    ));
                }
            }
            for (name, c) in &p.components {
                if c.len() != p.samples.len() {
                    return Err(bad(format!(
                        "component `{name}` has {} values for {} samples",
                        c.len(),
                        p.samples.len()
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Answers for the crate's unit tests: one probe's samples (ns), and a whole wire result around probes.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A probe of `samples` in ns, batches of `batch_size` with `overhead` ns of loop overhead.
    pub fn probe(probe: Probe, samples: Vec<f64>, batch_size: u32, overhead: f64) -> ProbeResult {
        ProbeResult {
            probe,
            unit: SampleUnit::Ns,
            batch_size,
            loop_overhead_ns: overhead,
            samples,
            baseline_samples: None,
            components: BTreeMap::new(),
            rejected_batches: 0,
            warmup_batches: 0,
            warmup_unsteady: false,
            per_op_samples: None,
            speed_reference: None,
        }
    }

    /// A wire result of core-min in the vanilla-js host, cross-origin isolated, 5 µs tick.
    pub fn answer(workload: Workload, seed: u64, probes: Vec<ProbeResult>) -> WireResult {
        WireResult {
            wire_version: WIRE_VERSION,
            harness_version: "t".into(),
            adapter: "a".into(),
            adapter_crate: None,
            workload,
            framework: Framework::VanillaJs,
            profile: Profile::CoreMin,
            seed,
            iterations: 100,
            warmup: 0,
            clock: ClockInfo {
                tick_ns: 5000.0,
                cross_origin_isolated: true,
            },
            injected_slowdown_pct: None,
            built_slowdown_pct: None,
            yield_every_ms: None,
            cold_frame_gc: None,
            cold_seeds_in_turn: None,
            user_agent: "ua".into(),
            probes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(samples: Vec<f64>) -> ProbeResult {
        testing::probe(Probe::ReserveSend, samples, 100, 1000.0)
    }

    #[test]
    fn per_op_subtracts_overhead_and_divides_by_batch() {
        assert_eq!(probe(vec![11_000.0, 500.0]).per_op(), vec![100.0, 0.0]);
    }

    #[test]
    fn check_rejects_empty_and_version() {
        let mut w = testing::answer(Workload::SteadyThroughput, 11, vec![probe(vec![])]);
        w.iterations = 1;
        w.harness_version = "0".into();
        assert!(matches!(w.check(), Err(WireError::Probe { .. })));
        w.probes = vec![probe(vec![1.0])];
        assert!(w.check().is_ok());
        w.wire_version = 99;
        assert!(matches!(w.check(), Err(WireError::Version { .. })));
    }
}
