//! Crate root: module map, build profile and version constants of the in-browser benchmark harness.
//!
//! The harness measures a wasm runtime through the [`adapter::RuntimeAdapter`] seam. An adapter lives
//! in a crate of its own (the reference one in `adapters/reference`) and exports the harness's JS
//! surface with one line, [`export_harness!`]; [`conformance`] checks its semantics before anything
//! is timed.

pub mod adapter;
pub mod clock;
pub mod conformance;
pub mod engine;
pub mod error;
pub mod faults;
pub mod invariants;
mod macros;
pub mod pace;
pub mod planted;
pub mod rng;
pub mod schedule;
pub mod speed;
pub mod workloads;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod export;

/// What [`export_harness!`]'s expansion names, so an adapter's crate needs no wasm-bindgen of its own.
#[doc(hidden)]
pub mod __private {
    pub use js_sys;
    pub use scenarios::wire::AdapterCrate;
    pub use serde_json;
    pub use wasm_bindgen;
    pub use wasm_bindgen_futures;
}

pub use adapter::RuntimeAdapter;
pub use error::HarnessError;

/// `CARGO_PKG_VERSION` of this harness, reported in every wire result.
pub const HARNESS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// TEST ONLY: a calibrated slowdown of every batched operation compiled into this build, whole percent
/// (`collector build --inject-slowdown`, which sets `HARNESS_BUILT_SLOWDOWN_PCT`): a distinct build for
/// detection-power benchmarks of paired runs. None (empty or unset) in every real build, where it is a
/// constant and costs no code.
pub const BUILT_SLOWDOWN_PCT: Option<u32> = whole_number(option_env!("HARNESS_BUILT_SLOWDOWN_PCT"));

/// `s` as a whole number (None when absent, empty or not all digits), at compile time.
pub(crate) const fn whole_number(s: Option<&str>) -> Option<u32> {
    let Some(s) = s else { return None };
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let mut n: u32 = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            return None;
        }
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    Some(n)
}

/// [`BUILT_SLOWDOWN_PCT`] as the wire records it.
pub fn built_slowdown_pct() -> Option<f64> {
    BUILT_SLOWDOWN_PCT.map(f64::from)
}

/// The budget profile this build is measured as: `HARNESS_PROFILE` at build time, else derived from features.
pub const PROFILE_NAME: &str = match option_env!("HARNESS_PROFILE") {
    Some(p) => p,
    None => default_profile(),
};

const fn default_profile() -> &'static str {
    if cfg!(all(feature = "trace", feature = "diagnostics")) {
        "full-dev"
    } else if cfg!(feature = "trace") {
        "core-trace"
    } else {
        "core-min"
    }
}

/// Whether invariant assertions are active (debug builds or feature `diagnostics`).
pub const ASSERT_INVARIANTS: bool = cfg!(any(debug_assertions, feature = "diagnostics"));

/// The parsed [`PROFILE_NAME`].
pub fn profile() -> Result<scenarios::Profile, HarnessError> {
    PROFILE_NAME
        .parse()
        .map_err(|e: scenarios::ids::UnknownName| HarnessError::Input(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_built_slowdown_is_a_whole_number_or_none() {
        use super::whole_number;
        assert_eq!(whole_number(None), None);
        assert_eq!(whole_number(Some("")), None);
        assert_eq!(whole_number(Some("15")), Some(15));
        assert_eq!(whole_number(Some("1000")), Some(1000));
        assert_eq!(whole_number(Some("1.5")), None);
        assert_eq!(whole_number(Some("-3")), None);
        // Tests are built without the variable: a real build carries no slowdown.
        assert_eq!(super::BUILT_SLOWDOWN_PCT, None);
    }
}
