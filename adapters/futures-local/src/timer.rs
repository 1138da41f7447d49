//! Timers on `gloo-timers`: each is one browser `setTimeout`; disarming calls `clearTimeout`. Counted
//! armed, disarmed and fired in the invariants.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;

use harness_wasm::invariants::Invariants;

/// The runtime's timers.
#[derive(Clone)]
pub struct Timers {
    inv: Rc<Invariants>,
}

impl Timers {
    pub fn new(inv: Rc<Invariants>) -> Self {
        Self { inv }
    }

    /// Arms a timeout `delay_ms` ahead (its callback counts a fire) and disarms it.
    pub fn arm_cancel(&self, delay_ms: u32) {
        let inv = self.inv.clone();
        let timeout = Timeout::new(delay_ms, move || inv.timers_fired(1));
        self.inv.timer_armed();
        drop(timeout.cancel());
        self.inv.timer_disarmed();
    }

    /// A timeout `ms` ahead to await; dropped before it fires, it is disarmed.
    pub fn wait(&self, ms: u32) -> TimerWait {
        self.inv.timer_armed();
        TimerWait {
            fut: TimeoutFuture::new(ms),
            inv: self.inv.clone(),
            fired: false,
        }
    }
}

/// An armed timeout being awaited.
pub struct TimerWait {
    fut: TimeoutFuture,
    inv: Rc<Invariants>,
    fired: bool,
}

impl Future for TimerWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.fired {
            return Poll::Ready(());
        }
        match Pin::new(&mut self.fut).poll(cx) {
            Poll::Ready(()) => {
                self.fired = true;
                self.inv.timers_fired(1);
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for TimerWait {
    fn drop(&mut self) {
        if !self.fired {
            self.inv.timer_disarmed();
        }
    }
}
