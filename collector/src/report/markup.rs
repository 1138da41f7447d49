//! Small HTML pieces every report section shares: escaping, chart figures, status cells, grouping.

use std::collections::BTreeMap;

use scenarios::summary::Status;
use scenarios::MetricId;

use super::model::{Row, View};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart in a `<figure>` the tests (and readers) can find by kind.
pub fn figure(kind: &str, svg: &str, caption: &str) -> String {
    format!(
        "<figure class=\"chart\" data-chart=\"{kind}\">{svg}<figcaption class=\"muted\">{}</figcaption></figure>\n",
        esc(caption)
    )
}

/// A status cell.
pub fn status_cell(s: Status) -> String {
    format!("<td class=\"s-{s}\">{}</td>", s.to_string().to_uppercase())
}

/// Rows grouped by environment × profile (and adapter crate, where the records name more than one),
/// in summary order within a group.
pub fn grouped<'v, 'a>(view: &'v View<'a>) -> BTreeMap<String, Vec<&'v Row<'a>>> {
    let mut by: BTreeMap<String, Vec<&Row<'a>>> = BTreeMap::new();
    for r in &view.rows {
        let adapter = view.adapter_suffix(&r.key);
        by.entry(format!("{} {}{adapter}", r.key.environment, r.key.profile))
            .or_default()
            .push(r);
    }
    by
}

/// Runtime metrics (per-seed samples exist for them).
pub fn is_runtime(m: MetricId) -> bool {
    !m.is_size()
}
