//! TEST ONLY: semantic faults planted around any adapter, for the conformance suite's own tests
//! (`collector build --plant-fault NAME`, which sets `HARNESS_PLANTED_FAULT`). In such a build
//! `export_harness!` exports [`Planted`] around the adapter; in every real build it exports the
//! adapter itself ([`Pick`]), so no wrapper stands in the timed path.

use crate::adapter::{Chunk, RuntimeAdapter};
use crate::error::AdapterError;
use crate::invariants::InvariantReport;
use crate::schedule::{ScheduleSpec, StormSpec};

/// No fault: every real build.
pub const NONE: u8 = 0;
/// `stream` loses one chunk (a channel that drops a value).
pub const DROPS_A_CHUNK: u8 = 1;
/// `cancel_storm` reports the storm cancelled without requesting, draining or finalizing anything.
pub const CANCEL_DOES_NOT_DRAIN: u8 = 2;
/// `replay_schedule` returns a checksum one bit off the live run's.
pub const REPLAY_DIVERGES: u8 = 3;
/// `spawn_pending` spawns nothing, so the scope closes although a task was asked to stay alive.
pub const CLOSES_OVER_LIVE_TASK: u8 = 4;

/// The faults by the name `collector build --plant-fault` takes.
pub const NAMES: [(&str, u8); 4] = [
    ("drops-a-chunk", DROPS_A_CHUNK),
    ("cancel-does-not-drain", CANCEL_DOES_NOT_DRAIN),
    ("replay-diverges", REPLAY_DIVERGES),
    ("closes-over-live-task", CLOSES_OVER_LIVE_TASK),
];

/// The fault compiled into this build (`HARNESS_PLANTED_FAULT`, a number of [`NAMES`]); [`NONE`]
/// in every real build.
pub const BUILT_FAULT: u8 = match crate::whole_number(option_env!("HARNESS_PLANTED_FAULT")) {
    Some(n) if n <= 4 => n as u8,
    _ => NONE,
};

/// Which type `export_harness!` exports for adapter `A` given the built fault `F`: `A` itself in every
/// real build (no wrapper, so nothing stands between the engine and the adapter), else [`Planted`].
pub trait Pick<A> {
    type Adapter: RuntimeAdapter;
}

/// The built fault as a type ([`Pick`]'s implementor).
pub struct Fault<const F: u8>;

impl<A: RuntimeAdapter> Pick<A> for Fault<NONE> {
    type Adapter = A;
}

macro_rules! planted_picks {
    ($($f:ident),*) => {$(
        impl<A: RuntimeAdapter> Pick<A> for Fault<$f> {
            type Adapter = Planted<A, $f>;
        }
    )*};
}
planted_picks!(
    DROPS_A_CHUNK,
    CANCEL_DOES_NOT_DRAIN,
    REPLAY_DIVERGES,
    CLOSES_OVER_LIVE_TASK
);

/// Adapter `A` with fault `F` planted (a pass-through when `F` is [`NONE`]).
pub struct Planted<A, const F: u8>(pub A);

impl<A: RuntimeAdapter, const F: u8> RuntimeAdapter for Planted<A, F> {
    type Storm = A::Storm;

    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn start(seed: u64) -> Result<Self, AdapterError> {
        A::start(seed).map(Self)
    }
    fn reserve_send(&mut self, value: u64) -> Result<u64, AdapterError> {
        self.0.reserve_send(value)
    }
    fn stream(&mut self, chunks: Vec<Chunk>) -> Result<Vec<Chunk>, AdapterError> {
        let mut got = self.0.stream(chunks)?;
        if F == DROPS_A_CHUNK && !got.is_empty() {
            got.remove(got.len() / 2);
        }
        Ok(got)
    }
    fn timeout_arm_cancel(&mut self, delay_ms: u32) -> Result<(), AdapterError> {
        self.0.timeout_arm_cancel(delay_ms)
    }
    fn open_scope(&mut self) -> Result<(), AdapterError> {
        self.0.open_scope()
    }
    fn spawn_join(&mut self, work: u32) -> Result<u64, AdapterError> {
        self.0.spawn_join(work)
    }
    fn spawn_pending(&mut self) -> Result<(), AdapterError> {
        if F == CLOSES_OVER_LIVE_TASK {
            return Ok(());
        }
        self.0.spawn_pending()
    }
    fn close_scope(&mut self) -> Result<(), AdapterError> {
        self.0.close_scope()
    }
    fn start_storm(&mut self, spec: &StormSpec) -> Result<Self::Storm, AdapterError> {
        self.0.start_storm(spec)
    }
    fn cancel_storm(&mut self, storm: Self::Storm) -> Result<usize, AdapterError> {
        if F == CANCEL_DOES_NOT_DRAIN {
            std::mem::forget(storm);
            return Ok(StormSpec::from_seed(0).tasks as usize);
        }
        self.0.cancel_storm(storm)
    }
    fn run_schedule(&mut self, spec: &ScheduleSpec) -> Result<u64, AdapterError> {
        self.0.run_schedule(spec)
    }
    fn record_schedule(&mut self, spec: &ScheduleSpec) -> Result<Vec<u8>, AdapterError> {
        self.0.record_schedule(spec)
    }
    fn replay_schedule(&mut self, spec: &ScheduleSpec, trace: &[u8]) -> Result<u64, AdapterError> {
        let sum = self.0.replay_schedule(spec, trace)?;
        Ok(if F == REPLAY_DIVERGES { sum ^ 1 } else { sum })
    }
    fn invariants(&self) -> InvariantReport {
        self.0.invariants()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn real_builds_carry_no_fault() {
        // Tests are built without the variable, as every real build is.
        assert_eq!(super::BUILT_FAULT, super::NONE);
        let mut nums: Vec<u8> = super::NAMES.iter().map(|(_, n)| *n).collect();
        nums.dedup();
        assert_eq!(nums, [1, 2, 3, 4]);
    }
}
