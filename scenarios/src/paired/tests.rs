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

/// A steady-throughput answer of one side holding one reserve-send probe with `blocks`' values
/// (batch 1, no overhead), and that side's turn ends cutting them into those blocks.
fn answer(seed: u64, side: Side, blocks: &[Vec<f64>]) -> (crate::wire::WireResult, Vec<TurnEnd>) {
    let mut done = 0;
    let turns = blocks
        .iter()
        .map(|b| {
            done += b.len() as u32;
            TurnEnd {
                side,
                probe: Some(Probe::ReserveSend),
                phase: Some(TIMED_BATCHES.into()),
                attempt: Some(0),
                done,
                seed: None,
            }
        })
        .collect();
    let probe = crate::wire::testing::probe(Probe::ReserveSend, blocks.concat(), 1, 0.0);
    let mut w = crate::wire::testing::answer(Workload::SteadyThroughput, seed, vec![probe]);
    w.yield_every_ms = Some(TURN_MS);
    (w, turns)
}

/// One simulated paired pass of every seed at +`pct` %, its slow stretch placed by `shift`.
fn pass(pct: f64, shift: usize) -> (Vec<WireResult>, Vec<WireResult>, Vec<Vec<TurnEnd>>) {
    let (mut cand, mut base, mut turns) = (vec![], vec![], vec![]);
    for (i, s) in SEEDS.iter().enumerate() {
        let p = paired_seed(
            *s + shift as u64,
            100.0,
            100.0 * (1.0 + pct / 100.0),
            stretch(i + shift),
        );
        let (b, mut tb) = answer(*s, Side::Base, &p.base);
        let (c, tc) = answer(*s, Side::Candidate, &p.candidate);
        tb.extend(tc);
        cand.push(c);
        base.push(b);
        turns.push(tb);
    }
    (cand, base, turns)
}

#[test]
fn passes_pool_their_blocks_seed_by_seed_and_must_repeat_the_seeds() {
    let (c1, b1, t1) = pass(10.0, 0);
    let (c2, b2, t2) = pass(10.0, 1);
    let one = |c, b, t| PairedPass {
        cand: c,
        base: b,
        turns: t,
    };
    let single =
        workload_estimates(Environment::DesktopChromium, &[one(&c1, &b1, &t1)], 10.0).unwrap();
    let (metric, Some(e1)) = &single[0] else {
        panic!("{single:?}")
    };
    assert_eq!(*metric, MetricId::Perf04A);
    assert_eq!((e1.passes, e1.blocks), (1, (SEEDS.len() * BLOCKS) as u32));
    // ~100 ns a reserve-send, in the metric's unit (µs) as its records hold it.
    assert!(e1.base > 0.09 && e1.base < 0.2, "{e1:?}");
    let both = [one(&c1, &b1, &t1), one(&c2, &b2, &t2)];
    let pooled = workload_estimates(Environment::DesktopChromium, &both, 10.0).unwrap();
    let Some(e2) = &pooled[0].1 else {
        panic!("{pooled:?}")
    };
    assert_eq!((e2.passes, e2.blocks), (2, 2 * e1.blocks));
    // More blocks, a narrower interval around the same planted change.
    let width = |e: &PairedEstimate| e.interval_pct.1 - e.interval_pct.0;
    assert!(width(e2) < width(e1), "{e1:?} {e2:?}");
    let mut other = c2.clone();
    other[0].seed = 999;
    let bad = [one(&c1, &b1, &t1), one(&other, &b2, &t2)];
    assert_eq!(
        workload_estimates(Environment::DesktopChromium, &bad, 10.0).unwrap_err(),
        PairedError::PassSeeds { pass: 2 }
    );
}

#[test]
fn a_pooled_estimate_decides_the_regression_and_the_verdict_follows() {
    use crate::gate::{GateReport, Regression, Verdict};
    use crate::summary::{RecordKey, Status};
    let key = RecordKey {
        profile: crate::Profile::CoreMin,
        environment: Environment::DesktopChromium,
        metric_id: MetricId::Perf04A,
        framework: Some(crate::Framework::VanillaJs),
        workload: Some(Workload::SteadyThroughput),
        adapter: None,
    };
    let report = GateReport {
        verdict: Verdict::Fail,
        results: vec![],
        regressions: vec![Regression {
            key: key.clone(),
            baseline: 100.0,
            current: 110.5,
            machine_slowdown: None,
            current_at_baseline_speed: None,
            regression_pct: 10.5,
            max_regression_pct: 10.0,
            status: Status::Fail,
            noise_pct: None,
            paired: None,
        }],
        no_baseline: vec![],
        not_measured: vec![],
        errors: vec![],
        warnings: vec![],
    };
    let estimate = |passes, candidate: f64| PairedEstimate {
        base: 100.0,
        candidate,
        change_pct: candidate - 100.0,
        interval_pct: (candidate - 103.0, candidate - 97.0),
        blocks: 400,
        resolution: Resolution::Resolved,
        regression: candidate > 110.0,
        passes,
    };
    let keyed = |e| {
        vec![PairedKey {
            key: key.clone(),
            estimate: Some(e),
            turn_ms: Some(TURN_MS),
        }]
    };
    // One pass: the records' comparison stands; the note says one pass.
    let mut r = report.clone();
    annotate(&mut r, &keyed(estimate(1, 104.0)), "base");
    assert_eq!(
        (r.verdict, r.regressions[0].status),
        (Verdict::Fail, Status::Fail)
    );
    assert_eq!(r.regressions[0].paired.as_ref().unwrap().passes, 1);
    // Two passes pooled: the pooled gate values are compared, and the verdict follows.
    let mut r = report.clone();
    annotate(&mut r, &keyed(estimate(2, 104.0)), "base");
    let reg = &r.regressions[0];
    assert_eq!((reg.current, reg.regression_pct), (104.0, 4.0));
    assert_eq!((reg.status, r.verdict), (Status::Pass, Verdict::Pass));
    assert_eq!(reg.paired.as_ref().unwrap().passes, 2);
}
