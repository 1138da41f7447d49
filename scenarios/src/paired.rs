//! Paired comparison of a candidate build against its base measured in the same session: the order
//! the two sides take turns in (ABBA blocks), and the estimate of the candidate's gate value against
//! the base's with a confidence interval bootstrapped over blocks, stratified by seed.
//!
//! Why paired: a baseline stored from another run compares two machine states as much as two builds
//! (on the reference VM the same build's gate values moved 1.17–1.4× between runs). Taking turns in
//! blocks much shorter than the machine's slow stretches puts both sides in the same stretches, so
//! their ratio keeps the build's difference and loses most of the machine's. Pure: the bootstrap's
//! resampling comes from a fixed-seed generator, so one input always gives one report.

use serde::{Deserialize, Serialize};

pub use crate::gate::{PairedNote, Resolution};

use crate::fold::to_unit;
use crate::gate::{regression_status, verdict_of, GateReport};
use crate::protocol::metric_for;
use crate::protocol::{median, GATE_QUANTILE};
use crate::stats::{nearest_rank, rank_index};
use crate::summary::RecordKey;
use crate::wire::WireResult;
use crate::{Environment, MetricId, Probe, Unit, Workload};

/// One side of a paired comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Base,
    Candidate,
}

/// How long a side's turn lasts in a paired run, ms: the engines' yield interval for the call (the
/// unpaired default is 100 ms). Several turns fit in one of the slow stretches measured on the
/// reference VM (100–200 ms at 1.4–1.7×), so a stretch weighs on both sides instead of one.
pub const TURN_MS: f64 = 20.0;

/// The side that runs block `i` in the balanced order A B B A A B B A …: every pair of consecutive
/// turns has one of each, and a drift that rises or falls steadily over four blocks weighs on both
/// sides alike (the first-order trend cancels, which plain alternation A B A B does not).
pub fn abba(i: usize) -> Side {
    match i % 4 {
        0 | 3 => Side::Base,
        _ => Side::Candidate,
    }
}

/// Where a side's engine was when its turn ended (its progress report at that yield), as the page logs
/// it; cold start logs each frame's end with its seed and the side's samples so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TurnEnd {
    pub side: Side,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    pub done: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// The engine's phase name of timed batches, as the progress stream spells it.
const TIMED_BATCHES: &str = "timed-batches";

/// One side's per-operation values of `probe` cut into its turns: the cuts are that side's turn ends
/// in the timed-batches phase of the latest set of samples (`attempt`: a restart discarded the earlier
/// ones, so the values a wire result holds are the latest set's). Values after the last cut form the
/// last block.
pub fn probe_blocks(values: &[f64], turns: &[TurnEnd], side: Side, probe: Probe) -> Vec<Vec<f64>> {
    let timed = |t: &&TurnEnd| {
        t.side == side && t.probe == Some(probe) && t.phase.as_deref() == Some(TIMED_BATCHES)
    };
    let latest = turns.iter().filter(timed).filter_map(|t| t.attempt).max();
    let cuts = turns
        .iter()
        .filter(timed)
        .filter(|t| t.attempt == latest)
        .map(|t| t.done as usize);
    cut(values, cuts)
}

/// One side's cold-start samples cut at its frames' ends (`done` counts the samples taken, warm-up
/// included; `dropped` is how many the wire result dropped as warm-up, from the front).
pub fn frame_blocks(
    values: &[f64],
    turns: &[TurnEnd],
    side: Side,
    seed: u64,
    dropped: usize,
) -> Vec<Vec<f64>> {
    let cuts = turns
        .iter()
        .filter(|t| t.side == side && t.seed == Some(seed))
        .map(|t| (t.done as usize).saturating_sub(dropped));
    cut(values, cuts)
}

/// `values` cut at the ascending positions `cuts` (out-of-range and repeated cuts ignored).
fn cut(values: &[f64], cuts: impl Iterator<Item = usize>) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    let mut from = 0;
    for c in cuts {
        if c > from && c <= values.len() {
            out.push(values[from..c].to_vec());
            from = c;
        }
    }
    if from < values.len() {
        out.push(values[from..].to_vec());
    }
    out
}

/// One key's paired comparison, put beside its regression by [`annotate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PairedKey {
    pub key: RecordKey,
    /// The block bootstrap's estimate; None where the key compares directly (heap, sizes, the
    /// replay overhead, which is itself a ratio measured in one stretch).
    pub estimate: Option<PairedEstimate>,
    /// The engines' yield interval the turns ran at, ms (the wire's `yield_every_ms`), when batched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_ms: Option<f64>,
}

/// True when the key's interval straddles the regression line (the point estimate would decide).
pub fn straddles(k: &PairedKey) -> bool {
    k.estimate
        .as_ref()
        .is_some_and(|e| e.resolution == Resolution::PointEstimate)
}

/// Puts each key's paired comparison beside its regression (the regression itself is the candidate's
/// gate value against the base's, both measured in this session: the contract's rule). Where the
/// estimate pooled more than one pass (the first one's interval straddled the line), the pooled gate
/// values replace the first pass's in the regression, which the rule then judges; the verdict follows.
pub fn annotate(report: &mut GateReport, keys: &[PairedKey], base_source: &str) {
    for reg in &mut report.regressions {
        let Some(k) = keys
            .iter()
            .find(|k| k.key.without_adapter() == reg.key.without_adapter())
        else {
            continue;
        };
        let e = k.estimate.as_ref();
        reg.paired = Some(PairedNote {
            base_source: base_source.to_owned(),
            interval_pct: e.map(|e| e.interval_pct),
            block_change_pct: e.map(|e| e.change_pct),
            blocks: e.map_or(0, |e| e.blocks),
            turn_ms: k.turn_ms,
            resolution: e.map(|e| e.resolution),
            passes: e.map_or(1, |e| e.passes),
        });
        if let Some(e) = e.filter(|e| e.passes > 1) {
            reg.baseline = e.base;
            reg.current = e.candidate;
            reg.regression_pct = e.change_pct;
            reg.status = regression_status(e.change_pct, reg.max_regression_pct);
        }
    }
    report.verdict = verdict_of(&report.errors, &report.results, &report.regressions);
}

/// One paired measurement of a workload: each seed's wire result of the candidate and of the base
/// (same seeds, same order) and each seed's turn log.
#[derive(Debug, Clone, Copy)]
pub struct PairedPass<'a> {
    pub cand: &'a [WireResult],
    pub base: &'a [WireResult],
    pub turns: &'a [Vec<TurnEnd>],
}

/// The paired estimate of each probe of one workload, by metric, over one or more passes (a seed's
/// blocks of every pass pooled, in pass order). A metric that compares directly (the heap in bytes,
/// the replay overhead in percent) has no estimate.
pub fn workload_estimates(
    environment: Environment,
    passes: &[PairedPass<'_>],
    max_regression_pct: f64,
) -> Result<Vec<(MetricId, Option<PairedEstimate>)>, PairedError> {
    let Some(first) = passes.first().and_then(|p| p.cand.first()) else {
        return Err(PairedError::NoSeeds);
    };
    let seeds: Vec<u64> = passes[0].cand.iter().map(|w| w.seed).collect();
    for (i, p) in passes.iter().enumerate() {
        let of = |w: &[WireResult]| w.iter().map(|w| w.seed).collect::<Vec<_>>();
        if of(p.cand) != seeds || of(p.base) != seeds || p.turns.len() != seeds.len() {
            return Err(PairedError::PassSeeds { pass: i + 1 });
        }
    }
    let mut out = Vec::new();
    for probe in first.probes.iter().map(|p| p.probe) {
        let metric = metric_for(probe, environment);
        if matches!(metric.unit(), Unit::Percent | Unit::Bytes) {
            out.push((metric, None));
            continue;
        }
        let mut pooled: Vec<PairedSeed> = seeds
            .iter()
            .map(|&seed| PairedSeed {
                seed,
                base: Vec::new(),
                candidate: Vec::new(),
            })
            .collect();
        for p in passes {
            for (i, s) in pooled.iter_mut().enumerate() {
                let t = &p.turns[i];
                s.base
                    .extend(side_blocks(&p.base[i], t, Side::Base, probe)?);
                s.candidate
                    .extend(side_blocks(&p.cand[i], t, Side::Candidate, probe)?);
            }
        }
        let mut e = estimate(&pooled, max_regression_pct)?;
        e.passes = passes.len() as u32;
        // The gate values in the metric's unit, as its records hold them (the change is unit-free).
        let sample = first
            .probes
            .iter()
            .find(|p| p.probe == probe)
            .map(|p| p.unit);
        if let Some(sample) = sample {
            e.base = to_unit(e.base, sample, metric.unit());
            e.candidate = to_unit(e.candidate, sample, metric.unit());
        }
        out.push((metric, Some(e)));
    }
    Ok(out)
}

/// One side's values of `probe` in one seed's answer, cut into its blocks.
fn side_blocks(
    w: &WireResult,
    turns: &[TurnEnd],
    side: Side,
    probe: Probe,
) -> Result<Vec<Vec<f64>>, PairedError> {
    let p = w
        .probes
        .iter()
        .find(|p| p.probe == probe)
        .ok_or(PairedError::MissingProbe {
            seed: w.seed,
            probe,
        })?;
    let values = p.per_op();
    Ok(match w.workload {
        Workload::ColdStart => frame_blocks(&values, turns, side, w.seed, w.warmup as usize),
        _ => probe_blocks(&values, turns, side, probe),
    })
}

/// One seed's per-operation values, grouped by block in time order: block `k` of each side ran in the
/// `k`-th pair of turns (blocks beyond the shorter side are unpaired and dropped by the bootstrap).
#[derive(Debug, Clone, PartialEq)]
pub struct PairedSeed {
    pub seed: u64,
    pub base: Vec<Vec<f64>>,
    pub candidate: Vec<Vec<f64>>,
}

/// A paired estimate of one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PairedEstimate {
    /// Gate values (median over seeds of each seed's p95) of each side: in the metric's unit (as its
    /// records) from [`workload_estimates`]; in the values' unit from [`estimate`].
    pub base: f64,
    pub candidate: f64,
    /// `(candidate / base − 1) × 100`.
    pub change_pct: f64,
    /// The bootstrap's central interval of `change_pct` at [`CONFIDENCE`].
    pub interval_pct: (f64, f64),
    /// Paired blocks the estimate rests on, over every seed.
    pub blocks: u32,
    pub resolution: Resolution,
    /// True when `change_pct` is above the rule's `max_regression_pct`.
    pub regression: bool,
    /// Paired passes pooled (1 unless the unit was measured again to resolve a straddle).
    #[serde(default = "one")]
    pub passes: u32,
}

fn one() -> u32 {
    1
}

/// The interval's coverage.
pub const CONFIDENCE: f64 = 0.95;
/// Bootstrap resamples: enough for the 2.5 % / 97.5 % points to move less than a tenth of their width.
pub const RESAMPLES: usize = 2000;
/// The generator's fixed seed (any constant; fixed so a report is reproducible from its inputs).
const BOOTSTRAP_SEED: u64 = 0x05ee_d0fb_10c5;

/// Why a paired estimate cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PairedError {
    #[error("seed {seed}: no paired block holds values on both sides")]
    NoPairs { seed: u64 },
    #[error("no seed to compare")]
    NoSeeds,
    #[error("seed {seed}: a value is negative or not finite ({value})")]
    BadValue { seed: u64, value: f64 },
    #[error("the base's gate value is {0}: a ratio needs a value above 0")]
    ZeroBase(f64),
    #[error("seed {seed}: one side's answer has no {probe} probe (the base measures another metric set)")]
    MissingProbe { seed: u64, probe: Probe },
    #[error(
        "pass {pass}: its seeds differ from the first pass's (a pass must repeat the same seeds)"
    )]
    PassSeeds { pass: usize },
}

/// The candidate's gate value against the base's, and the interval of their change.
pub fn estimate(
    seeds: &[PairedSeed],
    max_regression_pct: f64,
) -> Result<PairedEstimate, PairedError> {
    if seeds.is_empty() {
        return Err(PairedError::NoSeeds);
    }
    let mut pairs = Vec::with_capacity(seeds.len());
    for s in seeds {
        let p = paired_blocks(s)?;
        pairs.push(p);
    }
    let (base, candidate) = gate_values(&pairs, |p| p.iter().collect());
    if base <= 0.0 {
        return Err(PairedError::ZeroBase(base));
    }
    let change = |b: f64, c: f64| (c / b - 1.0) * 100.0;
    let change_pct = change(base, candidate);
    let mut rng = SplitMix64(BOOTSTRAP_SEED);
    let mut changes: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            let (b, c) = gate_values(&pairs, |p| {
                (0..p.len()).map(|_| &p[rng.below(p.len())]).collect()
            });
            change(b, c)
        })
        .filter(|c| c.is_finite())
        .collect();
    changes.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    let interval_pct = (
        nearest_rank(&changes, tail),
        nearest_rank(&changes, 1.0 - tail),
    );
    let regression = change_pct > max_regression_pct;
    let resolved = interval_pct.0 > max_regression_pct || interval_pct.1 <= max_regression_pct;
    Ok(PairedEstimate {
        base,
        candidate,
        change_pct,
        interval_pct,
        blocks: pairs.iter().map(|p| p.len() as u32).sum(),
        resolution: if resolved {
            Resolution::Resolved
        } else {
            Resolution::PointEstimate
        },
        regression,
        passes: 1,
    })
}

/// One block pair: the base's and the candidate's values of the same pair of turns.
type Pair<'a> = (&'a [f64], &'a [f64]);

/// A seed's blocks that hold values on both sides, checked.
fn paired_blocks(s: &PairedSeed) -> Result<Vec<Pair<'_>>, PairedError> {
    let pairs: Vec<Pair<'_>> = s
        .base
        .iter()
        .zip(&s.candidate)
        .filter(|(b, c)| !b.is_empty() && !c.is_empty())
        .map(|(b, c)| (b.as_slice(), c.as_slice()))
        .collect();
    if pairs.is_empty() {
        return Err(PairedError::NoPairs { seed: s.seed });
    }
    for (b, c) in &pairs {
        if let Some(&v) = b
            .iter()
            .chain(c.iter())
            .find(|v| !v.is_finite() || **v < 0.0)
        {
            return Err(PairedError::BadValue {
                seed: s.seed,
                value: v,
            });
        }
    }
    Ok(pairs)
}

/// Both sides' gate values (median over seeds of the seed's p95) over the block pairs `pick` chooses.
fn gate_values<'a, 'p>(
    seeds: &'p [Vec<Pair<'a>>],
    mut pick: impl FnMut(&'p [Pair<'a>]) -> Vec<&'p Pair<'a>>,
) -> (f64, f64) {
    let mut base = Vec::with_capacity(seeds.len());
    let mut cand = Vec::with_capacity(seeds.len());
    let (mut b, mut c) = (Vec::new(), Vec::new());
    for pairs in seeds {
        let chosen = pick(pairs);
        b.clear();
        c.clear();
        b.extend(chosen.iter().flat_map(|p| p.0.iter().copied()));
        c.extend(chosen.iter().flat_map(|p| p.1.iter().copied()));
        base.push(p95_in_place(&mut b));
        cand.push(p95_in_place(&mut c));
    }
    (
        median(&base).unwrap_or(f64::NAN),
        median(&cand).unwrap_or(f64::NAN),
    )
}

/// The gate's quantile by nearest rank (`stats::rank_index`) by selection, not a full sort: the
/// bootstrap takes thousands of them. `v` is reordered.
fn p95_in_place(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = rank_index(v.len(), GATE_QUANTILE);
    *v.select_nth_unstable_by(rank, f64::total_cmp).1
}

/// SplitMix64: a small, well-known generator; here only to pick bootstrap blocks reproducibly.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2⁻³² for any n here).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next() >> 32) * n as u128) >> 32) as usize
    }
}

#[cfg(test)]
mod tests;
