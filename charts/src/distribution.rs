//! The per-seed distribution plot: each seed's per-operation values as a CDF on a log axis, with the
//! target (amber), hard budget (red) and the record's value (ink) as vertical lines.

use plotters::prelude::*;

use scenarios::Unit;

use crate::style::{
    frame, legend, mesh, plot_err, svg, Chart, ChartError, Frame, Svg, FAIL, INK, SEED_COLORS, WARN,
};
use crate::units::human;

/// Points per seed kept in a CDF (quantiles): enough for the shape, small enough for 250 charts.
const CDF_POINTS: usize = 120;

/// One seed's per-operation values, in the chart's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedValues {
    pub seed: u64,
    pub values: Vec<f64>,
    /// For a relative probe (replay): the live baseline's per-op values, same unit.
    pub baseline: Option<Vec<f64>>,
}

/// What one distribution plot shows.
#[derive(Debug, Clone, Copy)]
pub struct Distribution<'a> {
    pub title: &'a str,
    /// The metric's unit (values, lines). For a relative metric (percent) the values are times in µs.
    pub unit: Unit,
    /// A relative metric (replay overhead): no budget lines, the baseline drawn thin.
    pub relative: bool,
    pub seeds: &'a [SeedValues],
    pub warn: Option<f64>,
    pub hard: Option<f64>,
    /// The record's value (median of seed p95s), when there is one yet.
    pub value: Option<f64>,
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

/// Per-seed CDFs of the values (log axis), with the target, hard budget and value lines.
pub fn distribution(d: &Distribution<'_>) -> Svg {
    let all = d
        .seeds
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
    let lines: Vec<f64> = if d.relative {
        Vec::new()
    } else {
        [d.warn, d.hard].into_iter().flatten().collect()
    };
    let hi = all
        .chain(lines.iter().copied())
        .fold(floor * 10.0, f64::max)
        * 1.3;
    let lo = floor / 1.3;
    let axis_unit = if d.relative { ns_unit(d.unit) } else { d.unit };
    svg((620, 280), |root| {
        let at = Frame {
            title: d.title,
            caption: 14,
            x_area: 30,
            y_area: 44,
        };
        let mut chart = frame(root, &at, (lo..hi).log_scale(), 0.0..1.0)?;
        mesh(&mut chart)
            .x_desc(if d.relative {
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
        for (i, s) in d.seeds.iter().enumerate() {
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
        if !lines.is_empty() {
            budget_lines(&mut chart, d)?;
        }
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

type LogChart<'a, 'b> = Chart<
    'a,
    'b,
    plotters::coord::combinators::LogCoord<f64>,
    plotters::coord::types::RangedCoordf64,
>;

/// Vertical lines at the target (amber), the hard budget (red) and the value (ink).
fn budget_lines(chart: &mut LogChart<'_, '_>, d: &Distribution<'_>) -> Result<(), ChartError> {
    let unit = d.unit;
    let mut marks: Vec<(f64, RGBColor, String)> = Vec::new();
    if let Some(w) = d.warn {
        marks.push((w, WARN, format!("target {}", human(w, unit))));
    }
    if let Some(h) = d.hard {
        marks.push((h, FAIL, format!("hard {}", human(h, unit))));
    }
    if let Some(v) = d.value {
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

    #[test]
    fn a_plot_per_seed_with_its_budget_lines() {
        let seeds = [11, 29].map(|seed| SeedValues {
            seed,
            values: (1..200).map(f64::from).collect(),
            baseline: None,
        });
        let svg = distribution(&Distribution {
            title: "04A steady-throughput reserve-send",
            unit: Unit::Microseconds,
            relative: false,
            seeds: &seeds,
            warn: Some(50.0),
            hard: Some(150.0),
            value: None,
        })
        .unwrap();
        for text in ["seed 11", "seed 29", "target 50 µs", "hard 150 µs"] {
            assert!(svg.contains(text), "{text}");
        }
    }
}
