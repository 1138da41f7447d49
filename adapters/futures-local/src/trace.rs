//! Record and replay for a FIFO executor: recording logs which schedule task each poll ran; replay
//! enforces that order, parking a task polled out of turn until the trace reaches it.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use harness_wasm::error::AdapterError;
use harness_wasm::schedule::{hash_id, HASH_START};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Live,
    Record,
    Replay,
}

/// The schedule's tracer, shared by its tasks.
pub struct Tracer {
    mode: Cell<Mode>,
    /// Recorded task ids, in poll order (recording appends; replay follows).
    log: RefCell<Vec<u32>>,
    cursor: Cell<usize>,
    hash: Cell<u64>,
    /// Wakers of tasks polled out of turn during replay, by task id.
    parked: RefCell<Vec<Option<Waker>>>,
}

impl Default for Tracer {
    fn default() -> Self {
        Self {
            mode: Cell::new(Mode::Live),
            log: RefCell::default(),
            cursor: Cell::new(0),
            hash: Cell::new(HASH_START),
            parked: RefCell::default(),
        }
    }
}

impl Tracer {
    /// Starts recording the next schedule.
    pub fn record(&self) {
        self.log.borrow_mut().clear();
        self.hash.set(HASH_START);
        self.mode.set(Mode::Record);
    }

    /// Stops recording: the task ids in poll order and their hash.
    pub fn recorded(&self) -> (Vec<u32>, u64) {
        self.mode.set(Mode::Live);
        (std::mem::take(&mut *self.log.borrow_mut()), self.hash.get())
    }

    /// Starts replaying `ids` for a schedule of `tasks` tasks.
    pub fn replay(&self, ids: Vec<u32>, tasks: u32) {
        *self.log.borrow_mut() = ids;
        *self.parked.borrow_mut() = vec![None; tasks as usize];
        self.cursor.set(0);
        self.hash.set(HASH_START);
        self.mode.set(Mode::Replay);
    }

    /// Ends a replay: back to live, every parked task woken (so a diverged schedule can finish).
    /// `Ok` when every recorded step ran, in order, and the schedule needed no more.
    pub fn replayed(&self, want_hash: u64, tasks_left: usize) -> Result<(), AdapterError> {
        self.mode.set(Mode::Live);
        let stuck: Vec<Waker> = self.parked.borrow_mut().drain(..).flatten().collect();
        stuck.into_iter().for_each(Waker::wake);
        let log = std::mem::take(&mut *self.log.borrow_mut());
        let step = self.cursor.get();
        if tasks_left > 0 {
            return Err(match log.get(step) {
                // The tasks left were all parked, each ready but not the recorded one.
                Some(&index) => AdapterError::ReplayDiverged {
                    step,
                    index,
                    ready: tasks_left,
                },
                None => AdapterError::ReplayExhausted {
                    recorded: log.len(),
                },
            });
        }
        if step < log.len() {
            return Err(AdapterError::ReplayLeftover {
                left: log.len() - step,
            });
        }
        if self.hash.get() != want_hash {
            return Err(AdapterError::ReplayMismatch);
        }
        Ok(())
    }

    fn ran(&self, id: u32) {
        self.hash.set(hash_id(self.hash.get(), id));
    }

    /// Whether task `id` may be polled now; during replay a task out of turn is parked.
    fn turn(&self, id: u32, cx: &Context<'_>) -> bool {
        match self.mode.get() {
            Mode::Live => true,
            Mode::Record => {
                self.log.borrow_mut().push(id);
                self.ran(id);
                true
            }
            Mode::Replay => {
                let at = self.cursor.get();
                if self.log.borrow().get(at) == Some(&id) {
                    self.cursor.set(at + 1);
                    self.ran(id);
                    true
                } else {
                    if let Some(p) = self.parked.borrow_mut().get_mut(id as usize) {
                        *p = Some(cx.waker().clone());
                    }
                    false
                }
            }
        }
    }

    /// After a replayed poll: wakes the task whose turn is next if it was parked.
    fn after(&self) {
        if self.mode.get() != Mode::Replay {
            return;
        }
        let next = self.log.borrow().get(self.cursor.get()).copied();
        let parked = next.and_then(|n| self.parked.borrow_mut().get_mut(n as usize)?.take());
        if let Some(w) = parked {
            w.wake();
        }
    }
}

/// A schedule task under the tracer.
pub struct Traced<F> {
    id: u32,
    tracer: Rc<Tracer>,
    fut: Pin<Box<F>>,
}

impl<F: Future> Traced<F> {
    pub fn new(id: u32, tracer: Rc<Tracer>, fut: F) -> Self {
        Self {
            id,
            tracer,
            fut: Box::pin(fut),
        }
    }
}

impl<F: Future> Future for Traced<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        if !this.tracer.turn(this.id, cx) {
            return Poll::Pending;
        }
        let out = this.fut.as_mut().poll(cx);
        this.tracer.after();
        out
    }
}
