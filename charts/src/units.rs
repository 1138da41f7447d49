//! Numbers for people: the one unit-scaling rule every human output (terminal tables, HTML, Markdown)
//! uses. Times move to ns/µs/ms/s, bytes to B/KiB/MiB, so a value reads with 3 significant figures;
//! the JSON files keep the exact values. Also the short "why" of a status, in those units.

use scenarios::summary::Status;
use scenarios::{GateKind, Unit};

/// A display scale: divide a value in the record's unit by `div` and write `suffix` after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub div: f64,
    pub suffix: &'static str,
}

const TIME: [(f64, &str); 4] = [(1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")];
const BYTES: [(f64, &str); 4] = [
    (1.0, "B"),
    (1024.0, "KiB"),
    (1024.0 * 1024.0, "MiB"),
    (1024.0 * 1024.0 * 1024.0, "GiB"),
];

/// The scale that shows `magnitude` (in `unit`) with 1 to 3 digits before the point.
pub fn scale_for(magnitude: f64, unit: Unit) -> Scale {
    let m = magnitude.abs();
    match unit {
        Unit::Percent => Scale {
            div: 1.0,
            suffix: "%",
        },
        Unit::Bytes => pick(&BYTES, m, 1.0),
        time => pick(&TIME, m, time.nanos().unwrap_or(1.0)),
    }
}

/// Largest step of `steps` not above `m` (`m` in a unit worth `unit_base` of the steps' base unit).
fn pick(steps: &[(f64, &'static str)], m: f64, unit_base: f64) -> Scale {
    let base = m * unit_base;
    let (size, suffix) = steps
        .iter()
        .rev()
        .find(|(size, _)| base >= *size)
        .copied()
        .unwrap_or(steps[0]);
    Scale {
        div: size / unit_base,
        suffix,
    }
}

/// One value with its unit, scaled for reading: `273 ns`, `19.96 ms`, `315.5 KiB`, `4.2 %`.
pub fn human(value: f64, unit: Unit) -> String {
    human_in(value, scale_for(value, unit))
}

/// `value` in a given scale (so a row of values, or a value and its budget, share one unit).
pub fn human_in(value: f64, scale: Scale) -> String {
    format!("{} {}", digits(value / scale.div), scale.suffix)
}

/// An optional value (`-` when absent).
pub fn human_opt(value: Option<f64>, unit: Unit) -> String {
    value.map_or_else(|| "-".to_owned(), |v| human(v, unit))
}

/// Three significant figures, no exponent, trailing zeros kept only up to the point (`1.50` → `1.5`).
pub fn digits(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    let a = v.abs();
    let decimals = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        (2 - a.log10().floor() as i32).clamp(0, 9) as usize
    };
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A signed percentage change for people: `+3.2 %`, `-0.41 %`.
pub fn signed_pct(v: f64) -> String {
    let s = digits(v);
    if v > 0.0 {
        format!("+{s} %")
    } else {
        format!("{s} %")
    }
}

/// What a short "why" is made of.
#[derive(Debug, Clone)]
pub struct Why<'a> {
    pub value: Option<f64>,
    pub unit: Unit,
    pub kind: GateKind,
    pub warn: Option<f64>,
    pub hard: Option<f64>,
    pub band: Status,
    pub status: Status,
    pub streak: u32,
    pub skip_reason: Option<&'a str>,
}

/// A short reason in scaled units: `≤ hard 60 ms`, `warn band 8 µs–12 µs (1 in a row)`.
pub fn why(w: &Why<'_>) -> String {
    let hard = human_opt(w.hard, w.unit);
    let target = human_opt(w.warn.or(w.hard), w.unit);
    match (w.status, w.band, w.kind) {
        (Status::Skip, _, _) => w.skip_reason.unwrap_or("not measured").to_owned(),
        (Status::Pass, _, GateKind::Hard) => format!("≤ hard {hard}"),
        (Status::Pass, _, GateKind::Operational) => format!("≤ target {target}"),
        (Status::Warn, _, _) => format!("warn band {target}–{hard}, {} in a row", w.streak.max(1)),
        (Status::Fail, Status::Warn, _) => {
            format!("warn {} times in a row ({target}–{hard})", w.streak.max(2))
        }
        (Status::Fail, _, _) => match w.value {
            Some(v) if w.hard.is_some_and(|h| v > h) => format!("> hard {hard}"),
            _ => "regressed against the baseline".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_move_to_the_readable_unit() {
        assert_eq!(human(0.000273, Unit::Milliseconds), "273 ns");
        assert_eq!(human(0.087, Unit::Microseconds), "87 ns");
        assert_eq!(human(19.955711, Unit::Milliseconds), "20 ms");
        assert_eq!(human(1.5, Unit::Milliseconds), "1.5 ms");
        assert_eq!(human(8.0, Unit::Microseconds), "8 µs");
        assert_eq!(human(1500.0, Unit::Milliseconds), "1.5 s");
        assert_eq!(human(0.0, Unit::Milliseconds), "0 ns");
    }

    #[test]
    fn bytes_use_binary_multiples_and_percent_stays() {
        assert_eq!(human(323105.0, Unit::Bytes), "316 KiB");
        assert_eq!(human(665600.0, Unit::Bytes), "650 KiB");
        assert_eq!(human(512.0, Unit::Bytes), "512 B");
        assert_eq!(human(3.0 * 1024.0 * 1024.0, Unit::Bytes), "3 MiB");
        assert_eq!(human(4.25, Unit::Percent), "4.25 %");
        assert_eq!(human(-1.5, Unit::Percent), "-1.5 %");
    }

    #[test]
    fn a_shared_scale_keeps_a_row_in_one_unit() {
        let s = scale_for(60.0, Unit::Milliseconds);
        assert_eq!(human_in(0.5, s), "0.5 ms");
        assert_eq!(human_in(60.0, s), "60 ms");
    }

    #[test]
    fn digits_are_three_significant_figures() {
        assert_eq!(digits(0.00027300), "0.000273");
        assert_eq!(digits(101.97), "102");
        assert_eq!(digits(12.34), "12.3");
        assert_eq!(digits(1.004), "1");
        assert_eq!(signed_pct(3.21), "+3.21 %");
    }
}
