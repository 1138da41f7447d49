//! A key's history: its value per run, oldest first (dots coloured by the gate's status that run,
//! joined by a grey line), with the target (amber) and hard budget (red) lines.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use scenarios::summary::Status;
use scenarios::Unit;

use crate::style::{
    frame, legend, mesh, plot_err, status_color, svg, Chart, ChartError, Frame, Svg, FAIL, WARN,
};
use crate::units::{human_in, scale_for};

/// One run: its short name on the axis, its value (a gap without one), the gate's status.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub label: String,
    pub value: Option<f64>,
    pub status: Status,
}

/// What a history chart shows.
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    pub title: &'a str,
    pub unit: Unit,
    /// Oldest first.
    pub runs: &'a [Run],
    pub warn: Option<f64>,
    pub hard: Option<f64>,
}

/// The runs' values on a line, each dot coloured by its status, with the target and hard lines.
pub fn history(h: &History<'_>) -> Svg {
    let n = h.runs.len();
    let values: Vec<f64> = h.runs.iter().filter_map(|r| r.value).collect();
    let lines: Vec<(f64, RGBColor, &str)> = [(h.warn, WARN, "target"), (h.hard, FAIL, "hard")]
        .into_iter()
        .filter_map(|(v, c, l)| Some((v?, c, l)))
        .collect();
    let top = values
        .iter()
        .chain(lines.iter().map(|l| &l.0))
        .fold(f64::MIN_POSITIVE, |a, b| a.max(*b))
        * 1.1;
    let bottom = values.iter().fold(0.0_f64, |a, b| a.min(*b));
    let scale = scale_for(top, h.unit);
    svg((620, 240), |root| {
        let at = Frame {
            title: h.title,
            caption: 14,
            x_area: 30,
            y_area: 60,
        };
        let mut chart = frame(root, &at, (0..n).into_segmented(), bottom..top)?;
        let x_label = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) => {
                h.runs.get(*i).map(|r| r.label.clone()).unwrap_or_default()
            }
            _ => String::new(),
        };
        mesh(&mut chart)
            .disable_x_mesh()
            .x_desc("run (commit), oldest first")
            .x_labels(n.min(12))
            .x_label_formatter(&x_label)
            .y_label_formatter(&|v| human_in(*v, scale))
            .draw()
            .map_err(plot_err)?;
        for &(v, color, label) in &lines {
            chart
                .draw_series(LineSeries::new(
                    [(SegmentValue::Exact(0), v), (SegmentValue::Exact(n), v)],
                    color.stroke_width(2),
                ))
                .map_err(plot_err)?
                .label(format!("{label} {}", human_in(v, scale)))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
        }
        runs(&mut chart, h.runs)?;
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

type RunChart<'a, 'b> = Chart<
    'a,
    'b,
    plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordusize>,
    plotters::coord::types::RangedCoordf64,
>;

/// The runs' values: a thin grey line through them, a dot per run in its status's colour.
fn runs(chart: &mut RunChart<'_, '_>, runs: &[Run]) -> Result<(), ChartError> {
    let points: Vec<(SegmentValue<usize>, f64)> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((SegmentValue::CenterOf(i), r.value?)))
        .collect();
    chart
        .draw_series(LineSeries::new(
            points,
            RGBColor(90, 90, 90).stroke_width(1),
        ))
        .map_err(plot_err)?;
    let dots = runs.iter().enumerate().filter_map(|(i, r)| {
        Some(Circle::new(
            (SegmentValue::CenterOf(i), r.value?),
            4,
            status_color(r.status).filled(),
        ))
    });
    chart.draw_series(dots).map_err(plot_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(label: &str, value: Option<f64>, status: Status) -> Run {
        Run {
            label: label.into(),
            value,
            status,
        }
    }

    #[test]
    fn a_dot_per_run_in_its_status_colour_with_the_budget_lines() {
        let runs = [
            run("aaaaaaa", Some(3.0), Status::Pass),
            run("bbbbbbb", Some(9.0), Status::Warn),
            run("ccccccc", Some(13.0), Status::Fail),
        ];
        let svg = history(&History {
            title: "04A — core-min desktop-chromium",
            unit: Unit::Milliseconds,
            runs: &runs,
            warn: Some(8.0),
            hard: Some(12.0),
        })
        .unwrap();
        for text in [
            "aaaaaaa", "bbbbbbb", "ccccccc", "target 8", "hard 12", "04A",
        ] {
            assert!(svg.contains(text), "{text}: {svg}");
        }
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert!(svg.contains("fill=\"#E67800\""), "the warn run is amber");
    }

    #[test]
    fn no_runs_and_no_budgets_draw_an_empty_chart() {
        let svg = history(&History {
            title: "empty",
            unit: Unit::Bytes,
            runs: &[],
            warn: None,
            hard: None,
        })
        .unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("empty"));
        assert_eq!(svg.matches("<circle").count(), 0);
    }

    #[test]
    fn a_run_without_a_value_is_a_gap_not_a_dot() {
        let runs = [
            run("a", Some(1.0), Status::Pass),
            run("b", None, Status::Skip),
            run("c", Some(2.0), Status::Pass),
        ];
        let svg = history(&History {
            title: "t",
            unit: Unit::Milliseconds,
            runs: &runs,
            warn: None,
            hard: None,
        })
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 2);
    }
}
