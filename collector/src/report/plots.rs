//! The report's record charts, drawn by the `charts` crate (the page draws the same ones): headroom
//! bars and per-seed latency CDFs with budget lines, from the report's rows; plus the shared style.

pub use charts::style::{status_color, FAIL, SEED_COLORS, WARN};

use plotters::prelude::*;

use super::model::Row;
use super::ReportError;

pub type Svg = Result<String, ReportError>;

pub fn plot_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> ReportError {
    ReportError::from(charts::style::plot_err(e))
}

/// Draws a chart's series legend in the house style at `position`.
pub fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), ReportError>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    Ok(charts::style::legend(chart, position)?)
}

/// Draws into an SVG string of `size` pixels.
pub fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<(), ReportError>,
) -> Svg {
    charts::style::svg(size, draw)
}

/// One bar per record: its value as a share of the hard budget, the target marked, 100 % = budget.
pub fn headroom(title: &str, rows: &[&Row<'_>]) -> Svg {
    let bars: Vec<charts::Bar> = rows
        .iter()
        .map(|r| charts::Bar {
            label: r.label(),
            value: r.record.value,
            warn: r.record.threshold_warn,
            hard: r.record.threshold_hard,
            status: r.status,
        })
        .collect();
    Ok(charts::headroom(title, &bars)?)
}

/// Per-seed CDFs of a record's per-operation values (log axis), with the target, hard budget and value.
pub fn distribution(row: &Row<'_>) -> Svg {
    let title = format!("{} — {}", row.label(), row.key.profile);
    Ok(charts::distribution(&charts::Distribution {
        title: &title,
        unit: row.unit(),
        relative: row.key.metric_id == scenarios::MetricId::Perf04D,
        seeds: row.samples,
        warn: row.record.threshold_warn,
        hard: row.record.threshold_hard,
        value: row.record.value,
    })?)
}
