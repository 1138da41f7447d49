//! Pacing: when the engine hands the event loop back (between timed batches, never inside one) and
//! the progress it reports then (probe, phase, done/total, the per-operation values since the last report).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use serde::Serialize;

use scenarios::Probe;

use crate::error::HarnessError;

/// The engine yields to the event loop once this much wall time passed since its last yield, at the
/// next point between two timed batches (a batch is never split). Every run does so, on every page.
pub const YIELD_EVERY_MS: f64 = 100.0;

thread_local! {
    /// The interval in force: [`YIELD_EVERY_MS`] unless a paired run set a shorter one.
    static YIELD_EVERY: Cell<f64> = const { Cell::new(YIELD_EVERY_MS) };
}

/// How often the engine yields now, ms (recorded in every batched wire result).
pub fn yield_every_ms() -> f64 {
    YIELD_EVERY.with(Cell::get)
}

/// Sets how often the engine yields (a paired run's turn length: shorter turns put the machine's slow
/// stretches on both builds alike); returns the previous interval. Refuses anything outside (0, 1000] ms.
pub fn set_yield_every_ms(ms: f64) -> Result<f64, HarnessError> {
    if !(ms.is_finite() && ms > 0.0 && ms <= 1000.0) {
        return Err(HarnessError::Input(format!(
            "the yield interval must be in (0, 1000] ms, got {ms}"
        )));
    }
    Ok(YIELD_EVERY.with(|c| c.replace(ms)))
}

/// Where in a probe's protocol the engine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    WarmUp,
    Calibration,
    TimedBatches,
    PerOperation,
}

/// What the engine reports at a yield.
#[derive(Debug, Clone, Serialize)]
pub struct Progress<'a> {
    pub probe: Probe,
    pub phase: Phase,
    /// Samples kept so far in this phase, out of `total` (0 when the phase has no known length).
    pub done: u32,
    pub total: u32,
    /// Per-operation values (ns) of the timed batches since the last report, in the wire's derivation
    /// (`scenarios::wire::per_op`); empty in the other phases.
    pub values_ns: &'a [f64],
    /// Which set of timed samples of this probe the report belongs to: 0 for the first. A restart
    /// (too many timed batches fell under the minimum span: the batch doubled and every sample taken
    /// so far was discarded) starts the next set, and the engine reports it at once with `done` 0 and
    /// `restart` set. A consumer keeps the values of the latest set only and never infers a restart.
    pub attempt: u32,
    /// Set on the one report that announces a restart: why the earlier samples were discarded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<Restart>,
}

/// Why a probe's timed samples restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Restart {
    /// The reason, as the page shows it.
    pub reason: RestartReason,
    /// The batch size the samples restart at.
    pub batch_size: u32,
    /// Samples discarded.
    pub discarded: u32,
}

/// What made the engine discard a probe's timed samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestartReason {
    /// More than the allowed share of timed batches fell under the minimum span; the batch doubled.
    ShortBatches,
}

/// The future a pacer returns: it resolves once the event loop has run.
pub type Pause = Pin<Box<dyn Future<Output = Result<(), HarnessError>>>>;

/// Hands the event loop back and passes progress on; the page's is a JS callback.
pub trait Pacer {
    fn pause(&self, progress: &Progress<'_>) -> Pause;
}

/// A pacer that returns at once (native runs and tests that need no event loop).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPause;

impl Pacer for NoPause {
    fn pause(&self, _: &Progress<'_>) -> Pause {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Runs a future that never waits (an engine with [`NoPause`]) to its end.
///
/// # Panics
/// If the future is pending: it waits on something, and nothing here would wake it.
pub fn complete<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("complete: the future waited; run it on an executor"),
    }
}
