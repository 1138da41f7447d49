//! Generic browser-session layer on fantoccini: driver discovery, local
//! driver processes, per-target capabilities and per-call timeouts.
//!
//! ```no_run
//! # async fn demo() -> bench_webdriver::Result<()> {
//! use bench_webdriver::{BrowserTarget, DriverEnv, Session, SessionConfig};
//! let session = Session::start(
//!     SessionConfig::new(BrowserTarget::Chromium),
//!     &DriverEnv::from_process_env(),
//! )
//! .await?;
//! session.goto("http://127.0.0.1:8000/").await?;
//! let two = session.execute("return 1 + 1;", vec![]).await?;
//! let info = session.browser_info().await?;
//! println!("{} {} says {two}", info.browser_name, info.browser_version);
//! session.close().await
//! # }
//! ```

mod capabilities;
mod cdp;
mod config;
mod connect;
mod discover;
mod error;
mod info;
mod process;
mod remote;
mod session;
mod tail;
mod watchdog;

pub use capabilities::{
    build_capabilities, BrowserTarget, CapabilityInputs, EmulationProfile, CHROMIUM_ARGS,
    FIREFOX_PREFS,
};
pub use cdp::{CdpExecute, RawStatus};
pub use config::SessionConfig;
pub use discover::{
    discover, normalize_remote_url, search_path, DriverEnv, DriverKind, DriverLocation, Origin,
    DISCOVERY_VARS,
};
pub use error::{Error, Result};
pub use fantoccini::wd::Capabilities;
pub use info::BrowserInfo;
pub use process::{driver_version, free_loopback_port, DriverProcess, KillHandle};
pub use remote::{
    graphql_url, grid_node_timeouts, grid_status, node_from_graphql, node_timeouts_from_status,
    redact_url, slot_hint,
};
pub use session::Session;
pub use tail::LogTail;
