//! The report's charts drawn by `plotters` into SVG strings: headroom bars and per-seed latency CDFs
//! with budget lines, plus the colours and the SVG canvas every chart shares.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use scenarios::summary::Status;
use scenarios::Unit;

use super::model::Row;
use super::ReportError;
use crate::units::human;

pub const PASS: RGBColor = RGBColor(46, 125, 50);
pub const WARN: RGBColor = RGBColor(230, 120, 0);
pub const FAIL: RGBColor = RGBColor(198, 40, 40);
pub const SKIP: RGBColor = RGBColor(140, 140, 140);
pub const INK: RGBColor = RGBColor(40, 40, 40);
pub const FONT: &str = "sans-serif";
/// Seed lines: distinct, readable on white.
pub const SEED_COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];
/// Points per seed kept in a CDF (quantiles): enough for the shape, small enough for 250 charts.
const CDF_POINTS: usize = 120;

pub type Svg = Result<String, ReportError>;

pub fn status_color(s: Status) -> RGBColor {
    match s {
        Status::Pass => PASS,
        Status::Warn => WARN,
        Status::Fail => FAIL,
        Status::Skip => SKIP,
    }
}

pub fn plot_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> ReportError {
    ReportError::Plot(e.to_string())
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
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(INK)
        .label_font((FONT, 11))
        .draw()
        .map_err(plot_err)
}

/// Draws into an SVG string of `size` pixels.
pub fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<(), ReportError>,
) -> Svg {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        draw(&root)?;
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

/// One bar per record: its value as a share of the hard budget, the target marked, 100 % = budget.
pub fn headroom(title: &str, rows: &[&Row<'_>]) -> Svg {
    let n = rows.len();
    let max = rows.iter().filter_map(|r| r.used()).fold(1.1_f64, f64::max) * 100.0;
    let labels: Vec<String> = rows.iter().map(|r| r.label()).collect();
    svg((820, 60 + 24 * n as u32), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 15))
            .margin(6)
            .x_label_area_size(28)
            .y_label_area_size(300)
            .build_cartesian_2d(0.0..max, (0..n).into_segmented())
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .max_light_lines(2)
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .disable_y_mesh()
            .x_desc("% of the hard budget")
            .x_label_formatter(&|v| format!("{v:.0} %"))
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_labels(n + 1)
            .draw()
            .map_err(plot_err)?;
        let bars = rows.iter().enumerate().filter_map(|(i, r)| {
            let used = r.used()? * 100.0;
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (used.min(max), SegmentValue::Exact(i + 1)),
                ],
                status_color(r.status).filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            Some(bar)
        });
        chart.draw_series(bars).map_err(plot_err)?;
        let targets = rows.iter().enumerate().filter_map(|(i, r)| {
            let t = r.record.threshold_warn? / r.record.threshold_hard? * 100.0;
            Some(PathElement::new(
                vec![(t, SegmentValue::Exact(i)), (t, SegmentValue::Exact(i + 1))],
                WARN.stroke_width(3),
            ))
        });
        chart.draw_series(targets).map_err(plot_err)?;
        let budget = PathElement::new(
            vec![
                (100.0, SegmentValue::Exact(0)),
                (100.0, SegmentValue::Exact(n)),
            ],
            FAIL.stroke_width(2),
        );
        chart.draw_series([budget]).map_err(plot_err)?;
        Ok(())
    })
}

/// Evenly spaced quantiles of sorted `v` as (value, cumulative share) points.
fn cdf(mut v: Vec<f64>, floor: f64) -> Vec<(f64, f64)> {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return Vec::new();
    }
    let step = n.div_ceil(CDF_POINTS).max(1);
    let mut idx: Vec<usize> = (0..n).step_by(step).collect();
    if idx.last() != Some(&(n - 1)) {
        idx.push(n - 1);
    }
    idx.into_iter()
        .map(|i| (v[i].max(floor), (i + 1) as f64 / n as f64))
        .collect()
}

/// Per-seed CDFs of a record's per-operation values (log axis), with the target, hard budget and value.
pub fn distribution(row: &Row<'_>) -> Svg {
    let unit = row.unit();
    let relative = row.key.metric_id == scenarios::MetricId::Perf04D;
    let all = row
        .samples
        .iter()
        .flat_map(|s| s.values.iter().chain(s.baseline.iter().flatten()).copied());
    let positive_min = all
        .clone()
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let floor = if positive_min.is_finite() {
        positive_min
    } else {
        1e-6
    };
    let lines = if relative {
        Vec::new()
    } else {
        [row.record.threshold_warn, row.record.threshold_hard]
            .into_iter()
            .flatten()
            .collect()
    };
    let hi = all
        .chain(lines.iter().copied())
        .fold(floor * 10.0, f64::max)
        * 1.3;
    let lo = floor / 1.3;
    let axis_unit = if relative { ns_unit(unit) } else { unit };
    let title = format!("{} — {}", row.label(), row.key.profile);
    svg((620, 280), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(&title, (FONT, 14))
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d((lo..hi).log_scale(), 0.0..1.0)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .max_light_lines(2)
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .x_desc(if relative {
                "per-op time, replay (solid) vs live (thin)"
            } else {
                "per-op value (log scale)"
            })
            .y_desc("share of samples ≤ x")
            .x_labels(6)
            .x_label_formatter(&|v| human(*v, axis_unit))
            .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
            .draw()
            .map_err(plot_err)?;
        for (i, s) in row.samples.iter().enumerate() {
            let color = SEED_COLORS[i % SEED_COLORS.len()];
            chart
                .draw_series(LineSeries::new(
                    cdf(s.values.clone(), floor),
                    color.stroke_width(2),
                ))
                .map_err(plot_err)?
                .label(format!("seed {}", s.seed))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
            if let Some(b) = &s.baseline {
                chart
                    .draw_series(LineSeries::new(
                        cdf(b.clone(), floor),
                        color.stroke_width(1),
                    ))
                    .map_err(plot_err)?;
            }
        }
        budget_lines(&mut chart, row, &lines)?;
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}

/// 04D is in percent, its samples are times: the CDF's axis is in µs.
fn ns_unit(unit: Unit) -> Unit {
    match unit {
        Unit::Percent => Unit::Microseconds,
        u => u,
    }
}

type LogChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::combinators::LogCoord<f64>,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// Vertical lines at the target (amber), the hard budget (red) and the record's value (ink).
fn budget_lines(
    chart: &mut LogChart<'_, '_>,
    row: &Row<'_>,
    lines: &[f64],
) -> Result<(), ReportError> {
    let unit = row.unit();
    let mut marks: Vec<(f64, RGBColor, String)> = Vec::new();
    if let (Some(w), true) = (row.record.threshold_warn, !lines.is_empty()) {
        marks.push((w, WARN, format!("target {}", human(w, unit))));
    }
    if let (Some(h), true) = (row.record.threshold_hard, !lines.is_empty()) {
        marks.push((h, FAIL, format!("hard {}", human(h, unit))));
    }
    if let (Some(v), true) = (row.record.value, !lines.is_empty()) {
        marks.push((v, INK, format!("value {}", human(v, unit))));
    }
    for (x, color, label) in marks {
        chart
            .draw_series(LineSeries::new([(x, 0.0), (x, 1.0)], color.stroke_width(2)))
            .map_err(plot_err)?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
            });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_keeps_the_extremes_and_is_monotonic() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let c = cdf(v, 0.5);
        assert!(c.len() <= CDF_POINTS + 2);
        assert_eq!(
            c.first().unwrap().0,
            0.5,
            "zero is floored for the log axis"
        );
        assert_eq!(*c.last().unwrap(), (999.0, 1.0));
        assert!(c.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
    }
}
