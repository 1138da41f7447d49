//! The order and the estimate on a simulated session: a planted slow stretch, a planted regression.
use super::*;

/// Per-op values of one side in one block: `cost` × the machine's speed at each sample's time × a
/// deterministic ±1 % jitter. `t` is the session's sample clock (it advances with every sample).
fn block(
    cost: f64,
    n: usize,
    t: &mut usize,
    slow: &std::ops::Range<usize>,
    rng: &mut SplitMix64,
) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let machine = if slow.contains(t) { 1.5 } else { 1.0 };
            *t += 1;
            let jitter = 1.0 + 0.02 * (rng.below(1000) as f64 / 1000.0 - 0.5);
            cost * machine * jitter
        })
        .collect()
}

const BLOCKS: usize = 40;
const PER_BLOCK: usize = 50;

/// One seed of a paired session: the sides take turns in `order`, and a slow stretch covers
/// `slow` (a share of the session's samples).
fn paired_seed(seed: u64, base: f64, cand: f64, slow: (f64, f64)) -> PairedSeed {
    let total = 2 * BLOCKS * PER_BLOCK;
    let slow = (slow.0 * total as f64) as usize..(slow.1 * total as f64) as usize;
    let mut rng = SplitMix64(seed);
    let (mut t, mut s) = (
        0,
        PairedSeed {
            seed,
            base: vec![],
            candidate: vec![],
        },
    );
    for i in 0..2 * BLOCKS {
        match abba(i) {
            Side::Base => s.base.push(block(base, PER_BLOCK, &mut t, &slow, &mut rng)),
            Side::Candidate => s
                .candidate
                .push(block(cand, PER_BLOCK, &mut t, &slow, &mut rng)),
        }
    }
    s
}

/// One seed measured alone in its own run (the stored-baseline way), slow stretch as given.
fn alone(seed: u64, cost: f64, slow: (f64, f64)) -> Vec<f64> {
    let total = BLOCKS * PER_BLOCK;
    let slow = (slow.0 * total as f64) as usize..(slow.1 * total as f64) as usize;
    let mut rng = SplitMix64(seed);
    let mut t = 0;
    block(cost, total, &mut t, &slow, &mut rng)
}

/// The stored-baseline rule's change: each run's gate value (median of seed p95s), run against run.
fn unpaired_change(base: &[Vec<f64>], cand: &[Vec<f64>]) -> f64 {
    let gate = |runs: &[Vec<f64>]| {
        let p95s: Vec<f64> = runs
            .iter()
            .map(|v| nearest_rank(v, GATE_QUANTILE))
            .collect();
        median(&p95s).unwrap()
    };
    (gate(cand) / gate(base) - 1.0) * 100.0
}

const SEEDS: [u64; 5] = [11, 29, 42, 73, 101];
/// Where each seed's slow stretch falls in its session: 10–30 % of the samples, at 1.5×.
fn stretch(i: usize) -> (f64, f64) {
    let start = 0.1 + 0.12 * i as f64;
    (start, start + 0.2)
}

#[test]
fn selection_gives_the_nearest_rank_quantile() {
    let mut rng = SplitMix64(3);
    for n in [1usize, 2, 19, 20, 21, 400] {
        let v: Vec<f64> = (0..n).map(|_| rng.below(1000) as f64).collect();
        assert_eq!(
            p95_in_place(&mut v.clone()),
            nearest_rank(&v, GATE_QUANTILE),
            "n = {n}"
        );
    }
}

#[test]
fn the_order_is_balanced_abba() {
    let order: Vec<Side> = (0..8).map(abba).collect();
    use Side::{Base as A, Candidate as B};
    assert_eq!(order, [A, B, B, A, A, B, B, A]);
    // Any linear drift over a group of four weighs the same on both sides: 0+3 = 1+2.
    let at = |side| (0..4).filter(|i| abba(*i) == side).sum::<usize>();
    assert_eq!(at(A), at(B));
}

#[test]
fn a_slow_stretch_fakes_a_regression_unpaired_but_not_paired() {
    // The same build on both sides; the candidate's own run went through a slow stretch.
    let base: Vec<Vec<f64>> = SEEDS.iter().map(|s| alone(*s, 100.0, (0.0, 0.0))).collect();
    let cand: Vec<Vec<f64>> = SEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| alone(*s + 1, 100.0, stretch(i)))
        .collect();
    let unpaired = unpaired_change(&base, &cand);
    assert!(
        unpaired > 40.0,
        "the stored-baseline rule sees the machine: {unpaired}"
    );

    let seeds: Vec<PairedSeed> = SEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| paired_seed(*s, 100.0, 100.0, stretch(i)))
        .collect();
    let e = estimate(&seeds, 10.0).unwrap();
    assert!(e.change_pct.abs() < 3.0, "{e:?}");
    assert!(!e.regression);
    assert_eq!(e.resolution, Resolution::Resolved, "{e:?}");
    assert!(
        e.interval_pct.0 <= e.change_pct && e.change_pct <= e.interval_pct.1,
        "{e:?}"
    );
    assert_eq!(e.blocks, (SEEDS.len() * BLOCKS) as u32);
}

#[test]
fn a_planted_regression_is_caught_either_way() {
    let base: Vec<Vec<f64>> = SEEDS.iter().map(|s| alone(*s, 100.0, (0.0, 0.0))).collect();
    let cand: Vec<Vec<f64>> = SEEDS
        .iter()
        .map(|s| alone(*s + 1, 115.0, (0.0, 0.0)))
        .collect();
    assert!(unpaired_change(&base, &cand) > 10.0);
    let seeds: Vec<PairedSeed> = SEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| paired_seed(*s, 100.0, 115.0, stretch(i)))
        .collect();
    let e = estimate(&seeds, 10.0).unwrap();
    assert!((e.change_pct - 15.0).abs() < 3.0, "{e:?}");
    assert!(e.regression);
    assert_eq!(e.resolution, Resolution::Resolved, "{e:?}");
    assert!(e.interval_pct.0 > 10.0, "{e:?}");
}

#[test]
fn an_interval_across_the_line_is_decided_by_the_point_estimate() {
    // +10 % exactly on a noisy machine: the interval straddles the 10 % line.
    let seeds: Vec<PairedSeed> = SEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| paired_seed(*s, 100.0, 110.0, stretch(i)))
        .collect();
    let e = estimate(&seeds, 10.0).unwrap();
    assert_eq!(e.resolution, Resolution::PointEstimate, "{e:?}");
    assert_eq!(e.regression, e.change_pct > 10.0);
}

#[test]
fn the_estimate_is_reproducible_and_refuses_what_it_cannot_pair() {
    let seeds: Vec<PairedSeed> = SEEDS
        .iter()
        .enumerate()
        .map(|(i, s)| paired_seed(*s, 100.0, 104.0, stretch(i)))
        .collect();
    assert_eq!(estimate(&seeds, 10.0), estimate(&seeds, 10.0));
    assert_eq!(estimate(&[], 10.0), Err(PairedError::NoSeeds));
    let lonely = PairedSeed {
        seed: 7,
        base: vec![vec![1.0]],
        candidate: vec![vec![]],
    };
    assert_eq!(
        estimate(&[lonely], 10.0),
        Err(PairedError::NoPairs { seed: 7 })
    );
    let bad = PairedSeed {
        seed: 8,
        base: vec![vec![f64::NAN]],
        candidate: vec![vec![1.0]],
    };
    assert!(matches!(
        estimate(&[bad], 10.0),
        Err(PairedError::BadValue { seed: 8, .. })
    ));
    let zero = PairedSeed {
        seed: 9,
        base: vec![vec![0.0]],
        candidate: vec![vec![1.0]],
    };
    assert_eq!(estimate(&[zero], 10.0), Err(PairedError::ZeroBase(0.0)));
}
