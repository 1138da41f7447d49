//! The futures-local adapter: a second runtime on another async stack, measured by the same harness
//! through the same public seam as the reference adapter ([`harness_wasm::RuntimeAdapter`],
//! [`harness_wasm::export_harness!`]).
//!
//! Built on `futures`' `FuturesUnordered` as a single-threaded executor (the queue `futures`'
//! `LocalPool` runs on, driven here one bounded poll at a time), `futures::channel::mpsc` bounded
//! channels (their `poll_ready`/`start_send` is the two-phase send) and `gloo-timers`' browser
//! timeouts (one `setTimeout` per timer; disarming calls `clearTimeout`). Its scheduling is FIFO by
//! wake order and takes no decision from the seed; record and replay log and enforce the order in
//! which tasks are polled.

pub mod executor;
pub mod runtime;
pub mod storm;
pub mod timer;
pub mod trace;

pub use runtime::FuturesLocal;

harness_wasm::export_harness!(FuturesLocal);
