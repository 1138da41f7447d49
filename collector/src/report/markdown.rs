//! `wasm_budget_summary.md`: a short Markdown summary for a PR comment or `$GITHUB_STEP_SUMMARY`,
//! breaches first, then one compact line per environment × profile, every line within 80 columns.

use std::fmt::Write;

use scenarios::summary::Status;

use super::model::{short_scenario, shown, verdict_words, View};
use crate::documents::Output;
use crate::units::{digits, signed_pct};

/// Lines longer than this are cut (with `…`).
pub const WIDTH: usize = 80;

/// The Markdown summary.
pub fn summary(view: &View<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## wasm budgets: {}\n", verdict_words(view.verdict));
    let _ = writeln!(
        out,
        "{} fail · {} warn · {} pass · {} skip, commit {}\n",
        view.count(Status::Fail),
        view.count(Status::Warn),
        view.count(Status::Pass),
        view.count(Status::Skip),
        commits(view)
    );
    let breaches = view.breaches();
    if !breaches.is_empty() {
        out.push_str("### Breaches\n\n");
        for r in breaches {
            let adapter = view.adapter_suffix(&r.key);
            let _ = writeln!(
                out,
                "- **{}** {} {} {}{adapter}",
                r.status.to_string().to_uppercase(),
                r.label(),
                r.key.profile,
                r.key.environment
            );
            let _ = writeln!(out, "  {}: {}", shown(r.record.value, r.unit()), r.why());
        }
        out.push('\n');
    }
    regressions(view, &mut out);
    super::adapters::markdown(view, &mut out);
    super::attribution::markdown(view, &mut out);
    let (errors, warnings) = view.gate_messages();
    for e in errors {
        let _ = writeln!(out, "- policy error: {e}");
    }
    for w in warnings.iter().chain(&view.notes) {
        let _ = writeln!(out, "- note: {w}");
    }
    groups(view, &mut out);
    let html = Output::Html.file_name();
    let _ = writeln!(out, "\nPlots, history and provenance: `{html}`.");
    fit(&out)
}

fn commits(view: &View<'_>) -> String {
    let mut c: Vec<String> = view
        .rows
        .iter()
        .map(|r| r.record.commit.chars().take(12).collect())
        .collect();
    c.sort();
    c.dedup();
    if c.is_empty() {
        "-".into()
    } else {
        c.join(", ")
    }
}

fn regressions(view: &View<'_>, out: &mut String) {
    let bad: Vec<_> = view
        .regressions()
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    if bad.is_empty() {
        return;
    }
    out.push_str("### Against the baseline\n\n");
    for c in bad {
        let noise = c
            .noise_pct
            .map_or(String::new(), |n| format!(", noise {} %", digits(n)));
        let machine = match (&c.paired, c.machine_slowdown) {
            (None, None) => String::new(),
            (p, m) => format!(", {}", crate::table::compared(p.as_ref(), m)),
        };
        let _ = writeln!(
            out,
            "- **{}** {}",
            c.status.to_string().to_uppercase(),
            c.key
        );
        let _ = writeln!(
            out,
            "  {} (max {} %{noise}{machine})",
            signed_pct(c.regression_pct),
            digits(c.max_regression_pct)
        );
    }
    out.push('\n');
}

/// One table per environment × profile: metric, scenario, value, hard budget, share used, status.
fn groups(view: &View<'_>, out: &mut String) {
    let by = super::markup::grouped(view);
    let _ = writeln!(
        out,
        "\n<details><summary>All {} records</summary>\n",
        view.rows.len()
    );
    for (group, rows) in by {
        let _ = writeln!(out, "**{group}**\n");
        out.push_str("| metric | scenario | value | hard | used | status |\n");
        out.push_str("|---|---|--:|--:|--:|---|\n");
        for r in rows {
            let used = r.used_text();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {used} | {} |",
                r.key.metric_id.as_str().trim_start_matches("M-PERF-"),
                short_scenario(&r.key),
                shown(r.record.value, r.unit()),
                shown(r.record.threshold_hard, r.unit()),
                r.status
            );
        }
        out.push('\n');
    }
    out.push_str("</details>\n");
}

/// Wraps list items and cuts other lines so every line is within [`WIDTH`] columns (table rows stay whole).
fn fit(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        // A table row cannot wrap and stay a row.
        if line.chars().count() <= WIDTH || line.starts_with('|') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = if line.starts_with("- ") || line.starts_with("  ") {
            "  "
        } else {
            ""
        };
        let mut cur = String::new();
        for word in line.split(' ') {
            let next = cur.chars().count() + 1 + word.chars().count();
            if !cur.trim().is_empty() && next > WIDTH {
                out.push_str(cur.trim_end());
                out.push('\n');
                cur = indent.to_owned();
            } else if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        let last: String = cur.chars().take(WIDTH).collect();
        out.push_str(last.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_within_80_columns() {
        let long = format!("- note: {}", "word ".repeat(40));
        let fitted = fit(&long);
        assert!(
            fitted.lines().all(|l| l.chars().count() <= WIDTH),
            "{fitted}"
        );
        assert_eq!(
            fitted.split_whitespace().count(),
            long.split_whitespace().count()
        );
        let unbroken = "x".repeat(200);
        assert!(fit(&unbroken).lines().all(|l| l.chars().count() <= WIDTH));
    }
}
