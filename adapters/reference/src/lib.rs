//! The reference adapter: the runtime this project measures by default, in a crate of its own that
//! reaches the harness only through its public seam ([`harness_wasm::RuntimeAdapter`] and
//! [`harness_wasm::export_harness!`]), exactly as a user's adapter crate does.
//!
//! Built on `tokio::sync` channels, `futures`, a seeded `async-task` executor and a timer wheel driven
//! by the browser's `setTimeout`.

pub mod cancel;
pub mod executor;
pub mod obligation;
pub mod reference;
pub mod storm_tasks;
pub mod timer;
pub mod timer_driver;

pub use reference::ReferenceAdapter;

harness_wasm::export_harness!(ReferenceAdapter);
