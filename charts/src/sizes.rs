//! Size bars: bytes per part of a module (its size groups, its largest crates), and with a base
//! build the base's bytes beside each bar, so what grew is seen at once; and whole modules' sizes
//! against their hard budgets.

use plotters::prelude::*;

use scenarios::summary::Status;
use scenarios::Unit;

use crate::style::{
    plot_err, row_bar, row_mark, rows_chart, status_color, svg, RowAxes, Svg, FAIL, PASS, SKIP,
};
use crate::units::{human_in, scale_for};

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
        let bases = bars
            .iter()
            .enumerate()
            .filter_map(|(i, b)| Some(row_bar(i, 0.0, kib(b.base?), SKIP, (14, 3))));
        chart.draw_series(bases).map_err(plot_err)?;
        let now = bars.iter().enumerate().map(|(i, b)| {
            let color = match b.base {
                Some(base) if b.bytes > base => FAIL,
                Some(base) if b.bytes < base => PASS,
                _ => RGBColor(31, 119, 180),
            };
            let bottom = if b.base.is_some() { 13 } else { 3 };
            row_bar(i, 0.0, kib(b.bytes), color, (3, bottom))
        });
        chart.draw_series(now).map_err(plot_err)?;
        Ok(())
    })
}

/// One module's size (bytes) coloured by the gate's status, with its hard budget.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleSize {
    pub label: String,
    pub bytes: Option<f64>,
    pub hard: Option<f64>,
    pub status: Status,
}

/// One bar per module under `title`, each with its hard budget (red), bytes scaled for people.
pub fn module_sizes(title: &str, modules: &[ModuleSize]) -> Svg {
    let n = modules.len();
    let max = modules
        .iter()
        .flat_map(|m| [m.bytes, m.hard])
        .flatten()
        .fold(1.0, f64::max)
        * 1.1;
    let scale = scale_for(max, Unit::Bytes);
    let labels: Vec<String> = modules.iter().map(|m| m.label.clone()).collect();
    svg((820, 70 + 30 * n as u32), |root| {
        let axes = RowAxes {
            title,
            labels: &labels,
            label_width: 160,
            max,
            x_desc: None,
            x_label: &|v| human_in(*v, scale),
        };
        let mut chart = rows_chart(root, &axes)?;
        let bars = modules
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some(row_bar(i, 0.0, m.bytes?, status_color(m.status), (5, 5))));
        chart.draw_series(bars).map_err(plot_err)?;
        let budgets = modules
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some(row_mark(i, m.hard?, FAIL.stroke_width(3))));
        chart.draw_series(budgets).map_err(plot_err)?;
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

    #[test]
    fn a_module_bar_per_size_with_its_budget() {
        let m = |label: &str, bytes, status| ModuleSize {
            label: label.into(),
            bytes,
            hard: Some(200_000.0),
            status,
        };
        let svg = module_sizes(
            "sizes",
            &[
                m("core-min raw", Some(150_000.0), Status::Pass),
                m("core-min gzip -9", Some(210_000.0), Status::Fail),
                m("full-dev raw", None, Status::Skip),
            ],
        )
        .unwrap();
        for label in ["core-min raw", "core-min gzip -9", "full-dev raw", "KiB"] {
            assert!(svg.contains(label), "{label}");
        }
        assert!(svg.contains("fill=\"#2E7D32\"") && svg.contains("fill=\"#C62828\""));
        assert_eq!(
            svg.matches("stroke=\"#C62828\"").count(),
            3,
            "one budget per module"
        );
        assert!(module_sizes("none", &[]).unwrap().starts_with("<svg"));
    }
}
