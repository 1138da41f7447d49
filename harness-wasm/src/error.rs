//! The harness's error types; converted to `JsError` only at the wasm-bindgen boundary.

use thiserror::Error;

/// Anything that stops a measurement.
#[derive(Debug, Error)]
pub enum HarnessError {
    #[error("invalid input: {0}")]
    Input(String),
    #[error("runtime adapter: {0}")]
    Adapter(#[from] AdapterError),
    #[error("clock: {0}")]
    Clock(String),
    #[error("wire result failed its own check: {0}")]
    Wire(#[from] scenarios::wire::WireError),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// A runtime adapter refused or failed an operation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AdapterError {
    #[error("profile built without `trace`")]
    TraceDisabled,
    #[error("the bounded channel is closed")]
    ChannelClosed,
    #[error("the bounded channel had no capacity for an immediate reserve")]
    ChannelFull,
    #[error("the executor stalled with {pending} unfinished task(s) and nothing ready")]
    Stalled { pending: usize },
    #[error("replay diverged at step {step}: recorded choice {index} but {ready} task(s) ready")]
    ReplayDiverged {
        step: usize,
        index: u32,
        ready: usize,
    },
    #[error("replayed schedule ran other tasks than the recorded one (task-id hash mismatch)")]
    ReplayMismatch,
    #[error("replay ended early: trace has {recorded} steps, the schedule needed more")]
    ReplayExhausted { recorded: usize },
    #[error("replay finished with {left} recorded step(s) unused")]
    ReplayLeftover { left: usize },
    #[error("trace is malformed: {0}")]
    BadTrace(String),
    #[error("invariant violated: {0}")]
    Invariant(String),
    #[error("the task was cancelled before it completed")]
    Cancelled,
}
