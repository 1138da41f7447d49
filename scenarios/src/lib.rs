//! Pure model of the wasm budget contract, shared by the in-browser harness and the native collector.
//!
//! No I/O and no clock: everything here is a function of its inputs, and the crate builds for
//! native targets and `wasm32-unknown-unknown` alike.

pub mod answer;
pub mod attribution;
pub mod conformance;
pub mod fixtures;
pub mod fold;
pub mod gate;
pub mod ids;
pub mod live;
pub mod noise;
pub mod paired;
pub mod policy;
pub mod protocol;
pub mod records;
pub mod shard;
pub mod speed;
pub mod stats;
pub mod summary;
pub mod wire;

pub use ids::{Environment, Framework, GateKind, MetricId, Probe, Profile, Unit, Workload};
