//! The charts people read, one implementation for the collector's report and the developer page:
//! `plotters` SVG drawn into a `String` from plain data. No I/O, no clock; builds for wasm32.

pub mod distribution;
pub mod headroom;
pub mod sizes;
pub mod style;
pub mod units;

pub use distribution::{distribution, Distribution, SeedValues};
pub use headroom::{headroom, Bar};
pub use sizes::{size_bars, SizeBar};
pub use style::{ChartError, Svg};
