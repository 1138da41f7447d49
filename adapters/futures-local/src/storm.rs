//! The futures-local cancellation storm (03B): tasks in flight on a storm's own executor, each behind
//! `futures`' `Abortable`, and the cancel that travels request → drain → finalize.
//!
//! A request is `AbortHandle::abort` (it wakes the task); the task observes it at its next poll,
//! where `Abortable` drops it, and the drop drains it (its held permit aborted, its timer disarmed
//! with `clearTimeout`); it is finalized when the requester takes its `Aborted` outcome.

use std::cell::Cell;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::future::{AbortHandle, Aborted};
use futures::task::noop_waker_ref;
use futures::StreamExt;

use crate::executor::{Executor, Obligation, Scope, Slot, YieldNow};
use crate::timer::Timers;
use harness_wasm::error::AdapterError;
use harness_wasm::invariants::Invariants;
use harness_wasm::schedule::{StormSpec, StormTask};

/// Polls the storm's executor may spend bringing every task in flight, per task, before it is an error.
const START_POLLS_PER_TASK: u32 = 64;

/// Where one task's cancellation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    Requested,
    Drained,
    Finalized,
}

/// One storm task as the requester holds it.
struct InFlight {
    abort: AbortHandle,
    outcome: Slot<Result<(), Aborted>>,
    phase: Rc<Cell<Phase>>,
}

/// A storm in flight: its own executor (storms of one batch never run each other's tasks), its scope
/// and its tasks.
pub struct Storm {
    exec: Executor,
    scope: Scope,
    tasks: Vec<InFlight>,
    inv: Rc<Invariants>,
    /// Senders of the receivers' channels: held, never used, so the receives stay pending.
    _senders: Vec<mpsc::Sender<u64>>,
}

/// Everything a storm task needs from the runtime.
pub struct StormRuntime<'a> {
    pub inv: &'a Rc<Invariants>,
    pub timers: &'a Timers,
    pub permits: &'a mpsc::Sender<u64>,
}

/// Moves `phase` from `from` to `to`, counting a violation when it was elsewhere.
fn advance(inv: &Invariants, phase: &Cell<Phase>, from: Phase, to: Phase) {
    if phase.get() != from {
        inv.phase_violation();
    }
    phase.set(to);
}

/// What a storm task holds until it is dropped: its reserved permit; dropping it is the drain.
struct Held {
    phase: Rc<Cell<Phase>>,
    inv: Rc<Invariants>,
    _permit: (mpsc::Sender<u64>, Obligation),
}

impl Drop for Held {
    fn drop(&mut self) {
        advance(&self.inv, &self.phase, Phase::Requested, Phase::Drained);
    }
}

/// What a storm task waits on between checkpoints.
enum Wait {
    Work(u32),
    Timer(Timers, u32),
    Receive(mpsc::Receiver<u64>),
}

/// Spawns the storm's tasks and polls its executor until every task has run to its first wait.
pub fn start(rt: &StormRuntime<'_>, spec: &StormSpec) -> Result<Storm, AdapterError> {
    let mut exec = Executor::new(rt.inv.clone());
    let scope = Scope::default();
    let started = Rc::new(Cell::new(0u32));
    let (mut senders, mut tasks) = (Vec::new(), Vec::with_capacity(spec.tasks as usize));
    for i in 0..spec.tasks {
        let mut permit = rt.permits.clone();
        let mut cx = Context::from_waker(noop_waker_ref());
        match permit.poll_ready(&mut cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => return Err(AdapterError::ChannelClosed),
            Poll::Pending => return Err(AdapterError::ChannelFull),
        }
        let phase = Rc::new(Cell::new(Phase::Running));
        let held = Held {
            phase: phase.clone(),
            inv: rt.inv.clone(),
            _permit: (permit, Obligation::reserved(rt.inv)),
        };
        let wait = match spec.kind(i) {
            StormTask::Running => Wait::Work(spec.work),
            StormTask::Timer => Wait::Timer(rt.timers.clone(), spec.timer_ms),
            StormTask::Receiver => {
                let (tx, rx) = mpsc::channel(1);
                senders.push(tx);
                Wait::Receive(rx)
            }
        };
        let (fut, abort) = futures::future::abortable(task(wait, held, started.clone()));
        let outcome = exec.spawn(&scope, fut);
        tasks.push(InFlight {
            abort,
            outcome,
            phase,
        });
    }
    let budget = spec.tasks.saturating_mul(START_POLLS_PER_TASK);
    let mut polls = 0u32;
    while started.get() < spec.tasks {
        if polls >= budget || !exec.poll_once() {
            return Err(AdapterError::Stalled {
                pending: (spec.tasks - started.get()) as usize,
            });
        }
        polls += 1;
    }
    Ok(Storm {
        exec,
        scope,
        tasks,
        inv: rt.inv.clone(),
        _senders: senders,
    })
}

/// Cancels every task of the storm and returns once each one observed the request, drained and was
/// finalized here. Returns the number of tasks finalized.
pub fn cancel(mut storm: Storm) -> Result<usize, AdapterError> {
    let inv = storm.inv.clone();
    for t in &storm.tasks {
        advance(&inv, &t.phase, Phase::Running, Phase::Requested);
        inv.cancel_requested();
        t.abort.abort();
    }
    storm.exec.run_until_idle();
    let n = storm.tasks.len();
    for t in storm.tasks {
        match t.outcome.take(&storm.exec)? {
            Err(Aborted) => {
                advance(&inv, &t.phase, Phase::Drained, Phase::Finalized);
                inv.cancel_finalized();
            }
            Ok(()) => {
                return Err(AdapterError::Invariant(
                    "a storm task ended without observing its cancel".into(),
                ))
            }
        }
    }
    storm.exec.close(storm.scope)?;
    Ok(n)
}

/// A storm task: waits, again and again, until it is cancelled; counts itself started at its first wait.
async fn task(mut wait: Wait, held: Held, started: Rc<Cell<u32>>) {
    let _held = held;
    let mut first = true;
    let mut acc = 0u64;
    let mut mark = move || {
        if std::mem::take(&mut first) {
            started.set(started.get() + 1);
        }
    };
    loop {
        match &mut wait {
            Wait::Work(steps) => {
                for i in 0..*steps {
                    acc = acc
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(u64::from(i));
                }
                std::hint::black_box(acc);
                mark();
                YieldNow::default().await;
            }
            Wait::Timer(timers, ms) => {
                let armed = timers.wait(*ms);
                mark();
                armed.await;
            }
            Wait::Receive(rx) => {
                mark();
                if rx.next().await.is_none() {
                    futures::future::pending::<()>().await;
                }
            }
        }
    }
}
