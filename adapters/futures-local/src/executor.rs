//! A single-threaded executor on `futures`' `FuturesUnordered` (the queue `LocalPool` runs on):
//! tasks are boxed local futures polled in wake order, each counted spawned when made and ended when
//! dropped, in a scope that counts its live tasks.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use futures::future::{AbortHandle, LocalBoxFuture};
use futures::stream::{FuturesUnordered, StreamExt};
use futures::task::{waker, ArcWake};
use futures::FutureExt;

use harness_wasm::error::AdapterError;
use harness_wasm::invariants::Invariants;

/// Set when any task of the executor is woken (or the queue asks to be polled again).
struct Woken(AtomicBool);

impl ArcWake for Woken {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.0.store(true, Ordering::Relaxed);
    }
}

/// Counts a task spawned when made and ended when dropped (run to completion, or dropped unfinished).
struct TaskGuard {
    inv: Rc<Invariants>,
    live: Rc<Cell<usize>>,
}

impl TaskGuard {
    fn new(inv: Rc<Invariants>, live: Rc<Cell<usize>>) -> Self {
        inv.task_spawned();
        live.set(live.get() + 1);
        Self { inv, live }
    }
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.inv.task_ended();
        self.live.set(self.live.get() - 1);
    }
}

/// Where a spawned task leaves its output.
pub struct Slot<T>(Rc<RefCell<Option<T>>>);

impl<T> Slot<T> {
    /// The task's output, or `Stalled` when it has not finished (after the executor went idle).
    pub fn take(&self, exec: &Executor) -> Result<T, AdapterError> {
        self.0.borrow_mut().take().ok_or(AdapterError::Stalled {
            pending: exec.len(),
        })
    }
}

/// The tasks of one scope: how many are alive, and how to stop the detached ones.
#[derive(Default)]
pub struct Scope {
    live: Rc<Cell<usize>>,
    detached: Vec<AbortHandle>,
}

impl Scope {
    pub fn live(&self) -> usize {
        self.live.get()
    }
}

/// The executor.
pub struct Executor {
    tasks: FuturesUnordered<LocalBoxFuture<'static, ()>>,
    woken: Arc<Woken>,
    waker: Waker,
    inv: Rc<Invariants>,
}

impl Executor {
    pub fn new(inv: Rc<Invariants>) -> Self {
        let woken = Arc::new(Woken(AtomicBool::new(false)));
        Self {
            tasks: FuturesUnordered::new(),
            waker: waker(woken.clone()),
            woken,
            inv,
        }
    }

    /// Tasks not yet finished.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Spawns `fut` in `scope`; its output lands in the returned slot.
    pub fn spawn<T: 'static>(
        &mut self,
        scope: &Scope,
        fut: impl Future<Output = T> + 'static,
    ) -> Slot<T> {
        let slot = Rc::new(RefCell::new(None));
        let out = slot.clone();
        let guard = TaskGuard::new(self.inv.clone(), scope.live.clone());
        self.tasks.push(
            async move {
                let _guard = guard;
                let v = fut.await;
                *out.borrow_mut() = Some(v);
            }
            .boxed_local(),
        );
        Slot(slot)
    }

    /// Spawns `fut` in `scope`, never to be joined; [`Executor::close`] stops it if it is still alive.
    pub fn spawn_detached(&mut self, scope: &mut Scope, fut: impl Future<Output = ()> + 'static) {
        let (fut, handle) = futures::future::abortable(fut);
        scope.detached.push(handle);
        drop(self.spawn(scope, fut));
    }

    /// One bounded poll of the queue (it returns after a task finishes, after two tasks yielded, or
    /// after polling each ready task once). False once nothing is ready.
    pub fn poll_once(&mut self) -> bool {
        self.woken.0.store(false, Ordering::Relaxed);
        let mut cx = Context::from_waker(&self.waker);
        match self.tasks.poll_next_unpin(&mut cx) {
            Poll::Ready(Some(())) => true,
            Poll::Ready(None) => false,
            Poll::Pending => self.woken.0.load(Ordering::Relaxed),
        }
    }

    /// Polls until nothing is ready.
    pub fn run_until_idle(&mut self) {
        while self.poll_once() {}
    }

    /// Runs the scope's tasks until idle and closes it; fails, counting the orphans and stopping the
    /// detached ones, if any task is still alive.
    pub fn close(&mut self, scope: Scope) -> Result<(), AdapterError> {
        self.run_until_idle();
        let alive = scope.live();
        if alive == 0 {
            return Ok(());
        }
        self.inv.orphaned(alive as u64);
        for h in &scope.detached {
            h.abort();
        }
        self.run_until_idle();
        Err(AdapterError::Invariant(format!(
            "{alive} task(s) still alive when their scope closed"
        )))
    }
}

/// Gives the executor a turn: pending once, waking itself.
#[derive(Default)]
pub struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A reserved send slot that must be sent or dropped (commit-or-abort), counted in the invariants.
/// The reservation itself is the sender's `poll_ready`; this counts what became of it.
pub struct Obligation {
    inv: Option<Rc<Invariants>>,
}

impl Obligation {
    pub fn reserved(inv: &Rc<Invariants>) -> Self {
        inv.permit_reserved();
        Self {
            inv: Some(inv.clone()),
        }
    }

    /// Commits: runs `send` and counts the permit sent.
    pub fn commit<R>(mut self, send: impl FnOnce() -> R) -> R {
        if let Some(inv) = self.inv.take() {
            inv.permit_sent();
        }
        send()
    }
}

impl Drop for Obligation {
    fn drop(&mut self) {
        if let Some(inv) = self.inv.take() {
            inv.permit_aborted();
        }
    }
}
