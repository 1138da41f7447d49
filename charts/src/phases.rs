//! Stacked phase bars: one bar per row (an environment × profile × framework of a cold start), its
//! phases end to end in one colour each, with the row's hard budget (red) marked.

use plotters::prelude::*;

use scenarios::Unit;

use crate::style::{
    legend, plot_err, row_bar, row_mark, rows_chart, svg, RowAxes, Svg, FAIL, SEED_COLORS,
};
use crate::units::human;

/// One stacked bar: its phases' lengths in the order of [`Phases::names`].
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseBar {
    pub label: String,
    pub lengths: Vec<f64>,
    pub hard: Option<f64>,
}

/// What a phase chart shows.
#[derive(Debug, Clone, Copy)]
pub struct Phases<'a> {
    pub title: &'a str,
    /// The lengths' unit.
    pub unit: Unit,
    /// The phases' names (the legend), in the order they run.
    pub names: &'a [String],
    pub bars: &'a [PhaseBar],
}

/// The bars of `p` stacked phase by phase, each with its hard budget.
pub fn phases(p: &Phases<'_>) -> Svg {
    let n = p.bars.len();
    let unit = p.unit;
    let max = p
        .bars
        .iter()
        .map(|b| b.lengths.iter().sum::<f64>().max(b.hard.unwrap_or(0.0)))
        .fold(0.0, f64::max)
        * 1.5;
    svg((820, 150 + 30 * n as u32), |root| {
        let labels: Vec<String> = p.bars.iter().map(|b| b.label.clone()).collect();
        let axes = RowAxes {
            title: p.title,
            labels: &labels,
            label_width: 300,
            max,
            x_desc: None,
            x_label: &|v| human(*v, unit),
        };
        let mut chart = rows_chart(root, &axes)?;
        for (k, name) in p.names.iter().enumerate() {
            let color = SEED_COLORS[k % SEED_COLORS.len()];
            let segs = p.bars.iter().enumerate().filter_map(|(i, b)| {
                let start: f64 = b.lengths.iter().take(k).sum();
                let len = b.lengths.get(k)?;
                Some(row_bar(i, start, start + len, color, (5, 5)))
            });
            chart
                .draw_series(segs)
                .map_err(plot_err)?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
        }
        let budgets = p
            .bars
            .iter()
            .enumerate()
            .filter_map(|(i, b)| Some(row_mark(i, b.hard?, FAIL.stroke_width(3))));
        chart.draw_series(budgets).map_err(plot_err)?;
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["fetch", "compile", "first task"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn one_segment_per_phase_per_bar_with_the_legend_and_budgets() {
        let bar = |label: &str, hard| PhaseBar {
            label: label.into(),
            lengths: vec![2.0, 1.0, 0.5],
            hard,
        };
        let bars = [
            bar("desktop-chromium core-min -", Some(5.0)),
            bar("desktop-firefox core-min -", None),
        ];
        let names = names();
        let svg = phases(&Phases {
            title: "Cold init",
            unit: Unit::Milliseconds,
            names: &names,
            bars: &bars,
        })
        .unwrap();
        for text in [
            "Cold init",
            "desktop-chromium core-min -",
            "desktop-firefox core-min -",
        ] {
            assert!(svg.contains(text), "{text}");
        }
        for (k, name) in names.iter().enumerate() {
            assert!(svg.contains(&format!("\n{name}\n</text>")), "legend {name}");
            let c = SEED_COLORS[k];
            let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
            // Two bars' segments and the legend's swatch.
            assert_eq!(svg.matches(&fill).count(), 3, "{name}: {svg}");
        }
        assert_eq!(svg.matches("stroke=\"#C62828\"").count(), 1, "one budget");
    }

    #[test]
    fn no_bars_or_no_phases_draw_an_empty_chart() {
        let names = names();
        for (names, bars) in [(&names[..], &[][..]), (&[][..], &[][..])] {
            let svg = phases(&Phases {
                title: "Cold init",
                unit: Unit::Milliseconds,
                names,
                bars,
            })
            .unwrap();
            assert!(svg.starts_with("<svg") && svg.contains("Cold init"));
        }
    }

    #[test]
    fn a_bar_missing_a_phase_draws_the_phases_it_has() {
        let bars = [PhaseBar {
            label: "short".into(),
            lengths: vec![1.0],
            hard: None,
        }];
        let names = names();
        let svg = phases(&Phases {
            title: "t",
            unit: Unit::Milliseconds,
            names: &names,
            bars: &bars,
        })
        .unwrap();
        let c = SEED_COLORS[1];
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
        assert_eq!(svg.matches(&fill).count(), 1, "the legend's swatch only");
    }
}
