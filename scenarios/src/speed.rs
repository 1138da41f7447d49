//! The machine-speed reference's arithmetic (one place): a reference's cost per operation, a record's
//! reference over its seeds' stretches, and a value carried over to another run's machine speed.
//!
//! The harness times a fixed wasm workload that touches no runtime code beside every batched probe
//! (`wire::SpeedReference`). Its cost moves with the machine (a VM's CPU share, clock speed, a noisy
//! neighbour, the slow stretches a browser goes through), not with the runtime, so the ratio of two
//! runs' references estimates how much faster or slower the machine ran, and a value can be compared
//! with a baseline at the same machine speed. An estimate: measured, it removes part of the run-to-run
//! spread, not all of it (docs/measurement.md).

use crate::protocol::GATE_QUANTILE;
use crate::stats::nearest_rank;
use crate::summary::Record;
use crate::wire::SpeedReference;

/// A record's machine-speed reference (`detail.speed_reference_ns`), ns per reference operation.
pub fn of_record(r: &Record) -> Option<f64> {
    r.detail.as_ref().and_then(|d| d.speed_reference_ns)
}

/// The reference's cost per operation in each of its batches, ns.
pub fn per_op(r: &SpeedReference) -> Vec<f64> {
    let n = f64::from(r.batch_size.max(1));
    r.samples.iter().map(|s| s / n).collect()
}

/// A record's reference: the p95 (nearest rank, the statistic of the values it is set beside) of the
/// reference's per-operation cost over every seed's stretch pooled, only when every seed has one. A
/// p95 and not a median: the slow stretches a browser on a small VM goes through move a value's p95
/// with how much of the run they cover, and the reference's p95 moves with them.
pub fn across_seeds(per_seed: &[Option<&SpeedReference>]) -> Option<f64> {
    let mut pooled = Vec::new();
    for r in per_seed {
        pooled.extend(per_op((*r)?));
    }
    let v = (!pooled.is_empty()).then(|| nearest_rank(&pooled, GATE_QUANTILE))?;
    (v.is_finite() && v > 0.0).then_some(v)
}

/// How much slower the machine ran now than then: `now / then` (> 1: slower now). None unless both
/// references are finite and positive.
pub fn slowdown(now_ns: Option<f64>, then_ns: Option<f64>) -> Option<f64> {
    let (now, then) = (now_ns?, then_ns?);
    (now.is_finite() && then.is_finite() && now > 0.0 && then > 0.0).then_some(now / then)
}

/// `value` measured at a machine speed `slowdown` times slower than the run it is compared with,
/// expressed at that run's speed.
pub fn at_other_speed(value: f64, slowdown: f64) -> f64 {
    value / slowdown
}

/// Each run's value carried to the first run's machine speed (`refs[i]`: run i's reference), as
/// the baseline rule compares a value; None unless every run has a reference.
pub fn at_first_speed(values: &[f64], refs: &[Option<f64>]) -> Option<Vec<f64>> {
    let first = *refs.first()?;
    if values.len() != refs.len() {
        return None;
    }
    values
        .iter()
        .zip(refs)
        .map(|(v, r)| slowdown(*r, first).map(|s| at_other_speed(*v, s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(batch_size: u32, samples: Vec<f64>) -> SpeedReference {
        SpeedReference {
            batch_size,
            samples,
        }
    }

    #[test]
    fn a_records_reference_is_the_p95_of_every_seeds_stretch_pooled() {
        // 40 batches of 4 operations: 37 at 100 ns per operation, 3 at 150 (7.5 % of them).
        let mut a = vec![400.0; 19];
        a.push(600.0);
        let mut b = vec![400.0; 18];
        b.extend([600.0, 600.0]);
        let (a, b) = (reference(4, a), reference(4, b));
        assert_eq!(per_op(&a)[19], 150.0);
        assert_eq!(across_seeds(&[Some(&a), Some(&b)]), Some(150.0));
        // Under 5 % slow: the p95 is the fast cost.
        let c = reference(4, vec![400.0; 40]);
        assert_eq!(across_seeds(&[Some(&a), Some(&c)]), Some(100.0));
    }

    #[test]
    fn a_record_has_a_reference_only_when_every_seed_has_one() {
        let a = reference(2, vec![200.0]);
        assert_eq!(across_seeds(&[Some(&a), None]), None);
        assert_eq!(across_seeds(&[]), None);
    }

    #[test]
    fn a_value_from_a_slower_run_is_carried_to_the_faster_one() {
        let s = slowdown(Some(12.0), Some(10.0)).unwrap();
        assert!((at_other_speed(6.0, s) - 5.0).abs() < 1e-12);
        assert_eq!(slowdown(Some(12.0), None), None);
        assert_eq!(slowdown(Some(0.0), Some(1.0)), None);
    }
}
