//! Each key's history from the gate's event log: the value per run (coloured by the gate's status)
//! with the target and hard budget lines, drawn by `plotters`.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use scenarios::gate::GateEvent;
use scenarios::summary::RecordKey;
use scenarios::Unit;

use super::model::Row;
use super::plots::{self, status_color, Svg, FAIL, WARN};
use super::ReportError;
use crate::units::{human_in, scale_for};

/// At most this many runs are drawn per key (the latest).
pub const MAX_RUNS: usize = 60;

fn plot_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> ReportError {
    ReportError::Plot(e.to_string())
}

/// The key's events with a value, oldest first, the latest [`MAX_RUNS`].
pub fn of_key<'e>(events: &'e [GateEvent], key: &RecordKey) -> Vec<&'e GateEvent> {
    let all: Vec<&GateEvent> = events
        .iter()
        .filter(|e| &e.key == key && e.value.is_some())
        .collect();
    all[all.len().saturating_sub(MAX_RUNS)..].to_vec()
}

/// A run's short name on the axis: the commit's first 7 characters.
fn run_label(e: &GateEvent) -> String {
    e.commit.chars().take(7).collect()
}

/// The value per run with the row's target and hard budget.
pub fn chart(row: &Row<'_>, events: &[&GateEvent]) -> Svg {
    let n = events.len();
    let unit: Unit = row.unit();
    let values: Vec<f64> = events.iter().filter_map(|e| e.value).collect();
    let lines: Vec<(f64, RGBColor, &str)> = [
        (row.record.threshold_warn, WARN, "target"),
        (row.record.threshold_hard, FAIL, "hard"),
    ]
    .into_iter()
    .filter_map(|(v, c, l)| Some((v?, c, l)))
    .collect();
    let top = values
        .iter()
        .chain(lines.iter().map(|l| &l.0))
        .fold(f64::MIN_POSITIVE, |a, b| a.max(*b))
        * 1.1;
    let bottom = values.iter().fold(0.0_f64, |a, b| a.min(*b));
    let scale = scale_for(top, unit);
    let labels: Vec<String> = events.iter().map(|e| run_label(e)).collect();
    let title = format!(
        "{} — {} {}",
        row.label(),
        row.key.profile,
        row.key.environment
    );
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (620, 240)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, ("sans-serif", 14))
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d((0..n).into_segmented(), bottom..top)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .max_light_lines(2)
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .disable_x_mesh()
            .x_desc("run (commit), oldest first")
            .x_labels(n.min(12))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| human_in(*v, scale))
            .draw()
            .map_err(plot_err)?;
        for (v, color, label) in &lines {
            let color = *color;
            chart
                .draw_series(LineSeries::new(
                    [(SegmentValue::Exact(0), *v), (SegmentValue::Exact(n), *v)],
                    color.stroke_width(2),
                ))
                .map_err(plot_err)?
                .label(format!("{label} {}", human_in(*v, scale)))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
        }
        let points: Vec<(SegmentValue<usize>, f64)> = events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((SegmentValue::CenterOf(i), e.value?)))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.clone(),
                RGBColor(90, 90, 90).stroke_width(1),
            ))
            .map_err(plot_err)?;
        let dots = events.iter().enumerate().filter_map(|(i, e)| {
            Some(Circle::new(
                (SegmentValue::CenterOf(i), e.value?),
                4,
                status_color(e.status).filled(),
            ))
        });
        chart.draw_series(dots).map_err(plot_err)?;
        plots::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}
