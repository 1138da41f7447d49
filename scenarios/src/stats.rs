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
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Per-seed p95, then the median of those p95s (contract section 6.3).
pub fn fold<'a>(
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
        let f = fold(seeds.iter().map(|(s, v)| (*s, v.as_slice()))).unwrap();
        assert_eq!(f.median_p95, 30.0);
        assert_eq!(f.per_seed.len(), 5);
        assert_eq!(f.per_seed[1].p95, 50.0);
    }

    #[test]
    fn fold_rejects_empty_seed_and_bad_samples() {
        assert_eq!(fold([(11, &[][..])]), Err(StatsError::Empty { seed: 11 }));
        assert!(matches!(
            fold([(11, &[f64::NAN][..])]),
            Err(StatsError::BadSample { .. })
        ));
        assert_eq!(fold(std::iter::empty()), Err(StatsError::NoSeeds));
    }

    #[test]
    fn overhead_is_relative_to_live() {
        assert!((overhead_pct(112.0, 100.0).unwrap() - 12.0).abs() < 1e-9);
        assert_eq!(overhead_pct(1.0, 0.0), None);
    }
}
