//! Checks a page's wire result against what the collector asked: identity, probe list, sample counts,
//! plausible clock, overheads and values. A page is trusted for its measurements, not for their shape.

use crate::ids::{Environment, Framework, Probe, Profile, Workload};
use crate::protocol::{
    metric_for, probes_for, timing, unmeasurable, Timing, HEAP_SAMPLES, MIN_TICKS_PER_BATCH,
};
use crate::wire::{SampleUnit, WireResult};

/// The longest single timed sample believed (a batch or one cold start): ten minutes, in ns.
pub const MAX_SAMPLE_NS: f64 = 600e9;
/// The largest memory reading believed: a wasm32 linear memory cannot exceed 4 GiB.
pub const MAX_SAMPLE_BYTES: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;
/// The coarsest timer tick believed: 100 ms, in ns.
pub const MAX_TICK_NS: f64 = 1e8;
/// The longest interval between the engine's yields to the event loop believed, ms.
pub const MAX_YIELD_EVERY_MS: f64 = 1000.0;

/// Whether the engine times a workload in batches (and so yields between them); cold start is timed by
/// the page and the heap is read, not timed.
pub fn yields_between_batches(workload: Workload) -> bool {
    !matches!(workload, Workload::ColdStart | Workload::MemoryPressure)
}

/// What the collector asked the page for one (workload, seed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Asked {
    pub workload: Workload,
    pub framework: Framework,
    pub profile: Profile,
    pub seed: u64,
    pub iterations: u32,
    pub warmup: u32,
    /// TEST ONLY: the calibrated slowdown asked for, percent.
    pub slowdown_pct: Option<f64>,
}

/// The probes a workload's page answer must hold for a profile, in order (a profile's unmeasurable
/// metrics, e.g. replay on core-min, have no probe).
pub fn expected_probes(workload: Workload, profile: Profile) -> Vec<Probe> {
    probes_for(workload)
        .iter()
        .copied()
        // Only cold init changes metric with the environment, and no profile lacks it.
        .filter(|p| unmeasurable(profile, metric_for(*p, Environment::DesktopChromium)).is_none())
        .collect()
}

/// The unit a probe's samples must be in.
pub fn sample_unit(probe: Probe) -> SampleUnit {
    match probe {
        Probe::Heap => SampleUnit::Bytes,
        _ => SampleUnit::Ns,
    }
}

/// How many timed samples a probe must return for `iterations` asked (the heap takes at most 500).
pub fn expected_samples(probe: Probe, iterations: u32) -> usize {
    match probe {
        Probe::Heap => iterations.min(HEAP_SAMPLES) as usize,
        _ => iterations as usize,
    }
}

/// Every way `wire` differs from what was asked or from what a real measurement can be; empty when it
/// answers the question. Run after [`WireResult::check`].
pub fn check_answer(wire: &WireResult, asked: &Asked) -> Vec<String> {
    let mut out = Vec::new();
    let got = (wire.workload, wire.framework, wire.profile, wire.seed);
    if got != (asked.workload, asked.framework, asked.profile, asked.seed) {
        out.push(format!(
            "the page answered for {} {} {} seed {}, not the {} {} {} seed {} asked",
            wire.profile,
            wire.framework,
            wire.workload,
            wire.seed,
            asked.profile,
            asked.framework,
            asked.workload,
            asked.seed
        ));
    }
    if wire.iterations != asked.iterations {
        out.push(format!(
            "iterations is {}, {} were asked",
            wire.iterations, asked.iterations
        ));
    }
    if wire.injected_slowdown_pct != asked.slowdown_pct {
        out.push(format!(
            "injected_slowdown_pct is {:?}, {:?} was asked",
            wire.injected_slowdown_pct, asked.slowdown_pct
        ));
    }
    if wire.warmup > asked.warmup {
        out.push(format!(
            "warmup is {}, more than the {} asked",
            wire.warmup, asked.warmup
        ));
    }
    let tick = wire.clock.tick_ns;
    if !(tick.is_finite() && tick > 0.0 && tick <= MAX_TICK_NS) {
        out.push(format!(
            "clock.tick_ns is {tick}: a timer tick is above 0 and at most {MAX_TICK_NS} ns"
        ));
    }
    check_yield(wire, &mut out);
    if (wire.workload == Workload::ColdStart) != wire.cold_frame_gc.is_some() {
        out.push(format!(
            "cold_frame_gc is {:?}: a cold-start result says whether the page collected garbage \
             between frames, no other result does (rebuild the harness from this commit)",
            wire.cold_frame_gc
        ));
    }
    if (wire.workload == Workload::ColdStart)
        != matches!(wire.cold_seeds_in_turn, Some(n) if n >= 1)
    {
        out.push(format!(
            "cold_seeds_in_turn is {:?}: a cold-start result says how many seeds took turns in its \
             call (at least 1), no other result does (rebuild the harness from this commit)",
            wire.cold_seeds_in_turn
        ));
    }
    check_probe_list(wire, asked, &mut out);
    for (i, p) in wire.probes.iter().enumerate() {
        let here = format!("probes[{i}] ({})", p.probe);
        check_probe(&here, p, asked.iterations, &mut out);
        check_spans(&here, p, tick, &mut out);
    }
    out
}

/// Every run shares the thread the same way: batched workloads say how often the engine yielded.
fn check_yield(wire: &WireResult, out: &mut Vec<String>) {
    match (yields_between_batches(wire.workload), wire.yield_every_ms) {
        (true, Some(ms)) if ms.is_finite() && ms > 0.0 && ms <= MAX_YIELD_EVERY_MS => {}
        (true, got) => out.push(format!(
            "yield_every_ms is {got:?}: {} is timed in batches by an engine that yields between them \
             at most every {MAX_YIELD_EVERY_MS} ms (rebuild the harness from this commit)",
            wire.workload
        )),
        (false, None) => {}
        (false, Some(ms)) => out.push(format!(
            "yield_every_ms is {ms}, but {} is not timed in batches by the engine",
            wire.workload
        )),
    }
}

fn check_probe_list(wire: &WireResult, asked: &Asked, out: &mut Vec<String>) {
    let want = expected_probes(asked.workload, asked.profile);
    let got: Vec<Probe> = wire.probes.iter().map(|p| p.probe).collect();
    if got != want {
        let names = |v: &[Probe]| v.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
        out.push(format!(
            "the probes are [{}], but {} on {} measures [{}]",
            names(&got),
            asked.workload,
            asked.profile,
            names(&want)
        ));
    }
}

/// What the minimum span asks of a probe's samples, by how they were taken (`protocol::timing`): every
/// timed batch spans it at any batch size (a paired probe's live batches too); a single-operation probe is one operation per sample with
/// nothing subtracted.
fn check_spans(here: &str, p: &crate::wire::ProbeResult, tick: f64, out: &mut Vec<String>) {
    if !tick.is_finite() {
        return;
    }
    let min = MIN_TICKS_PER_BATCH * tick;
    let short = |v: &[f64]| v.iter().filter(|s| **s < min).count();
    if let Some(r) = &p.speed_reference {
        let short = short(&r.samples);
        if short > 0 {
            out.push(format!(
                "{here}: {short} speed-reference batches span fewer than {MIN_TICKS_PER_BATCH} ticks ({min} ns): the page must drop them"
            ));
        }
    }
    match timing(p.probe) {
        Timing::Batches => {
            let live = p.baseline_samples.as_deref().unwrap_or_default();
            for (what, short) in [
                ("timed", short(&p.samples)),
                ("live (baseline)", short(live)),
            ] {
                if short > 0 {
                    out.push(format!(
                        "{here}: {short} {what} batches span fewer than {MIN_TICKS_PER_BATCH} ticks ({min} ns): the page must reject them"
                    ));
                }
            }
        }
        Timing::SingleOperation if p.batch_size != 1 || p.loop_overhead_ns != 0.0 => {
            out.push(format!(
                "{here}: batch_size {} and loop_overhead_ns {}: {} is one operation per sample timed alone by the page (batch_size 1, loop_overhead_ns 0), not a batch held to {MIN_TICKS_PER_BATCH} ticks",
                p.batch_size, p.loop_overhead_ns, p.probe
            ));
        }
        Timing::SingleOperation | Timing::Reading => {}
    }
}

fn check_probe(here: &str, p: &crate::wire::ProbeResult, iterations: u32, out: &mut Vec<String>) {
    let unit = sample_unit(p.probe);
    if p.unit != unit {
        out.push(format!("{here}: samples are in {:?}, not {unit:?}", p.unit));
        return;
    }
    let want = expected_samples(p.probe, iterations);
    if p.samples.len() != want {
        out.push(format!(
            "{here}: {} samples, {want} were asked",
            p.samples.len()
        ));
    }
    let batched_time = timing(p.probe) == Timing::Batches && p.probe != Probe::ReplayStep;
    match (&p.per_op_samples, batched_time) {
        (None, true) => out.push(format!(
            "{here}: no per_op_samples: a batched latency probe carries its per-operation view"
        )),
        (Some(o), _) if o.len() != p.samples.len() => out.push(format!(
            "{here}: {} per-operation samples for {} samples",
            o.len(),
            p.samples.len()
        )),
        _ => {}
    }
    if let Some(b) = &p.baseline_samples {
        if b.len() != p.samples.len() {
            out.push(format!(
                "{here}: {} baseline samples for {} samples",
                b.len(),
                p.samples.len()
            ));
        }
    }
    let max = match unit {
        SampleUnit::Ns => MAX_SAMPLE_NS,
        SampleUnit::Bytes => MAX_SAMPLE_BYTES,
    };
    let all = p.samples.iter().chain(p.baseline_samples.iter().flatten());
    if let Some(v) = all.copied().find(|v| *v > max) {
        out.push(format!(
            "{here}: a sample of {v} is beyond any real reading (at most {max})"
        ));
    }
    let overhead = p.loop_overhead_ns;
    if !(overhead.is_finite() && overhead >= 0.0) {
        out.push(format!(
            "{here}: loop_overhead_ns is {overhead}, not a duration"
        ));
    } else if unit == SampleUnit::Ns && overhead > 0.0 {
        let median = crate::protocol::median(&p.samples).unwrap_or(0.0);
        if overhead >= median {
            out.push(format!(
                "{here}: loop_overhead_ns {overhead} is not below the median batch time {median} ns, so most per-operation values would be clamped to 0"
            ));
        }
    } else if unit == SampleUnit::Bytes && overhead != 0.0 {
        out.push(format!(
            "{here}: a memory probe has no loop overhead, got {overhead}"
        ));
    }
}

#[cfg(test)]
mod tests;
