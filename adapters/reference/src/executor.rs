//! A single-threaded seeded executor on `async-task`: the seed chooses among ready tasks; with
//! feature `trace` it records those choices and can replay them. Also owns scopes and join handles.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use async_task::{Builder, FallibleTask, Runnable};
use futures::task::noop_waker_ref;

use harness_wasm::error::AdapterError;
use harness_wasm::invariants::Invariants;
use harness_wasm::rng::SeedRng;
#[cfg(feature = "trace")]
use harness_wasm::schedule::{hash_id, Trace, HASH_START};

/// Sequential id of a spawned task (deterministic for a deterministic program).
pub type TaskId = u32;

type ReadyQueue = Arc<Mutex<Vec<Runnable<TaskId>>>>;

#[cfg(feature = "trace")]
enum Mode {
    Live,
    /// Decisions are ready-queue indices; `hash` folds the chosen task ids relative to `base`,
    /// the first id of the run.
    Record {
        log: Vec<u32>,
        base: TaskId,
        hash: u64,
    },
    Replay {
        decisions: Vec<u32>,
        pos: usize,
        base: TaskId,
        hash: u64,
        expected: u64,
    },
}

struct Inner {
    ready: ReadyQueue,
    rng: RefCell<SeedRng>,
    next_id: Cell<TaskId>,
    seed: u64,
    inv: Rc<Invariants>,
    #[cfg(feature = "trace")]
    mode: RefCell<Mode>,
}

/// The executor; clones share one ready queue.
#[derive(Clone)]
pub struct Executor {
    inner: Rc<Inner>,
}

fn lock(q: &ReadyQueue) -> MutexGuard<'_, Vec<Runnable<TaskId>>> {
    q.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Counts a task's end however it ends (completion or cancellation drop).
struct EndGuard {
    inv: Rc<Invariants>,
    scope_live: Option<Rc<Cell<u64>>>,
}

impl Drop for EndGuard {
    fn drop(&mut self) {
        self.inv.task_ended();
        if let Some(live) = &self.scope_live {
            live.set(live.get().saturating_sub(1));
        }
    }
}

impl Executor {
    pub fn new(seed: u64, inv: Rc<Invariants>) -> Self {
        Self {
            inner: Rc::new(Inner {
                ready: Arc::new(Mutex::new(Vec::new())),
                rng: RefCell::new(SeedRng::fork(seed, 0xE7EC)),
                next_id: Cell::new(0),
                seed,
                inv,
                #[cfg(feature = "trace")]
                mode: RefCell::new(Mode::Live),
            }),
        }
    }

    /// Re-seeds the ready-task choice (start of a deterministic run).
    pub fn reseed(&self, seed: u64) {
        *self.inner.rng.borrow_mut() = SeedRng::fork(seed, 0xE7EC);
    }

    pub fn seed(&self) -> u64 {
        self.inner.seed
    }

    fn spawn_inner<F>(&self, fut: F, scope_live: Option<Rc<Cell<u64>>>) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.inner.next_id.get();
        self.inner.next_id.set(id.wrapping_add(1));
        self.inner.inv.task_spawned();
        let guard = EndGuard {
            inv: self.inner.inv.clone(),
            scope_live,
        };
        let q = self.inner.ready.clone();
        let schedule = move |r: Runnable<TaskId>| lock(&q).push(r);
        let (runnable, task) = Builder::new().metadata(id).spawn_local(
            move |_| async move {
                let _guard = guard;
                fut.await
            },
            schedule,
        );
        runnable.schedule();
        JoinHandle {
            task: task.fallible(),
            exec: self.clone(),
        }
    }

    /// Spawns a task outside any scope.
    pub fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_inner(fut, None)
    }

    /// Opens a scope: tasks spawned in it must end before it closes.
    pub fn scope(&self) -> Scope {
        Scope {
            exec: self.clone(),
            live: Rc::new(Cell::new(0)),
        }
    }

    fn pick(&self, q: &[Runnable<TaskId>]) -> Result<usize, AdapterError> {
        #[cfg(feature = "trace")]
        {
            let mut mode = self.inner.mode.borrow_mut();
            match &mut *mode {
                Mode::Live => {}
                Mode::Record { log, base, hash } => {
                    let i = self.inner.rng.borrow_mut().below(q.len() as u64) as usize;
                    log.push(i as u32);
                    *hash = hash_id(*hash, q[i].metadata().wrapping_sub(*base));
                    return Ok(i);
                }
                Mode::Replay {
                    decisions,
                    pos,
                    base,
                    hash,
                    ..
                } => {
                    let step = *pos;
                    let index = *decisions.get(step).ok_or(AdapterError::ReplayExhausted {
                        recorded: decisions.len(),
                    })?;
                    let i = index as usize;
                    if i >= q.len() {
                        return Err(AdapterError::ReplayDiverged {
                            step,
                            index,
                            ready: q.len(),
                        });
                    }
                    *hash = hash_id(*hash, q[i].metadata().wrapping_sub(*base));
                    *pos += 1;
                    return Ok(i);
                }
            }
        }
        Ok(self.inner.rng.borrow_mut().below(q.len() as u64) as usize)
    }

    /// Runs one ready task chosen by the seed (or the replayed trace). `false` when none is ready.
    pub fn run_one(&self) -> Result<bool, AdapterError> {
        let runnable = {
            let mut q = lock(&self.inner.ready);
            if q.is_empty() {
                return Ok(false);
            }
            let i = self.pick(&q)?;
            q.swap_remove(i)
        };
        runnable.run();
        Ok(true)
    }

    /// Runs until no task is ready. Returns the number of polls.
    pub fn run_until_idle(&self) -> Result<usize, AdapterError> {
        let mut n = 0;
        while self.run_one()? {
            n += 1;
        }
        Ok(n)
    }

    /// Number of runnables waiting in the ready queue.
    pub fn ready_len(&self) -> usize {
        lock(&self.inner.ready).len()
    }

    /// Starts recording every scheduling decision (feature `trace`).
    #[cfg(feature = "trace")]
    pub fn start_recording(&self) {
        *self.inner.mode.borrow_mut() = Mode::Record {
            log: Vec::new(),
            base: self.inner.next_id.get(),
            hash: HASH_START,
        };
    }

    /// Stops recording and returns the trace (empty if not recording).
    #[cfg(feature = "trace")]
    pub fn finish_recording(&self) -> Trace {
        let mode = std::mem::replace(&mut *self.inner.mode.borrow_mut(), Mode::Live);
        let (decisions, id_hash) = match mode {
            Mode::Record { log, hash, .. } => (log, hash),
            _ => (Vec::new(), HASH_START),
        };
        Trace {
            seed: self.inner.seed,
            decisions,
            id_hash,
        }
    }

    /// Makes the executor follow a recorded trace instead of the seed (feature `trace`).
    #[cfg(feature = "trace")]
    pub fn start_replay(&self, trace: Trace) {
        *self.inner.mode.borrow_mut() = Mode::Replay {
            decisions: trace.decisions,
            pos: 0,
            base: self.inner.next_id.get(),
            hash: HASH_START,
            expected: trace.id_hash,
        };
    }

    /// Leaves replay mode; fails if recorded steps were left unused or other tasks ran.
    #[cfg(feature = "trace")]
    pub fn finish_replay(&self) -> Result<(), AdapterError> {
        let mode = std::mem::replace(&mut *self.inner.mode.borrow_mut(), Mode::Live);
        match mode {
            Mode::Replay { decisions, pos, .. } if pos < decisions.len() => {
                Err(AdapterError::ReplayLeftover {
                    left: decisions.len() - pos,
                })
            }
            Mode::Replay { hash, expected, .. } if hash != expected => {
                Err(AdapterError::ReplayMismatch)
            }
            _ => Ok(()),
        }
    }
}

/// Handle to a spawned task. Dropping it cancels the task; [`JoinHandle::detach`] lets it run on.
pub struct JoinHandle<T> {
    task: FallibleTask<T, TaskId>,
    exec: Executor,
}

impl<T> JoinHandle<T> {
    /// Drives the executor until this task ends; `Cancelled` if it was cancelled first.
    pub fn join(mut self) -> Result<T, AdapterError> {
        let mut cx = Context::from_waker(noop_waker_ref());
        loop {
            if self.task.is_finished() {
                if let Poll::Ready(out) = Pin::new(&mut self.task).poll(&mut cx) {
                    return out.ok_or(AdapterError::Cancelled);
                }
            }
            if !self.exec.run_one()? {
                return match Pin::new(&mut self.task).poll(&mut cx) {
                    Poll::Ready(out) => out.ok_or(AdapterError::Cancelled),
                    Poll::Pending => Err(AdapterError::Stalled { pending: 1 }),
                };
            }
        }
    }

    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Lets the task run without a handle (it can then outlive its scope: a bug the scope reports).
    pub fn detach(self) {
        self.task.detach();
    }
}

/// A structured-concurrency scope: closing it fails if any of its tasks is still alive.
pub struct Scope {
    exec: Executor,
    live: Rc<Cell<u64>>,
}

impl Scope {
    pub fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.live.set(self.live.get() + 1);
        self.exec.spawn_inner(fut, Some(self.live.clone()))
    }

    /// Tasks of this scope not yet ended.
    pub fn live(&self) -> u64 {
        self.live.get()
    }

    /// Drives the executor until idle (so cancelled tasks are dropped), then requires quiescence.
    pub fn close(self) -> Result<(), AdapterError> {
        self.exec.run_until_idle()?;
        let left = self.live.get();
        self.exec.inner.inv.orphaned(left);
        if left == 0 {
            Ok(())
        } else {
            Err(AdapterError::Invariant(format!(
                "{left} task(s) outlived their scope"
            )))
        }
    }
}

/// Yields once: wakes itself and returns `Pending`, so the executor picks again.
pub fn yield_now() -> impl Future<Output = ()> {
    let mut yielded = false;
    futures::future::poll_fn(move |cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
}
