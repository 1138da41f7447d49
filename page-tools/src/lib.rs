//! The developer page's tools, loaded beside the measured harness module (never inside it): the live
//! table (`scenarios::live`), the progress line, and the report's charts drawn from the samples so far.

pub mod live_view;
pub mod progress;
pub mod table;

#[cfg(target_arch = "wasm32")]
pub mod exports;

/// A page request the tools cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum ToolsError {
    #[error("invalid input: {0}")]
    Input(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    #[error(transparent)]
    Fold(#[from] scenarios::fold::FoldError),
}
