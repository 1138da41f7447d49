//! The charts people read, one implementation for the collector's report and the developer page:
//! `plotters` SVG drawn into a `String` from plain data. No I/O, no clock; builds for wasm32.

pub mod distribution;
pub mod headroom;
pub mod history;
pub mod phases;
pub mod sizes;
pub mod style;
pub mod units;

pub use distribution::{distribution, Distribution, SeedValues};
pub use headroom::{headroom, Bar};
pub use history::{history, History, Run};
pub use phases::{phases, PhaseBar, Phases};
pub use sizes::{module_sizes, size_bars, ModuleSize, SizeBar};
pub use style::{ChartError, Svg};
