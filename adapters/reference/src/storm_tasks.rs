//! The reference adapter's cancellation storm (03B): tasks in flight on a storm's own executor, and the
//! cancel that travels request → checkpoint → drain → finalize.
//!
//! The clock of `cancel-response` starts just before the first task's cancel is requested and stops
//! once the requester has seen every task of the storm finalized (each joined with its `Cancelled`
//! outcome, and the storm's scope closed with no task left).

use std::cell::Cell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::future::select;
use tokio::sync::mpsc;

use crate::cancel::{CancelToken, Phase};
use crate::executor::{yield_now, Executor, JoinHandle, Scope};
use crate::obligation::Obligation;
use crate::timer::TimerKey;
use crate::timer_driver::Timers;
use harness_wasm::error::AdapterError;
use harness_wasm::invariants::Invariants;
use harness_wasm::schedule::{StormSpec, StormTask};

/// Polls the storm's executor may spend bringing every task in flight, per task, before it is an error.
const START_POLLS_PER_TASK: u32 = 64;

type Outcome = Result<(), AdapterError>;

/// A storm in flight: its executor (so storms of one batch do not run each other's tasks), its scope,
/// and each task's cancel token and handle.
pub struct Storm {
    scope: Scope,
    tasks: Vec<(CancelToken, JoinHandle<Outcome>)>,
    /// Senders of the receivers' channels: held, never used, so the receives stay pending.
    _senders: Vec<mpsc::Sender<u64>>,
}

/// Everything a storm task needs from the runtime.
pub struct StormRuntime<'a> {
    pub inv: &'a Rc<Invariants>,
    pub timers: &'a Timers,
    pub permits: &'a mpsc::Sender<u64>,
}

/// Spawns the storm's tasks and drives its executor until every task has run to its first wait
/// (running tasks are then mid-loop, timers armed, receivers registered).
pub fn start(rt: &StormRuntime<'_>, spec: &StormSpec) -> Result<Storm, AdapterError> {
    let exec = Executor::new(spec.seed, rt.inv.clone());
    let scope = exec.scope();
    let started = Rc::new(Cell::new(0u32));
    let mut senders = Vec::new();
    let mut tasks = Vec::with_capacity(spec.tasks as usize);
    for i in 0..spec.tasks {
        let token = CancelToken::new(rt.inv.clone());
        let permit = rt
            .permits
            .clone()
            .try_reserve_owned()
            .map_err(|_| AdapterError::ChannelFull)?;
        let held = Obligation::new(permit, rt.inv.clone());
        let wait = match spec.kind(i) {
            StormTask::Running => Wait::Work(spec.work),
            StormTask::Timer => Wait::Timer(rt.timers.clone(), spec.timer_ms),
            StormTask::Receiver => {
                let (tx, rx) = mpsc::channel(1);
                senders.push(tx);
                Wait::Receive(rx)
            }
        };
        let handle = scope.spawn(task(token.clone(), wait, held, started.clone()));
        tasks.push((token, handle));
    }
    let budget = spec.tasks.saturating_mul(START_POLLS_PER_TASK);
    let mut polls = 0u32;
    while started.get() < spec.tasks {
        if polls >= budget || !exec.run_one()? {
            return Err(AdapterError::Stalled {
                pending: (spec.tasks - started.get()) as usize,
            });
        }
        polls += 1;
    }
    Ok(Storm {
        scope,
        tasks,
        _senders: senders,
    })
}

/// Cancels every task of the storm and returns once the cancel is observable: each task observed
/// the request at its next checkpoint, drained (its held permit aborted, its timer disarmed) and was
/// finalized here. Returns the number of tasks finalized.
pub fn cancel(storm: Storm) -> Result<usize, AdapterError> {
    for (token, _) in &storm.tasks {
        token.request();
    }
    let n = storm.tasks.len();
    for (token, handle) in storm.tasks {
        match handle.join()? {
            Err(AdapterError::Cancelled) => token.advance(Phase::Finalized),
            Err(e) => return Err(e),
            Ok(()) => {
                return Err(AdapterError::Invariant(
                    "a storm task ended without observing its cancel".into(),
                ))
            }
        }
    }
    storm.scope.close()?;
    Ok(n)
}

/// What a storm task waits on between checkpoints.
enum Wait {
    /// Yield to the executor, then a chunk of this many arithmetic steps.
    Work(u32),
    /// A timer this many ms ahead on the runtime's wheel.
    Timer(Timers, u32),
    /// A receive on a channel nobody sends on.
    Receive(mpsc::Receiver<u64>),
}

async fn task(
    token: CancelToken,
    mut wait: Wait,
    held: Obligation<mpsc::OwnedPermit<u64>>,
    started: Rc<Cell<u32>>,
) -> Outcome {
    let mut first = true;
    let mut acc = 0u64;
    loop {
        let mark = |first: &mut bool| {
            if std::mem::take(first) {
                started.set(started.get() + 1);
            }
        };
        match &mut wait {
            Wait::Work(steps) => {
                mark(&mut first);
                yield_now().await;
                for i in 0..*steps {
                    acc = acc
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(u64::from(i));
                }
                std::hint::black_box(acc);
            }
            Wait::Timer(timers, ms) => {
                let sleep = pin!(Sleep::new(timers, *ms, &started, first));
                first = false;
                let _ = select(sleep, pin!(token.requested())).await;
            }
            Wait::Receive(rx) => {
                mark(&mut first);
                let _ = select(pin!(rx.recv()), pin!(token.requested())).await;
            }
        }
        if token.checkpoint().is_err() {
            // Drain: abort the held permit instead of committing it (a pending timer was disarmed
            // when its `Sleep` was dropped above).
            drop(held);
            token.advance(Phase::Drained);
            return Err(AdapterError::Cancelled);
        }
    }
}

/// A timer on the runtime's wheel: armed on first poll with the task's waker, disarmed on drop.
struct Sleep<'a> {
    timers: &'a Timers,
    ms: u32,
    key: Option<TimerKey>,
    /// Counted as started once armed, on the task's first wait.
    started: Option<&'a Cell<u32>>,
}

impl<'a> Sleep<'a> {
    fn new(timers: &'a Timers, ms: u32, started: &'a Cell<u32>, first: bool) -> Self {
        Self {
            timers,
            ms,
            key: None,
            started: first.then_some(started),
        }
    }
}

impl Future for Sleep<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.key {
            None => {
                self.key = Some(self.timers.arm(self.ms, Some(cx.waker().clone())));
                if let Some(s) = self.started.take() {
                    s.set(s.get() + 1);
                }
                Poll::Pending
            }
            Some(k) if self.timers.is_armed(k) => Poll::Pending,
            Some(_) => Poll::Ready(()),
        }
    }
}

impl Drop for Sleep<'_> {
    fn drop(&mut self) {
        if let Some(k) = self.key {
            self.timers.cancel(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness_wasm::schedule::StormSpec;

    #[test]
    fn a_storm_in_flight_is_cancelled_through_every_phase() {
        let inv = Rc::new(Invariants::default());
        let timers = Timers::new();
        let (permits, _rx) = mpsc::channel(1 << 12);
        let rt = StormRuntime {
            inv: &inv,
            timers: &timers,
            permits: &permits,
        };
        for seed in [11, 29, 42, 73, 101] {
            let spec = StormSpec::from_seed(seed);
            let storm = start(&rt, &spec).unwrap();
            // In flight: every timer task armed its timer, every task holds its permit.
            assert_eq!(timers.armed(), spec.timers as usize, "seed {seed}");
            let before = inv.report();
            assert_eq!(
                before.permits_reserved - before.permits_aborted,
                u64::from(spec.tasks)
            );
            assert_eq!(cancel(storm).unwrap(), spec.tasks as usize);
            let after = inv.report();
            assert_eq!(
                timers.armed(),
                0,
                "a cancelled timer task left its timer armed"
            );
            assert_eq!(after.permits_aborted, after.permits_reserved);
            assert_eq!(after.cancels_finalized, after.cancels_requested);
            assert_eq!(after.phase_violations, 0);
            assert!(after.check_quiescent().is_ok());
        }
        let spec = StormSpec::from_seed(42);
        assert!(spec.running > 0 && spec.timers > 0 && spec.running + spec.timers < spec.tasks);
    }
}
