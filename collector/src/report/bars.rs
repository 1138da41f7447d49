//! Bar charts of the report, drawn by `plotters`: cold-init phases stacked per environment × profile ×
//! framework, and module sizes (raw, gzip) against their hard budgets.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use scenarios::Unit;

use super::model::Row;
use super::plots::{self, plot_err, status_color, svg, Svg, FAIL, SEED_COLORS};
use crate::units::{human, human_in, scale_for};
use charts::style::{rows_chart, RowAxes};

/// One stacked bar: its label, its phases in order, its hard budget.
type Bar = (String, Vec<(String, f64)>, Option<f64>);

/// Stacked cold-init phases (`detail.components_p95`) per environment × profile × framework.
pub fn phases(rows: &[&Row<'_>]) -> Svg {
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| {
            let c = &r
                .record
                .detail
                .as_ref()
                .expect("filtered: has components")
                .components_p95;
            let label = format!(
                "{} {} {}",
                r.key.environment,
                r.key.profile,
                r.key.framework.map_or("-".into(), |f| f.to_string())
            );
            (label, ordered_phases(c), r.record.threshold_hard)
        })
        .collect();
    let n = bars.len();
    let unit = rows.first().map_or(Unit::Milliseconds, |r| r.unit());
    let max = bars
        .iter()
        .map(|(_, p, h)| p.iter().map(|x| x.1).sum::<f64>().max(h.unwrap_or(0.0)))
        .fold(0.0, f64::max)
        * 1.5;
    let names: Vec<String> = bars
        .first()
        .map(|b| b.1.iter().map(|p| p.0.clone()).collect())
        .unwrap_or_default();
    svg((820, 150 + 30 * n as u32), |root| {
        let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
        let axes = RowAxes {
            title: "Cold init: p95 of each phase (median over seeds)",
            labels: &labels,
            label_width: 300,
            max,
            x_desc: None,
            x_label: &|v| human(*v, unit),
        };
        let mut chart = rows_chart(root, &axes)?;
        for (k, name) in names.iter().enumerate() {
            let color = SEED_COLORS[k % SEED_COLORS.len()];
            let segs = bars.iter().enumerate().filter_map(|(i, (_, p, _))| {
                let start: f64 = p.iter().take(k).map(|x| x.1).sum();
                let len = p.get(k)?.1;
                let mut r = Rectangle::new(
                    [
                        (start, SegmentValue::Exact(i)),
                        (start + len, SegmentValue::Exact(i + 1)),
                    ],
                    color.filled(),
                );
                r.set_margin(5, 5, 0, 0);
                Some(r)
            });
            chart
                .draw_series(segs)
                .map_err(plot_err)?
                .label(name.trim_end_matches("_ms").replace('_', " "))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
        }
        let budgets = bars.iter().enumerate().filter_map(|(i, (_, _, h))| {
            Some(PathElement::new(
                vec![
                    (*h.as_ref()?, SegmentValue::Exact(i)),
                    (h.unwrap_or(0.0), SegmentValue::Exact(i + 1)),
                ],
                FAIL.stroke_width(3),
            ))
        });
        chart.draw_series(budgets).map_err(plot_err)?;
        plots::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })
}

/// Phases in the order a cold start runs them; unknown names after, alphabetically.
fn ordered_phases(c: &std::collections::BTreeMap<String, f64>) -> Vec<(String, f64)> {
    const ORDER: [&str; 6] = [
        "fetch",
        "glue_import",
        "compile",
        "instantiate",
        "runtime_start",
        "first_task",
    ];
    let rank = |k: &str| {
        let stem = k.rsplit_once('_').map_or(k, |(s, _)| s);
        ORDER.iter().position(|o| *o == stem).unwrap_or(ORDER.len())
    };
    let mut v: Vec<(String, f64)> = c.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by_key(|(k, _)| rank(k));
    v
}

/// Raw and gzip module sizes per profile, each bar with its hard budget.
pub fn sizes(rows: &[&Row<'_>]) -> Svg {
    let n = rows.len();
    let max = rows
        .iter()
        .flat_map(|r| [r.record.value, r.record.threshold_hard])
        .flatten()
        .fold(1.0, f64::max)
        * 1.1;
    let scale = scale_for(max, Unit::Bytes);
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.key.profile,
                if r.key.metric_id == scenarios::MetricId::Perf01A {
                    "raw"
                } else {
                    "gzip -9"
                }
            )
        })
        .collect();
    svg((820, 70 + 30 * n as u32), |root| {
        let axes = RowAxes {
            title: "Module size against the hard budget (red)",
            labels: &labels,
            label_width: 160,
            max,
            x_desc: None,
            x_label: &|v| human_in(*v, scale),
        };
        let mut chart = rows_chart(root, &axes)?;
        let bars = rows.iter().enumerate().filter_map(|(i, r)| {
            let mut b = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (r.record.value?, SegmentValue::Exact(i + 1)),
                ],
                status_color(r.status).filled(),
            );
            b.set_margin(5, 5, 0, 0);
            Some(b)
        });
        chart.draw_series(bars).map_err(plot_err)?;
        let budgets = rows.iter().enumerate().filter_map(|(i, r)| {
            let h = r.record.threshold_hard?;
            Some(PathElement::new(
                vec![(h, SegmentValue::Exact(i)), (h, SegmentValue::Exact(i + 1))],
                FAIL.stroke_width(3),
            ))
        });
        chart.draw_series(budgets).map_err(plot_err)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_the_cold_start() {
        let c = [
            ("compile_ms", 1.0),
            ("fetch_ms", 2.0),
            ("zeta_ms", 0.1),
            ("first_task_ms", 0.5),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let names: Vec<String> = ordered_phases(&c).into_iter().map(|p| p.0).collect();
        assert_eq!(
            names,
            ["fetch_ms", "compile_ms", "first_task_ms", "zeta_ms"]
        );
    }
}
