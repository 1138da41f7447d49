//! The deterministic measurement protocol (contract section 6) and the workload → probe → metric map.

use crate::ids::{Environment, MetricId, Probe, Profile, Workload};

/// Fixed seed set every scenario runs with (section 6.1).
pub const SEED_SET: [u64; 5] = [11, 29, 42, 73, 101];
/// Minimum timed iterations per seed for latency metrics (section 6.2).
pub const MIN_ITERATIONS: u32 = 2000;
/// Operations run before the heap is sampled (section 6.5).
pub const HEAP_WARMUP_OPS: u32 = 200;
/// Heap samples taken at a fixed interval after warm-up (section 6.5).
pub const HEAP_SAMPLES: u32 = 500;
/// Percentile each seed is reduced to (section 6.3).
pub const GATE_QUANTILE: f64 = 0.95;
/// A timed batch must span at least this many timer ticks.
pub const MIN_TICKS_PER_BATCH: f64 = 100.0;
/// How a probe's samples are taken, and so what the minimum span asks of them (said in every record).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Timing {
    /// Batches the engine timed: every one spans at least [`MIN_TICKS_PER_BATCH`] ticks at any batch
    /// size, a batch of one operation included (the page rejects a shorter one); a paired probe's live
    /// (baseline) batches too.
    Batches,
    /// One operation per sample, timed alone by the page (cold init: each sample is a fresh instance,
    /// which no batch can repeat): batch size 1, no loop overhead. A sample spans what the operation
    /// took, so it is not held to the minimum span.
    SingleOperation,
    /// Memory readings: nothing is timed.
    Reading,
}

/// How the harness takes a probe's samples.
pub fn timing(probe: Probe) -> Timing {
    match probe {
        Probe::ColdInit => Timing::SingleOperation,
        Probe::Heap => Timing::Reading,
        _ => Timing::Batches,
    }
}

/// The cold-init phases the gate value (02A/02B) adds up: from "bytes and glue available" to "first
/// task completed". Transfer phases a page also reports (`fetch`, `glue_import`) are kept beside it as
/// components and never counted, so the test server's speed cannot move the gate value.
pub const COLD_INIT_GATE_PHASES: [&str; 4] =
    ["compile", "instantiate", "runtime_start", "first_task"];

/// The probes a workload's scenario measures.
pub fn probes_for(workload: Workload) -> &'static [Probe] {
    match workload {
        Workload::ColdStart => &[Probe::ColdInit],
        Workload::SteadyThroughput => &[Probe::ReserveSend, Probe::SpawnJoin],
        Workload::CancellationStorm => &[Probe::CancelResponse, Probe::TimeoutArmCancel],
        Workload::StreamingIo => &[Probe::ReserveSend, Probe::ReplayStep],
        Workload::MemoryPressure => &[Probe::Heap],
    }
}

/// The metric a probe's samples are gated as, in a given environment.
///
/// Cold init is M-PERF-02A on desktop and M-PERF-02B on the mid-tier mobile baseline.
pub fn metric_for(probe: Probe, environment: Environment) -> MetricId {
    match probe {
        Probe::ColdInit if environment == Environment::MobileAndroid => MetricId::Perf02B,
        Probe::ColdInit => MetricId::Perf02A,
        Probe::Heap => MetricId::Perf03A,
        Probe::CancelResponse => MetricId::Perf03B,
        Probe::ReserveSend => MetricId::Perf04A,
        Probe::TimeoutArmCancel => MetricId::Perf04B,
        Probe::SpawnJoin => MetricId::Perf04C,
        Probe::ReplayStep => MetricId::Perf04D,
    }
}

/// Every metric a workload's scenario can produce: its probes' metrics in every environment,
/// and the two size metrics for cold start (the first payload is what cold start downloads).
pub fn metrics_for(workload: Workload) -> Vec<MetricId> {
    let mut out: Vec<MetricId> = Environment::BROWSERS
        .iter()
        .flat_map(|env| metrics_in(workload, *env))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The metrics a workload's scenario produces in one environment (sizes come with cold start).
pub fn metrics_in(workload: Workload, environment: Environment) -> Vec<MetricId> {
    let mut out: Vec<MetricId> = Vec::new();
    if workload == Workload::ColdStart {
        out.extend([MetricId::Perf01A, MetricId::Perf01B]);
    }
    for probe in probes_for(workload) {
        let m = metric_for(*probe, environment);
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// Why a profile cannot produce a metric at all, if it cannot: such a metric is recorded as `skip`
/// with this reason and is not required by the gate.
pub fn unmeasurable(profile: Profile, metric: MetricId) -> Option<&'static str> {
    match (profile, metric) {
        (Profile::CoreMin, MetricId::Perf04D) => Some(
            "core-min is built without the trace/replay envelope (contract section 2), so it has no replay to time",
        ),
        _ => None,
    }
}

/// Median of already-reduced values (mean of the two middle ones for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runtime_metric_is_reachable_from_some_workload() {
        let mut seen: Vec<MetricId> = Workload::ALL.iter().flat_map(|w| metrics_for(*w)).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen, MetricId::ALL.to_vec());
    }

    #[test]
    fn cold_init_maps_by_environment() {
        assert_eq!(
            metric_for(Probe::ColdInit, Environment::DesktopFirefox),
            MetricId::Perf02A
        );
        assert_eq!(
            metric_for(Probe::ColdInit, Environment::MobileAndroid),
            MetricId::Perf02B
        );
    }

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }
}
