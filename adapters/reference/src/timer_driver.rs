//! Drives the timer wheel from the host: in the browser a single `setTimeout` for the earliest deadline.

use std::cell::RefCell;
use std::rc::Rc;
use std::task::Waker;

use harness_wasm::invariants::Invariants;

use crate::timer::{TimerKey, TimerWheel};

#[cfg(target_arch = "wasm32")]
mod host {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = setTimeout)]
        pub fn set_timeout(cb: &js_sys::Function, ms: i32) -> JsValue;
        #[wasm_bindgen(js_name = clearTimeout)]
        pub fn clear_timeout(id: &JsValue);
    }
}

struct Core {
    wheel: TimerWheel,
    /// Where arms, disarms and firings are counted (the conformance suite reads them).
    inv: Option<Rc<Invariants>>,
    /// Deadline (ms) the pending host wake-up was set for.
    scheduled: Option<u64>,
    #[cfg(target_arch = "wasm32")]
    timeout_id: Option<wasm_bindgen::JsValue>,
    /// The `setTimeout` callback (a JS handle to the closure owned by [`Timers`]).
    #[cfg(target_arch = "wasm32")]
    callback: Option<js_sys::Function>,
}

impl Core {
    /// Makes sure a host wake-up is pending no later than `deadline`.
    fn schedule(&mut self, deadline: u64, now: u64) {
        if self.scheduled.is_some_and(|s| s <= deadline) {
            return;
        }
        self.scheduled = Some(deadline);
        #[cfg(target_arch = "wasm32")]
        if let Some(f) = &self.callback {
            if let Some(old) = self.timeout_id.take() {
                host::clear_timeout(&old);
            }
            let delay = deadline.saturating_sub(now).min(i32::MAX as u64) as i32;
            self.timeout_id = Some(host::set_timeout(f, delay));
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = now;
    }
}

#[cfg(target_arch = "wasm32")]
impl Drop for Core {
    /// The callback closure dies with the last [`Timers`]: never leave a `setTimeout` pointing at it.
    fn drop(&mut self) {
        if let Some(id) = self.timeout_id.take() {
            host::clear_timeout(&id);
        }
    }
}

/// The runtime's timers: the wheel plus its host wake-up.
#[derive(Clone)]
pub struct Timers {
    core: Rc<RefCell<Core>>,
    #[cfg(target_arch = "wasm32")]
    _on_timeout: Rc<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

fn now_ms() -> u64 {
    harness_wasm::clock::now_ms().max(0.0) as u64
}

impl Default for Timers {
    fn default() -> Self {
        Self::new()
    }
}

impl Core {
    /// Fires what is due at `now`, counting the firings.
    fn advance(&mut self, now: u64) -> Vec<Waker> {
        let before = self.wheel.len();
        let wakers = self.wheel.advance(now);
        if let Some(inv) = &self.inv {
            inv.timers_fired((before - self.wheel.len()) as u64);
        }
        wakers
    }
}

impl Timers {
    /// Timers that count nothing.
    pub fn new() -> Self {
        Self::build(None)
    }

    /// Timers that count arms, disarms and firings in `inv`.
    pub fn counted(inv: Rc<Invariants>) -> Self {
        Self::build(Some(inv))
    }

    fn build(inv: Option<Rc<Invariants>>) -> Self {
        let core = Rc::new(RefCell::new(Core {
            wheel: TimerWheel::new(now_ms()),
            inv,
            scheduled: None,
            #[cfg(target_arch = "wasm32")]
            timeout_id: None,
            #[cfg(target_arch = "wasm32")]
            callback: None,
        }));
        #[cfg(target_arch = "wasm32")]
        {
            let weak = Rc::downgrade(&core);
            let on_timeout = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                if let Some(core) = weak.upgrade() {
                    let wakers = {
                        let mut c = core.borrow_mut();
                        c.scheduled = None;
                        c.timeout_id = None;
                        let now = now_ms();
                        let wakers = c.advance(now);
                        if let Some(next) = c.wheel.next_deadline() {
                            c.schedule(next, now);
                        }
                        wakers
                    };
                    wakers.into_iter().for_each(Waker::wake);
                }
            });
            {
                use wasm_bindgen::JsCast;
                let f: &js_sys::Function = on_timeout.as_ref().unchecked_ref();
                core.borrow_mut().callback = Some(f.clone());
            }
            Self {
                core,
                _on_timeout: Rc::new(on_timeout),
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        Self { core }
    }

    /// Arms a timer `delay_ms` from now; asks the host for a wake-up if it is the earliest.
    pub fn arm(&self, delay_ms: u32, waker: Option<Waker>) -> TimerKey {
        let mut c = self.core.borrow_mut();
        let now = now_ms();
        let deadline = now + u64::from(delay_ms);
        let key = c.wheel.arm(deadline, waker);
        if let Some(inv) = &c.inv {
            inv.timer_armed();
        }
        c.schedule(deadline, now);
        key
    }

    /// Cancels a timer (the host wake-up, if any, stays and finds nothing due). `false` if not armed.
    pub fn cancel(&self, key: TimerKey) -> bool {
        let mut c = self.core.borrow_mut();
        let cancelled = c.wheel.cancel(key);
        if let (true, Some(inv)) = (cancelled, &c.inv) {
            inv.timer_disarmed();
        }
        cancelled
    }

    /// Whether `key` is still armed (neither fired nor cancelled).
    pub fn is_armed(&self, key: TimerKey) -> bool {
        self.core.borrow().wheel.is_armed(key)
    }

    /// Fires timers due at `now` (for hosts without `setTimeout`, and tests).
    pub fn advance_to(&self, now: u64) -> usize {
        let wakers = self.core.borrow_mut().advance(now);
        let n = wakers.len();
        wakers.into_iter().for_each(Waker::wake);
        n
    }

    /// Timers currently armed.
    pub fn armed(&self) -> usize {
        self.core.borrow().wheel.len()
    }
}
