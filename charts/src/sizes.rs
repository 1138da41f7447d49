//! Size bars: bytes per part of a module (its size groups, its largest crates), and with a base
//! build the base's bytes beside each bar, so what grew is seen at once.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::style::{plot_err, rows_chart, svg, RowAxes, Svg, FAIL, PASS, SKIP};

/// One part's bytes now, and in the base build when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeBar {
    pub label: String,
    pub bytes: u64,
    pub base: Option<u64>,
}

/// The bars of `bars` under `title`, in KiB; a part that grew is red, one that shrank green, the
/// base drawn as a grey bar under each.
pub fn size_bars(title: &str, bars: &[SizeBar]) -> Svg {
    let n = bars.len();
    let kib = |b: u64| b as f64 / 1024.0;
    let max = bars
        .iter()
        .map(|b| kib(b.bytes.max(b.base.unwrap_or(0))))
        .fold(1.0_f64, f64::max)
        * 1.08;
    svg((820, 60 + 26 * n as u32), |root| {
        let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
        let axes = RowAxes {
            title,
            labels: &labels,
            label_width: 300,
            max,
            x_desc: Some("KiB (raw)"),
            x_label: &|v| format!("{v:.0}"),
        };
        let mut chart = rows_chart(root, &axes)?;
        let bar = |i: usize, value: f64, color: RGBColor, top: u32, bottom: u32| {
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (value, SegmentValue::Exact(i + 1)),
                ],
                color.filled(),
            );
            r.set_margin(top, bottom, 0, 0);
            r
        };
        let bases = bars
            .iter()
            .enumerate()
            .filter_map(|(i, b)| Some(bar(i, kib(b.base?), SKIP, 14, 3)));
        chart.draw_series(bases).map_err(plot_err)?;
        let now = bars.iter().enumerate().map(|(i, b)| {
            let color = match b.base {
                Some(base) if b.bytes > base => FAIL,
                Some(base) if b.bytes < base => PASS,
                _ => RGBColor(31, 119, 180),
            };
            let bottom = if b.base.is_some() { 13 } else { 3 };
            bar(i, kib(b.bytes), color, 3, bottom)
        });
        chart.draw_series(now).map_err(plot_err)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grown_part_is_red_beside_its_grey_base() {
        let svg = size_bars(
            "t",
            &[
                SizeBar {
                    label: "runtime".into(),
                    bytes: 30_000,
                    base: Some(20_000),
                },
                SizeBar {
                    label: "data".into(),
                    bytes: 10_000,
                    base: Some(12_000),
                },
            ],
        )
        .unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("fill=\"#C62828\""), "grown: red");
        assert!(svg.contains("fill=\"#2E7D32\""), "shrunk: green");
        assert!(svg.contains("fill=\"#8C8C8C\""), "base: grey");
        assert!(svg.contains("runtime") && svg.contains("data"));
    }
}
