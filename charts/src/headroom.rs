//! Headroom bars: one bar per record, its value as a share of the hard budget (100 % = the budget, red),
//! coloured by the gate's status, with the target (amber) marked.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use scenarios::summary::Status;

use crate::style::{
    plot_err, row_bar, row_mark, rows_chart, status_color, svg, RowAxes, Svg, FAIL, WARN,
};

/// One record's bar: values in the record's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub warn: Option<f64>,
    pub hard: Option<f64>,
    pub status: Status,
}

/// `value` as a share of the hard budget (1.0 = at the budget), when both are known.
pub fn share(value: Option<f64>, hard: Option<f64>) -> Option<f64> {
    match (value, hard) {
        (Some(v), Some(h)) if h > 0.0 => Some(v / h),
        _ => None,
    }
}

impl Bar {
    fn used(&self) -> Option<f64> {
        share(self.value, self.hard)
    }
}

/// The bars of `bars` under `title`, 100 % = the hard budget.
pub fn headroom(title: &str, bars: &[Bar]) -> Svg {
    let n = bars.len();
    let max = bars.iter().filter_map(Bar::used).fold(1.1_f64, f64::max) * 100.0;
    svg((820, 60 + 24 * n as u32), |root| {
        let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
        let axes = RowAxes {
            title,
            labels: &labels,
            label_width: 300,
            max,
            x_desc: Some("% of the hard budget"),
            x_label: &|v| format!("{v:.0} %"),
        };
        let mut chart = rows_chart(root, &axes)?;
        let filled = bars.iter().enumerate().filter_map(|(i, b)| {
            let used = b.used()? * 100.0;
            Some(row_bar(
                i,
                0.0,
                used.min(max),
                status_color(b.status),
                (4, 4),
            ))
        });
        chart.draw_series(filled).map_err(plot_err)?;
        let targets = bars.iter().enumerate().filter_map(|(i, b)| {
            let t = share(b.warn, b.hard)? * 100.0;
            Some(row_mark(i, t, WARN.stroke_width(3)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_record_coloured_by_status() {
        let bar = |label: &str, value, status| Bar {
            label: label.into(),
            value: Some(value),
            warn: Some(8.0),
            hard: Some(12.0),
            status,
        };
        let svg = headroom(
            "t",
            &[bar("a", 6.0, Status::Pass), bar("b", 13.0, Status::Fail)],
        )
        .unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("fill=\"#2E7D32\"") && svg.contains("fill=\"#C62828\""));
        assert_eq!(share(Some(6.0), Some(12.0)), Some(0.5));
        assert_eq!(share(Some(6.0), Some(0.0)), None);
    }
}
