//! Folding samples into gate values: per-seed p95 (nearest rank, the measured sample itself) → median of the seed p95s.

use serde::{Deserialize, Serialize};

use crate::protocol::{median, GATE_QUANTILE};

/// Why samples could not be folded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("seed {seed} has no samples")]
    Empty { seed: u64 },
    #[error("seed {seed} has a negative or non-finite sample ({value})")]
    BadSample { seed: u64, value: f64 },
    #[error("no seeds to fold")]
    NoSeeds,
}

/// One seed's reduction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SeedP95 {
    pub seed: u64,
    /// p95 of this seed's per-op samples, in the samples' unit (ns or bytes).
    pub p95: f64,
    pub samples: u64,
}

/// The gate value of one metric: the median of the per-seed p95s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Folded {
    pub per_seed: Vec<SeedP95>,
    pub median_p95: f64,
}

/// p95 of one seed's samples: the sample at the nearest rank (`⌈0.95·n⌉`-th smallest), exactly as
/// measured — never a histogram bucket's upper edge, so a reading exactly at a threshold stays at it.
pub fn seed_p95(seed: u64, samples: &[f64]) -> Result<SeedP95, StatsError> {
    if samples.is_empty() {
        return Err(StatsError::Empty { seed });
    }
    if let Some(&bad) = samples.iter().find(|s| !s.is_finite() || **s < 0.0) {
        return Err(StatsError::BadSample { seed, value: bad });
    }
    Ok(SeedP95 {
        seed,
        p95: nearest_rank(samples, GATE_QUANTILE),
        samples: samples.len() as u64,
    })
}

/// The `q` quantile by nearest rank: the smallest sample with at least `q·n` samples at or below it.
pub fn nearest_rank(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[rank_index(sorted.len(), q)]
}

/// The 0-based position of the `q` quantile by nearest rank among `n > 0` sorted samples.
pub fn rank_index(n: usize, q: f64) -> usize {
    ((q * n as f64).ceil() as usize).clamp(1, n) - 1
}

/// Which view of a latency probe set a seed's p95.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum View {
    /// The p95 of batch means: resolves sub-tick costs, averages a tail away.
    Batch,
    /// The single-operation readings' p95 (±1 tick): a tail the clock can see.
    PerOp,
}

/// One seed's latency p95 from the two views, in ns.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoViews {
    pub value: f64,
    pub view: View,
    /// The batch view's p95 (batch means, nearest rank), ns.
    pub batch_p95: f64,
    /// The per-op readings' p95 (nearest rank), ns; a reading of k ticks is within ±1 tick of the truth.
    pub per_op_p95: f64,
    /// True when the per-op p95 reading spans fewer than two ticks: a tail, if any, is below what this
    /// clock can see, and the value is the batch view's.
    pub tail_below_resolution: bool,
}

/// The shortest single operation the per-op view resolves on a clock of `tick_ns`: two ticks.
pub fn tail_resolution_ns(tick_ns: f64) -> f64 {
    2.0 * tick_ns
}

/// Combines the views: `batch_per_op` (batch means, ns) and `single` (each operation timed alone, ns,
/// on a clock of `tick_ns`). A reading of k ticks bounds the operation within (k − 1, k + 1) ticks and
/// estimates it without bias; once the per-op p95 reading spans two ticks or more (the tail resolution)
/// the value is the larger of that reading and the batch view's p95 — so never below what the per-op
/// view proves (reading − 1 tick), and at most one tick above the operation's true p95.
pub fn two_views(
    seed: u64,
    batch_per_op: &[f64],
    single: &[f64],
    tick_ns: f64,
) -> Result<TwoViews, StatsError> {
    let batch = seed_p95(seed, batch_per_op)?.p95;
    let per_op_p95 = seed_p95(seed, single)?.p95;
    let tail_below_resolution = per_op_p95 < tail_resolution_ns(tick_ns);
    let (value, view) = if !tail_below_resolution && per_op_p95 > batch {
        (per_op_p95, View::PerOp)
    } else {
        (batch, View::Batch)
    };
    Ok(TwoViews {
        value,
        view,
        batch_p95: batch,
        per_op_p95,
        tail_below_resolution,
    })
}

/// Per-seed p95, then the median of those p95s (contract section 6.3).
pub fn median_of_seed_p95s<'a>(
    per_seed: impl IntoIterator<Item = (u64, &'a [f64])>,
) -> Result<Folded, StatsError> {
    let per_seed = per_seed
        .into_iter()
        .map(|(seed, samples)| seed_p95(seed, samples))
        .collect::<Result<Vec<_>, _>>()?;
    let p95s: Vec<f64> = per_seed.iter().map(|s| s.p95).collect();
    let median_p95 = median(&p95s).ok_or(StatsError::NoSeeds)?;
    Ok(Folded {
        per_seed,
        median_p95,
    })
}

/// Replay overhead of one seed in percent: how much slower the replayed p95 is than the live p95.
pub fn overhead_pct(replay_p95: f64, live_p95: f64) -> Option<f64> {
    (live_p95 > 0.0).then(|| (replay_p95 / live_p95 - 1.0) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_of_one_to_hundred_is_ninety_five() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(seed_p95(11, &s).unwrap().p95, 95.0);
    }

    #[test]
    fn p95_is_a_measured_sample_not_a_bucket_edge() {
        let s: Vec<f64> = (1..=2000).map(|i| f64::from(i) * 1000.0 + 0.25).collect();
        assert_eq!(seed_p95(11, &s).unwrap().p95, 1_900_000.25);
        // A heap of exactly 24 MiB is reported as 24 MiB (an HDR bucket edge read 25 182 207).
        let heap = vec![25_165_824.0; 500];
        assert_eq!(seed_p95(11, &heap).unwrap().p95, 25_165_824.0);
    }

    #[test]
    fn fold_takes_median_of_seed_p95s() {
        let seeds: Vec<(u64, Vec<f64>)> = [10.0, 50.0, 30.0, 20.0, 40.0]
            .iter()
            .zip(crate::protocol::SEED_SET)
            .map(|(v, seed)| (seed, vec![*v; 20]))
            .collect();
        let f = median_of_seed_p95s(seeds.iter().map(|(s, v)| (*s, v.as_slice()))).unwrap();
        assert_eq!(f.median_p95, 30.0);
        assert_eq!(f.per_seed.len(), 5);
        assert_eq!(f.per_seed[1].p95, 50.0);
    }

    #[test]
    fn fold_rejects_empty_seed_and_bad_samples() {
        assert_eq!(
            median_of_seed_p95s([(11, &[][..])]),
            Err(StatsError::Empty { seed: 11 })
        );
        assert!(matches!(
            median_of_seed_p95s([(11, &[f64::NAN][..])]),
            Err(StatsError::BadSample { .. })
        ));
        assert_eq!(
            median_of_seed_p95s(std::iter::empty()),
            Err(StatsError::NoSeeds)
        );
    }

    #[test]
    fn overhead_is_relative_to_live() {
        assert!((overhead_pct(112.0, 100.0).unwrap() - 12.0).abs() < 1e-9);
        assert_eq!(overhead_pct(1.0, 0.0), None);
    }

    #[test]
    fn a_tail_the_clock_sees_sets_the_value_and_one_it_cannot_does_not() {
        // 6 % of operations take 10 ticks (50 µs on a 5 µs clock), the rest 0.3 µs: batch means ≈ 3.3 µs.
        let tick = 5000.0;
        let batch = vec![3300.0; 2000];
        let single: Vec<f64> = (0..2000)
            .map(|i| if i % 50 < 3 { 50_000.0 } else { 0.0 })
            .collect();
        let v = two_views(11, &batch, &single, tick).unwrap();
        assert_eq!(
            (v.view, v.value, v.tail_below_resolution),
            (View::PerOp, 50_000.0, false)
        );
        // The same tail at 0.3 ticks: invisible, and said so.
        let single: Vec<f64> = (0..2000)
            .map(|i| if i % 50 < 3 { 5000.0 } else { 0.0 })
            .collect();
        let v = two_views(11, &batch, &single, tick).unwrap();
        assert_eq!(
            (v.view, v.value, v.tail_below_resolution),
            (View::Batch, 3300.0, true)
        );
    }
}
