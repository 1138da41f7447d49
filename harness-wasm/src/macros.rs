//! `export_harness!`: one line in an adapter's crate exports the harness's JS surface for that adapter.

/// Exports the harness's JS surface (what the pages in `www/` call) for a [`crate::RuntimeAdapter`],
/// from the adapter's own crate, which is built as a `cdylib`:
///
/// ```ignore
/// pub struct MyRuntime { /* … */ }
/// impl harness_wasm::RuntimeAdapter for MyRuntime { /* … */ }
/// harness_wasm::export_harness!(MyRuntime);
/// ```
///
/// The crate needs no dependency on `wasm-bindgen` of its own (the expansion names the harness's),
/// and its features `trace` and `diagnostics` must forward to the harness's (the build policy
/// enables them per profile): `trace = ["harness-wasm/trace"]`, `diagnostics = ["harness-wasm/diagnostics"]`.
/// The functions land in a hidden module `__harness_exports` and only on `wasm32`; native builds of
/// the crate (its unit tests) see nothing.
#[macro_export]
macro_rules! export_harness {
    ($adapter:ty) => {
        #[cfg(target_arch = "wasm32")]
        #[doc(hidden)]
        #[allow(unused_imports)]
        pub mod __harness_exports {
            use super::*;
            use $crate::__private::js_sys::Function;
            use $crate::__private::wasm_bindgen::prelude::{wasm_bindgen, JsError};
            use $crate::export as body;

            /// The adapter these exports measure: `$adapter` itself, wrapped with a planted fault only
            /// in a TEST ONLY `collector build --plant-fault` build.
            type Adapter = <$crate::faults::Fault<{ $crate::faults::BUILT_FAULT }> as $crate::faults::Pick<
                $adapter,
            >>::Adapter;

            $crate::__export_plain! {
                fn harness_profile() -> String;
                fn harness_version() -> String;
                fn trace_enabled() -> bool;
                fn clock_info() -> Result<String, JsError>;
                fn scenario_request(options_json: &str) -> Result<String, JsError>;
                fn set_yield_every_ms(ms: f64) -> Result<f64, JsError>;
                fn cold_start_plan(request_json: &str) -> Result<String, JsError>;
                fn workloads() -> Vec<String>;
                fn seed_set() -> Vec<f64>;
                fn min_iterations() -> u32;
                fn default_warmup() -> u32;
            }

            #[wasm_bindgen(wasm_bindgen = $crate::__private::wasm_bindgen)]
            pub fn adapter_name() -> Result<String, JsError> {
                body::adapter_name::<Adapter>()
            }

            /// The crate this expansion is in, recorded with every result.
            fn krate() -> $crate::__private::AdapterCrate {
                body::adapter_crate(
                    env!("CARGO_PKG_NAME"),
                    env!("CARGO_PKG_VERSION"),
                    option_env!("HARNESS_ADAPTER_COMMIT"),
                )
            }

            /// `{"name", "version", "commit"?}` of the adapter's crate.
            #[wasm_bindgen(wasm_bindgen = $crate::__private::wasm_bindgen)]
            pub fn adapter_crate() -> String {
                $crate::__private::serde_json::to_string(&krate()).unwrap_or_default()
            }

            #[wasm_bindgen(wasm_bindgen = $crate::__private::wasm_bindgen)]
            pub fn cold_start_probe(seed: f64) -> Result<Vec<f64>, JsError> {
                body::cold_start_probe::<Adapter>(seed)
            }

            #[wasm_bindgen(wasm_bindgen = $crate::__private::wasm_bindgen)]
            pub fn cold_start_wire(
                request_json: &str,
                phases_json: &str,
                frame_gc: bool,
                seeds_in_turn: u32,
            ) -> Result<String, JsError> {
                body::cold_start_wire::<Adapter>(
                    request_json,
                    phases_json,
                    frame_gc,
                    seeds_in_turn,
                    krate(),
                )
            }

            #[wasm_bindgen(
                                wasm_bindgen = $crate::__private::wasm_bindgen,
                                wasm_bindgen_futures = $crate::__private::wasm_bindgen_futures
                            )]
            pub async fn run_scenario(
                request_json: String,
                pause: Function,
            ) -> Result<String, JsError> {
                body::run_scenario::<Adapter>(request_json, pause, krate()).await
            }

            #[wasm_bindgen(
                                wasm_bindgen = $crate::__private::wasm_bindgen,
                                wasm_bindgen_futures = $crate::__private::wasm_bindgen_futures
                            )]
            pub async fn conformance(seed: f64) -> Result<String, JsError> {
                body::conformance::<Adapter>(seed).await
            }
        }
    };
}

/// The adapter-independent exports, each forwarding to its body in [`crate::export`].
#[doc(hidden)]
#[macro_export]
macro_rules! __export_plain {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(
            #[wasm_bindgen(wasm_bindgen = $crate::__private::wasm_bindgen)]
            pub fn $name($($arg: $ty),*) -> $ret {
                body::$name($($arg),*)
            }
        )*
    };
}
