//! Baseline regression (contract 8.3), fail-closed: nothing compared, a unit mismatch or a baseline that
//! cannot be a denominator is an error; keys on one side only are listed. Where both records carry a
//! machine-speed reference, the value is compared at the baseline's machine speed.

use std::collections::BTreeMap;

use super::{show, GateRequest, Regression};
use crate::ids::Unit;
use crate::speed;
use crate::summary::{Record, RecordKey, Status};

/// What comparing with the baseline found.
#[derive(Debug, Default)]
pub(super) struct Compared {
    pub regressions: Vec<Regression>,
    pub no_baseline: Vec<RecordKey>,
    pub not_measured: Vec<RecordKey>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// A machine that ran this much slower or faster than at the baseline is probably another kind of
/// machine: the comparison at one speed is then an extrapolation, and the gate says so.
const FAR_SLOWDOWN: f64 = 1.25;

/// A record that holds a comparable value (not a skip).
fn measured(r: &Record) -> Option<f64> {
    r.value.filter(|_| r.status != Status::Skip)
}

/// Compares the current records (`current`, else `measurements`) with `baseline`, if one was given.
pub(super) fn compare<'a>(req: &GateRequest<'a>) -> Compared {
    let mut out = Compared::default();
    let Some(base) = req.baseline else {
        return out;
    };
    let Some(cur) = req.current.or(req.measurements) else {
        out.errors.push(
            "a baseline was given but nothing to compare it with: pass --measurements or --current"
                .to_owned(),
        );
        return out;
    };
    let in_scope = |r: &&Record| req.profile.is_none_or(|p| r.profile == p);
    // A baseline written before records were keyed by adapter names no adapter crate at all: it
    // pairs as it always did, and says so.
    let legacy = base.iter().all(|r| r.key().adapter.is_none());
    let across = req.paired_base || legacy;
    let pairing = |key: RecordKey| if across { key.without_adapter() } else { key };
    let index = |records: &'a [Record]| -> BTreeMap<RecordKey, &'a Record> {
        let mut m = BTreeMap::new();
        for r in records
            .iter()
            .filter(in_scope)
            .filter(|r| measured(r).is_some())
        {
            m.entry(pairing(r.key())).or_insert(r);
        }
        m
    };
    let (base_index, cur_index) = (index(base), index(cur));
    for r in cur.iter().filter(in_scope) {
        let Some(current) = measured(r) else { continue };
        let key = r.key();
        match base_index.get(&pairing(key.clone())) {
            None => out.no_baseline.push(key),
            Some(b) => match regression(req, r, b, current) {
                Ok(reg) => out.regressions.push(reg),
                Err(e) => out.errors.push(e),
            },
        }
    }
    let far: Vec<String> = out
        .regressions
        .iter()
        .filter_map(|r| r.machine_slowdown.map(|s| (r, s)))
        .filter(|(_, s)| *s > FAR_SLOWDOWN || *s < 1.0 / FAR_SLOWDOWN)
        .map(|(r, s)| format!("{} (×{s:.2})", r.key))
        .collect();
    let named: std::collections::BTreeSet<String> =
        cur.iter().filter_map(|r| r.key().adapter).collect();
    if legacy && !req.paired_base && !named.is_empty() && !out.regressions.is_empty() {
        out.warnings.push(format!(
            "the baseline's records name no adapter crate (written before records were keyed by adapter): they were compared with {}'s; refresh the baseline so each adapter keeps its own",
            named.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if !far.is_empty() {
        out.warnings.push(format!(
            "the machine-speed reference moved more than {}× since the baseline for {}: values were compared at the baseline's speed, which assumes the runtime's cost scales like the reference's; refresh the baseline on this machine or drop --speed-adjusted-baseline",
            FAR_SLOWDOWN,
            far.join(", ")
        ));
    }
    out.not_measured = base
        .iter()
        .filter(in_scope)
        .filter(|r| measured(r).is_some() && !cur_index.contains_key(&pairing(r.key())))
        .map(Record::key)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if out.regressions.is_empty() && out.errors.is_empty() {
        out.errors.push(
            "the baseline shares no measured record with the current run, so nothing was compared: pass a baseline of the same adapter crate, profiles, environments and metrics".to_owned(),
        );
    }
    if req.require_baseline {
        for k in &out.no_baseline {
            out.errors.push(format!(
                "{k} has no baseline record (--require-baseline): refresh the baseline"
            ));
        }
    }
    out
}

/// One comparison, refusing units that differ from the budget's and baselines that cannot be compared.
fn regression(
    req: &GateRequest<'_>,
    cur: &Record,
    base: &Record,
    current: f64,
) -> Result<Regression, String> {
    let key = cur.key();
    let unit = req
        .budgets
        .thresholds(cur.metric_id, cur.profile)
        .map(|t| t.unit)
        .unwrap_or(cur.unit);
    for (what, u) in [("baseline", base.unit), ("current", cur.unit)] {
        if u != unit {
            return Err(format!(
                "{key}: the {what} record is in {u} but the budget is in {unit}: convert it or regenerate the baseline"
            ));
        }
    }
    let baseline = base.value.unwrap_or(f64::NAN);
    let comparable = baseline.is_finite() && (unit == Unit::Percent || baseline > 0.0);
    if !comparable || !current.is_finite() {
        return Err(format!(
            "{key}: the baseline value {} {unit} cannot be compared (it must be finite and, outside percent metrics, above 0): regenerate the baseline",
            show(baseline)
        ));
    }
    super::check_value(&key, current, unit)?;
    // A percent metric is already a ratio of two measurements taken in the same stretch.
    let machine_slowdown = (req.speed_adjusted_baseline && unit != Unit::Percent)
        .then(|| speed::slowdown(speed::of_record(cur), speed::of_record(base)))
        .flatten();
    let compared = machine_slowdown.map_or(current, |s| speed::at_other_speed(current, s));
    let regression_pct = if unit == Unit::Percent {
        compared - baseline
    } else {
        (compared - baseline) / baseline * 100.0
    };
    let max = req.budgets.max_regression_pct;
    Ok(Regression {
        key,
        baseline,
        current,
        machine_slowdown,
        current_at_baseline_speed: machine_slowdown.map(|_| compared),
        regression_pct,
        max_regression_pct: max,
        status: super::regression_status(regression_pct, max),
        noise_pct: None,
        paired: None,
    })
}
