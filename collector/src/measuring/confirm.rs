//! Confirm-by-rerun: which measured units the gate would warn or fail on, and the records that stand
//! once those units are measured again in fresh browser sessions.

use std::collections::BTreeSet;

use scenarios::gate::GateReport;
use scenarios::records::confirmed;
use scenarios::summary::{Record, RecordKey, Status};
use scenarios::{Environment, Framework, Profile, Workload};

/// What one confirmation re-measures: a workload in one host, profile and environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    pub env: Environment,
    pub profile: Profile,
    pub framework: Framework,
    pub workload: Workload,
}

impl Unit {
    /// The unit that measured `key` (none for size records).
    pub fn of(key: &RecordKey) -> Option<Unit> {
        (key.environment != Environment::Build).then_some(())?;
        Some(Unit {
            env: key.environment,
            profile: key.profile,
            framework: key.framework?,
            workload: key.workload?,
        })
    }
}

impl core::fmt::Display for Unit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let Unit {
            env,
            profile,
            framework,
            workload,
        } = self;
        write!(f, "{env} {profile} {framework}/{workload}")
    }
}

/// Units with a runtime record in the warn or fail band, or regressing past the baseline rule.
/// Size records (environment `build`) are deterministic and never re-measured.
pub fn breaching_units(report: &GateReport) -> BTreeSet<Unit> {
    let by_threshold = report
        .results
        .iter()
        .filter(|r| matches!(r.band, Status::Warn | Status::Fail))
        .map(|r| &r.key);
    let by_baseline = report
        .regressions
        .iter()
        .filter(|r| r.status == Status::Fail)
        .map(|r| &r.key);
    by_threshold
        .chain(by_baseline)
        .filter_map(Unit::of)
        .collect()
}

/// The records after confirmation: every record of a confirmed unit becomes [`confirmed`] over the
/// re-measured records; the others are unchanged.
pub fn merge(records: Vec<Record>, units: &BTreeSet<Unit>, again: &[Record]) -> Vec<Record> {
    records
        .into_iter()
        .map(|r| match Unit::of(&r.key()) {
            Some(u) if units.contains(&u) => confirmed(&r, again),
            _ => r,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(env: Environment, workload: Option<Workload>) -> RecordKey {
        RecordKey {
            metric_id: scenarios::MetricId::Perf04A,
            profile: Profile::CoreMin,
            environment: env,
            workload,
            framework: Some(Framework::VanillaJs),
            adapter: None,
        }
    }

    #[test]
    fn sizes_and_keys_without_a_workload_are_never_units() {
        assert!(Unit::of(&key(Environment::Build, Some(Workload::ColdStart))).is_none());
        assert!(Unit::of(&key(Environment::DesktopChromium, None)).is_none());
        let u = Unit::of(&key(
            Environment::DesktopFirefox,
            Some(Workload::StreamingIo),
        ))
        .unwrap();
        assert_eq!(
            u.to_string(),
            "desktop-firefox core-min vanilla-js/streaming-io"
        );
    }
}
