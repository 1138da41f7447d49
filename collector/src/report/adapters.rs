//! Adapters side by side: where one summary holds records of two or more adapter crates (runs merged
//! with `collector merge`), each metric, profile, environment and scenario with one value per adapter,
//! and each adapter's value against the first one's.

use std::collections::BTreeMap;
use std::fmt::Write;

use scenarios::summary::RecordKey;

use super::markup::{esc, status_cell};
use super::model::{Row, View};
use crate::units::human;

/// The comparison: the adapters (crate names, sorted) and, per key without its adapter, each
/// adapter's row (None where that adapter has no such record).
pub struct SideBySide<'v, 'a> {
    pub adapters: Vec<String>,
    pub lines: BTreeMap<RecordKey, Vec<Option<&'v Row<'a>>>>,
}

/// The side-by-side comparison, when the view's records name two or more adapter crates.
pub fn side_by_side<'v, 'a>(view: &'v View<'a>) -> Option<SideBySide<'v, 'a>> {
    let adapters = view.adapters().to_vec();
    if adapters.len() < 2 {
        return None;
    }
    let mut lines: BTreeMap<RecordKey, Vec<Option<&Row<'a>>>> = BTreeMap::new();
    for r in &view.rows {
        let Some(i) = r
            .key
            .adapter
            .as_ref()
            .and_then(|a| adapters.iter().position(|x| x == a))
        else {
            continue;
        };
        lines
            .entry(r.key.without_adapter())
            .or_insert_with(|| vec![None; adapters.len()])[i] = Some(r);
    }
    Some(SideBySide { adapters, lines })
}

/// `value / first adapter's value` as `×1.83`, when both are measured and the first is above 0.
fn ratio(first: Option<&Row<'_>>, this: Option<&Row<'_>>) -> String {
    match (
        first.and_then(|r| r.record.value),
        this.and_then(|r| r.record.value),
    ) {
        (Some(a), Some(b)) if a > 0.0 => format!("×{:.2}", b / a),
        _ => "-".to_owned(),
    }
}

fn cell(r: Option<&Row<'_>>) -> String {
    r.and_then(|r| r.record.value.map(|v| human(v, r.unit())))
        .unwrap_or_else(|| "-".to_owned())
}

fn what(key: &RecordKey) -> String {
    let m = key.metric_id.as_str().trim_start_matches("M-PERF-");
    let s = super::model::scenario(key).unwrap_or_else(|| "module".into());
    format!("{m} {} {} {s}", key.profile, key.environment)
}

/// [`what`] in few columns, so a row of two adapters fits the Markdown summary's 80.
fn short(key: &RecordKey) -> String {
    let m = key.metric_id.as_str().trim_start_matches("M-PERF-");
    let s = super::model::short_scenario(key);
    let env = key.environment.to_string();
    let env = env.trim_start_matches("desktop-");
    format!("{m} {s} {} {env}", key.profile)
}

/// The HTML section (nothing for a single adapter).
pub fn html(view: &View<'_>, out: &mut String) {
    let Some(s) = side_by_side(view) else { return };
    out.push_str("<h2 id=\"adapters\">Adapters side by side</h2>\n<p class=\"muted\">One value per adapter crate for each metric, profile, environment and scenario, and each against the first adapter's (×: its value over the first's). Each adapter is judged against the budgets on its own, and its streaks and baselines are its own.</p>\n<table><tr><th>metric</th>");
    for (i, a) in s.adapters.iter().enumerate() {
        let _ = write!(out, "<th>{}</th><th>status</th>", esc(a));
        if i > 0 {
            let _ = write!(out, "<th>× {}</th>", esc(&s.adapters[0]));
        }
    }
    out.push_str("</tr>\n");
    for (key, rows) in &s.lines {
        let _ = write!(out, "<tr><td>{}</td>", esc(&what(key)));
        for (i, r) in rows.iter().enumerate() {
            let status = r.map_or("<td>-</td>".to_owned(), |r| status_cell(r.status));
            let _ = write!(out, "<td class=\"n\">{}</td>{status}", esc(&cell(*r)));
            if i > 0 {
                let _ = write!(out, "<td class=\"n\">{}</td>", ratio(rows[0], *r));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

/// The Markdown section (nothing for a single adapter).
pub fn markdown(view: &View<'_>, out: &mut String) {
    let Some(s) = side_by_side(view) else { return };
    out.push_str("### Adapters side by side\n\nEach adapter judged on its own; ×: its value over the first's.\n\n| metric |");
    for (i, a) in s.adapters.iter().enumerate() {
        let _ = write!(out, " {a} |");
        if i > 0 {
            out.push_str(" × first |");
        }
    }
    out.push_str("\n|---|");
    for i in 0..s.adapters.len() {
        out.push_str(if i > 0 { "---:|---:|" } else { "---:|" });
    }
    out.push('\n');
    for (key, rows) in &s.lines {
        let _ = write!(out, "| {} |", short(key));
        for (i, r) in rows.iter().enumerate() {
            let _ = write!(out, " {} |", cell(*r));
            if i > 0 {
                let _ = write!(out, " {} |", ratio(rows[0], *r));
            }
        }
        out.push('\n');
    }
    out.push('\n');
}
