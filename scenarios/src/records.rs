//! The one record builder: what a summary record says (values, skips, measurement notes, thresholds, status).

use crate::fold::{self, FoldError, RunInfo, SessionInfo};
use crate::gate::stamp;
use crate::ids::{Environment, MetricId, Profile, Workload};
use crate::policy::budgets::BudgetPolicy;
use crate::protocol::{metrics_in, unmeasurable};
use crate::summary::{Detail, Record, Status};
use crate::wire::WireResult;

/// Said on emulated-mobile cold init: CDP's `Emulation.setCPUThrottlingRate` slows the page's main
/// thread, every phase of a cold-start sample runs there (a same-origin frame of the page), and the
/// emulated browser compiles wasm there too (no background compilation tasks).
pub const MAIN_THREAD_THROTTLE_NOTE: &str = "measured on the page's main thread (a same-origin frame), which Emulation.setCPUThrottlingRate slows: every phase ran under cpu_throttle_rate, wasm compilation included (V8 compiles on the main thread in emulated mobile, --wasm-num-compilation-tasks=0), which overstates a phone that compiles on several slow cores";

/// Why records could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Fold(#[from] FoldError),
    #[error("{0}")]
    Budgets(String),
}

/// Every record of one workload measured in one session: the folded probes, a `skip` for each metric the
/// profile cannot measure, the notes on how they were measured, and thresholds and status from `budgets`.
pub fn workload_records(
    budgets: &BudgetPolicy,
    environment: Environment,
    session: &SessionInfo,
    run: &RunInfo,
    results: &[WireResult],
    artifact_paths: &[String],
) -> Result<Vec<Record>, RecordError> {
    let mut recs = fold::records(environment, session, run, results, artifact_paths)?;
    let first = results.first().ok_or(FoldError::Empty)?;
    if session.device == "emulated" && first.workload == Workload::ColdStart {
        for d in recs.iter_mut().filter_map(|r| r.detail.as_mut()) {
            d.cpu_throttle_note = Some(MAIN_THREAD_THROTTLE_NOTE.to_owned());
        }
    }
    for m in metrics_in(first.workload, environment) {
        if let Some(reason) = unmeasurable(first.profile, m) {
            if !recs.iter().any(|r| r.metric_id == m) {
                recs.push(skipped(environment, first, m, run, reason));
            }
        }
    }
    stamp_all(budgets, &mut recs)?;
    Ok(recs)
}

/// A `skip` record of the workload `first` answered for: the metric could not be measured here, and
/// says why (never a pass); it names the adapter that answered, as the measured records do.
pub fn skipped(
    environment: Environment,
    first: &WireResult,
    metric: MetricId,
    run: &RunInfo,
    reason: &str,
) -> Record {
    Record {
        commit: run.commit.clone(),
        profile: first.profile,
        environment,
        metric_id: metric,
        value: None,
        unit: metric.unit(),
        threshold_warn: None,
        threshold_hard: None,
        status: Status::Skip,
        seed_set: Vec::new(),
        commands: run.commands.clone(),
        artifact_paths: Vec::new(),
        detail: Some(Detail {
            workload: Some(first.workload),
            framework: Some(first.framework),
            adapter: Some(first.adapter.clone()),
            adapter_crate: first.adapter_crate.clone(),
            skip_reason: Some(reason.to_owned()),
            reduced_protocol: run.reduced_protocol.then_some(true),
            concurrent_sessions: run.concurrency,
            ..Detail::default()
        }),
    }
}

/// What the size records of one module say: how it was compressed, where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Module<'a> {
    pub profile: Profile,
    pub raw_bytes: u64,
    pub gzip_bytes: u64,
    /// The compressor, in words.
    pub gzip: &'a str,
    pub path: &'a str,
    /// The module's size attribution, when there is one (its groups go into `detail`).
    pub attribution: Option<&'a crate::attribution::Attribution>,
    /// The adapter crate the module was built from, when its build says.
    pub adapter: Option<&'a crate::wire::AdapterCrate>,
}

/// M-PERF-01A and M-PERF-01B of one module (environment `build`, an empty seed set: one deterministic sample).
pub fn size_records(
    budgets: &BudgetPolicy,
    module: &Module<'_>,
    run: &RunInfo,
) -> Result<Vec<Record>, RecordError> {
    let make = |metric: MetricId, value: u64| Record {
        commit: run.commit.clone(),
        profile: module.profile,
        environment: Environment::Build,
        metric_id: metric,
        value: Some(value as f64),
        unit: metric.unit(),
        threshold_warn: None,
        threshold_hard: None,
        status: Status::Pass,
        seed_set: Vec::new(),
        commands: run.commands.clone(),
        artifact_paths: vec![module.path.to_owned()],
        detail: Some(Detail {
            raw_bytes: Some(module.raw_bytes),
            gzip_bytes: Some(module.gzip_bytes),
            gzip: Some(module.gzip.to_owned()),
            size_breakdown: module
                .attribution
                .map(|a| a.groups.clone())
                .unwrap_or_default(),
            size_names: module.attribution.map(|a| a.names.clone()),
            adapter_crate: module.adapter.cloned(),
            ..Detail::default()
        }),
    };
    let mut recs = vec![
        make(MetricId::Perf01A, module.raw_bytes),
        make(MetricId::Perf01B, module.gzip_bytes),
    ];
    stamp_all(budgets, &mut recs)?;
    Ok(recs)
}

/// Confirm-by-rerun: the record that stands after `confirmations` (records of the same key measured
/// again in fresh sessions). A breach stands only if every confirmation repeats it, so the lowest
/// confirmation (its thresholds and status included) is kept; the first value and every confirmation
/// value are recorded beside it, and every measurement's artifacts stay listed.
pub fn confirmed(first: &Record, confirmations: &[Record]) -> Record {
    let lowest = confirmations
        .iter()
        .filter(|c| c.key() == first.key() && c.value.is_some())
        .min_by(|a, b| {
            a.value
                .unwrap_or(f64::MAX)
                .total_cmp(&b.value.unwrap_or(f64::MAX))
        });
    let Some(lowest) = lowest else {
        return first.clone();
    };
    let mut out = lowest.clone();
    let detail = out.detail.get_or_insert_with(Detail::default);
    detail.first_value = first.value;
    detail.confirmation_values = confirmations
        .iter()
        .filter(|c| c.key() == first.key())
        .filter_map(|c| c.value)
        .collect();
    let mut paths = first.artifact_paths.clone();
    for c in confirmations.iter().filter(|c| c.key() == first.key()) {
        paths.extend(
            c.artifact_paths
                .iter()
                .filter(|p| !first.artifact_paths.contains(p))
                .cloned(),
        );
    }
    out.artifact_paths = paths;
    out
}

fn stamp_all(budgets: &BudgetPolicy, recs: &mut [Record]) -> Result<(), RecordError> {
    recs.iter_mut()
        .try_for_each(|r| stamp(budgets, r).map_err(RecordError::Budgets))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::ids::{Framework, Probe};
    use crate::wire::testing;

    fn cold(profile: Profile) -> WireResult {
        let probe = testing::probe(Probe::ColdInit, vec![10e6, 12e6, 11e6], 1, 0.0);
        let mut w = testing::answer(Workload::ColdStart, 11, vec![probe]);
        w.framework = Framework::React;
        w.profile = profile;
        w.iterations = 3;
        w
    }

    fn session(device: &str) -> SessionInfo {
        SessionInfo {
            device: device.into(),
            ..SessionInfo::default()
        }
    }

    #[test]
    fn emulated_cold_init_says_where_the_throttle_applied() {
        let b = fixtures::budgets();
        let run = RunInfo::default();
        let env = Environment::MobileAndroid;
        let r = workload_records(
            &b,
            env,
            &session("emulated"),
            &run,
            &[cold(Profile::CoreMin)],
            &[],
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].metric_id, MetricId::Perf02B);
        let d = r[0].detail.as_ref().unwrap();
        assert_eq!(
            d.cpu_throttle_note.as_deref(),
            Some(MAIN_THREAD_THROTTLE_NOTE)
        );
        assert_eq!(r[0].status, Status::Pass, "stamped: 12 ms is within 160 ms");
        assert_eq!(r[0].threshold_hard, Some(160.0));
        let desktop = workload_records(
            &b,
            Environment::DesktopChromium,
            &session("desktop"),
            &run,
            &[cold(Profile::CoreMin)],
            &[],
        )
        .unwrap();
        assert_eq!(desktop[0].detail.as_ref().unwrap().cpu_throttle_note, None);
    }

    #[test]
    fn reduced_runs_say_so_and_sizes_are_stamped() {
        let b = fixtures::budgets();
        let run = RunInfo {
            reduced_protocol: true,
            ..RunInfo::default()
        };
        let r = workload_records(
            &b,
            Environment::DesktopChromium,
            &session("desktop"),
            &run,
            &[cold(Profile::CoreMin)],
            &[],
        )
        .unwrap();
        assert_eq!(r[0].detail.as_ref().unwrap().reduced_protocol, Some(true));
        let m = Module {
            profile: Profile::CoreMin,
            raw_bytes: 700 * 1024,
            gzip_bytes: 100,
            gzip: "g",
            path: "x.wasm",
            attribution: None,
            adapter: None,
        };
        let s = size_records(&b, &m, &RunInfo::default()).unwrap();
        assert_eq!(s[0].metric_id, MetricId::Perf01A);
        assert_eq!(s[0].status, Status::Fail, "700 KiB > 650 KiB");
        assert_eq!(s[1].status, Status::Pass);
        assert_eq!(s[1].detail.as_ref().unwrap().raw_bytes, Some(700 * 1024));
    }

    #[test]
    fn a_confirmed_record_keeps_the_lowest_confirmation_and_both_values() {
        let module = Module {
            profile: Profile::CoreMin,
            raw_bytes: 1,
            gzip_bytes: 1,
            gzip: "g",
            path: "x.wasm",
            attribution: None,
            adapter: None,
        };
        let rec = |v: f64, path: &str| Record {
            value: Some(v),
            artifact_paths: vec![path.to_owned()],
            ..size_records(&fixtures::budgets(), &module, &RunInfo::default())
                .unwrap()
                .remove(0)
        };
        let first = rec(900_000.0, "first.json");
        let out = confirmed(
            &first,
            &[rec(700_000.0, "c1.json"), rec(650_000.0, "c2.json")],
        );
        assert_eq!(out.value, Some(650_000.0));
        let d = out.detail.unwrap();
        assert_eq!(d.first_value, Some(900_000.0));
        assert_eq!(d.confirmation_values, vec![700_000.0, 650_000.0]);
        assert_eq!(out.artifact_paths, ["first.json", "c1.json", "c2.json"]);
        assert_eq!(confirmed(&first, &[]), first);
    }
}
