//! The contract's threshold tables (sections 3 and 4), kept to detect drift in `ci/wasm_perf_budgets.json`.

use crate::ids::{MetricId, Profile};

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * 1024.0;

/// Section 3: per-profile hard thresholds, in the metric's unit, ordered core-min, core-trace, full-dev.
pub fn hard_thresholds(metric: MetricId) -> Option<[f64; 3]> {
    Some(match metric {
        MetricId::Perf01A => [650.0 * KIB, 900.0 * KIB, 1300.0 * KIB],
        MetricId::Perf01B => [220.0 * KIB, 320.0 * KIB, 480.0 * KIB],
        MetricId::Perf02A => [60.0, 85.0, 130.0],
        MetricId::Perf02B => [160.0, 220.0, 320.0],
        MetricId::Perf03A => [24.0 * MIB, 32.0 * MIB, 48.0 * MIB],
        MetricId::Perf03B => [2.5, 3.5, 5.0],
        _ => return None,
    })
}

/// Section 4: target, warn and hard thresholds of an operational metric.
pub fn operational_thresholds(metric: MetricId) -> Option<[f64; 3]> {
    Some(match metric {
        MetricId::Perf04A => [8.0, 8.0, 12.0],
        MetricId::Perf04B => [15.0, 15.0, 24.0],
        MetricId::Perf04C => [40.0, 40.0, 65.0],
        MetricId::Perf04D => [12.0, 12.0, 20.0],
        _ => return None,
    })
}

/// Position of a profile in the contract's tables.
pub fn profile_index(profile: Profile) -> usize {
    match profile {
        Profile::CoreMin => 0,
        Profile::CoreTrace => 1,
        Profile::FullDev => 2,
    }
}

/// Section 8.3: default allowed regression against the baseline, percent.
pub const MAX_REGRESSION_PCT: f64 = 10.0;
/// Section 4 policy 2: consecutive warn-band breaches that escalate to a hard failure.
pub const CONSECUTIVE_WARN_LIMIT: u32 = 2;
