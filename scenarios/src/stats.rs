//! Folding samples into gate values: an HDR histogram per seed → per-seed p95 → median of the seed p95s.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::protocol::{median, GATE_QUANTILE};

/// Significant figures every histogram keeps.
pub const SIGFIG: u8 = 3;

/// Why samples could not be folded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("seed {seed} has no samples")]
    Empty { seed: u64 },
    #[error("seed {seed} has a negative or non-finite sample ({value})")]
    BadSample { seed: u64, value: f64 },
    #[error("no seeds to fold")]
    NoSeeds,
    #[error("histogram: {0}")]
    Histogram(String),
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

/// p95 of one seed's samples through an auto-resizing HDR histogram with [`SIGFIG`] significant figures.
///
/// Samples are rounded to whole units (ns or bytes) before recording.
pub fn seed_p95(seed: u64, samples: &[f64]) -> Result<SeedP95, StatsError> {
    if samples.is_empty() {
        return Err(StatsError::Empty { seed });
    }
    let mut h = Histogram::<u64>::new(SIGFIG).map_err(|e| StatsError::Histogram(e.to_string()))?;
    for &s in samples {
        if !s.is_finite() || s < 0.0 {
            return Err(StatsError::BadSample { seed, value: s });
        }
        // Rounded, not truncated: a 0.6 ns per-op value is 1 ns.
        h.record(s.round() as u64)
            .map_err(|e| StatsError::Histogram(e.to_string()))?;
    }
    Ok(SeedP95 {
        seed,
        p95: h.value_at_quantile(GATE_QUANTILE) as f64,
        samples: h.len(),
    })
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
    fn p95_keeps_three_significant_figures() {
        let s: Vec<f64> = (1..=2000).map(|i| f64::from(i) * 1000.0).collect();
        let p = seed_p95(11, &s).unwrap().p95;
        assert!((p - 1_900_000.0).abs() / 1_900_000.0 < 1e-3, "{p}");
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
