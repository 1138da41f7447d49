//! Cancellation tokens: request → observe at a checkpoint → drain → finalize, with phase-order accounting.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};

use harness_wasm::invariants::Invariants;

/// Where a cancellation stands; phases only move forward one step at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Running,
    Requested,
    Observed,
    Drained,
    Finalized,
}

struct Inner {
    phase: Cell<Phase>,
    waker: RefCell<Option<Waker>>,
    inv: Rc<Invariants>,
}

/// Shared between the task that checks it and the code that cancels it.
#[derive(Clone)]
pub struct CancelToken(Rc<Inner>);

/// Returned by [`CancelToken::checkpoint`] once cancellation was requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl CancelToken {
    pub fn new(inv: Rc<Invariants>) -> Self {
        Self(Rc::new(Inner {
            phase: Cell::new(Phase::Running),
            waker: RefCell::new(None),
            inv,
        }))
    }

    pub fn phase(&self) -> Phase {
        self.0.phase.get()
    }

    /// Moves to `to`, which must be the next phase; anything else is counted as a violation.
    pub fn advance(&self, to: Phase) {
        let from = self.0.phase.get();
        let next = match from {
            Phase::Running => Phase::Requested,
            Phase::Requested => Phase::Observed,
            Phase::Observed => Phase::Drained,
            Phase::Drained | Phase::Finalized => Phase::Finalized,
        };
        if to != next || from == Phase::Finalized {
            self.0.inv.phase_violation();
            return;
        }
        self.0.phase.set(to);
        match to {
            Phase::Requested => self.0.inv.cancel_requested(),
            Phase::Finalized => self.0.inv.cancel_finalized(),
            _ => {}
        }
    }

    /// Requests cancellation and wakes the task if it is parked.
    pub fn request(&self) {
        self.advance(Phase::Requested);
        if let Some(w) = self.0.waker.borrow_mut().take() {
            w.wake();
        }
    }

    /// A checkpoint: `Err(Cancelled)` (and the `Observed` phase) once cancellation was requested.
    pub fn checkpoint(&self) -> Result<(), Cancelled> {
        if self.0.phase.get() >= Phase::Requested {
            if self.0.phase.get() == Phase::Requested {
                self.advance(Phase::Observed);
            }
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Resolves once cancellation was requested (parks the task until then).
    pub fn requested(&self) -> impl Future<Output = ()> + '_ {
        futures::future::poll_fn(move |cx| {
            if self.0.phase.get() >= Phase::Requested {
                Poll::Ready(())
            } else {
                *self.0.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_in_order_are_clean_and_skips_are_counted() {
        let inv = Rc::new(Invariants::default());
        let t = CancelToken::new(inv.clone());
        assert!(t.checkpoint().is_ok());
        t.request();
        assert!(t.checkpoint().is_err());
        t.advance(Phase::Drained);
        t.advance(Phase::Finalized);
        assert_eq!(inv.report().phase_violations, 0);
        assert!(inv.report().check_quiescent().is_ok());

        let skip = CancelToken::new(inv.clone());
        skip.request();
        skip.advance(Phase::Finalized);
        assert_eq!(inv.report().phase_violations, 1);
    }
}
