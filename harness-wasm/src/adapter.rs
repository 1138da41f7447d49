//! The runtime adapter seam: what any wasm runtime implements to be measured by this harness.
//!
//! Each method is one operation of a probe. The engine builds inputs before a timed batch, times
//! only the calls, and drops results afterwards, so implementations should do exactly the named
//! operation and nothing else.

use crate::error::AdapterError;
use crate::invariants::InvariantReport;
use crate::schedule::{ScheduleSpec, StormSpec};

/// A chunk of a byte stream; shared so a batch's inputs can reuse a small pool of buffers.
pub type Chunk = std::rc::Rc<[u8]>;

/// A wasm runtime under measurement.
pub trait RuntimeAdapter: Sized {
    /// A storm of tasks in flight, ready to be cancelled (see [`RuntimeAdapter::start_storm`]).
    type Storm;

    /// Human-readable adapter name, written into the wire result's `adapter` field.
    fn name(&self) -> &'static str;

    /// Starts the runtime. `seed` fixes every scheduling decision the runtime makes.
    fn start(seed: u64) -> Result<Self, AdapterError>;

    /// Two-phase send on the bounded channel: reserve a permit, send `value` through it, and let the
    /// consumer receive it. Returns the received value.
    fn reserve_send(&mut self, value: u64) -> Result<u64, AdapterError>;

    /// Streams the pre-built `chunks` from a producer task to a consumer task through
    /// the bounded channel (back-pressure included), driven until idle. Returns the received chunks.
    fn stream(&mut self, chunks: Vec<Chunk>) -> Result<Vec<Chunk>, AdapterError>;

    /// Arms a timeout `delay_ms` ahead in the timer wheel and cancels it.
    fn timeout_arm_cancel(&mut self, delay_ms: u32) -> Result<(), AdapterError>;

    /// Opens a scope for a batch of [`RuntimeAdapter::spawn_join`] calls.
    fn open_scope(&mut self) -> Result<(), AdapterError>;

    /// Spawns a small task in the open scope and joins it; the task computes [`spawn_work`]`(work)`
    /// and that is the returned value.
    fn spawn_join(&mut self, work: u32) -> Result<u64, AdapterError>;

    /// Spawns in the open scope a task that never completes and is never joined. Not timed: the
    /// conformance suite calls it to check that [`RuntimeAdapter::close_scope`] then refuses.
    fn spawn_pending(&mut self) -> Result<(), AdapterError>;

    /// Closes the open scope; fails, counting the orphans, if any task outlives it.
    fn close_scope(&mut self) -> Result<(), AdapterError>;

    /// Puts the storm `spec` in flight: its tasks spawned, each holding an obligation (a reserved
    /// permit), and driven until every one is at its first wait — running tasks mid-loop between
    /// checkpoints, timer tasks with a timer armed, receivers awaiting a receive. Not timed.
    fn start_storm(&mut self, spec: &StormSpec) -> Result<Self::Storm, AdapterError>;

    /// Requests cancellation of every task of the storm and returns once it is observable to the
    /// caller: each task observed the request at its next checkpoint, drained (obligation aborted,
    /// timer disarmed) and was finalized. Returns the number of tasks finalized. Timed (03B).
    fn cancel_storm(&mut self, storm: Self::Storm) -> Result<usize, AdapterError>;

    /// Runs the seeded schedule `spec` live. Returns its order-sensitive checksum.
    fn run_schedule(&mut self, spec: &ScheduleSpec) -> Result<u64, AdapterError>;

    /// Runs `spec` live while recording every scheduling decision; returns the encoded trace.
    /// Fails with [`AdapterError::TraceDisabled`] when built without `trace`: that is the default, so
    /// an adapter implements it under `#[cfg(feature = "trace")]` only.
    fn record_schedule(&mut self, spec: &ScheduleSpec) -> Result<Vec<u8>, AdapterError> {
        let _ = spec;
        Err(AdapterError::TraceDisabled)
    }

    /// Loads an encoded trace and replays `spec` following it step by step. Returns the checksum.
    /// Fails with [`AdapterError::TraceDisabled`] when built without `trace`: the default, as for
    /// [`RuntimeAdapter::record_schedule`].
    fn replay_schedule(&mut self, spec: &ScheduleSpec, trace: &[u8]) -> Result<u64, AdapterError> {
        let _ = (spec, trace);
        Err(AdapterError::TraceDisabled)
    }

    /// The runtime's invariant counters so far (tasks, permits, cancels, timers): the conformance
    /// suite holds every method to them, so they must count what really happened.
    fn invariants(&self) -> InvariantReport;
}

/// What a [`RuntimeAdapter::spawn_join`] task computes from `work`: `work` steps of a 64-bit LCG
/// starting at `work`.
pub fn spawn_work(work: u32) -> u64 {
    let mut x = u64::from(work);
    for i in 0..work {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(u64::from(i));
    }
    x
}
