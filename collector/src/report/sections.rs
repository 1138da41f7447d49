//! The HTML report's later sections: per-seed distributions, cold-init phases, sizes, history,
//! the baseline comparison and provenance (with links to the raw files).

use std::collections::BTreeSet;
use std::fmt::Write;

use scenarios::summary::Status;
use scenarios::MetricId;

use super::history;
use super::markup::{esc, figure, grouped, is_runtime, status_cell};
use super::model::{Row, View};
use super::plots;
use super::ReportError;
use crate::units::{digits, human, signed_pct};

/// Per-seed CDFs of every runtime record whose raw samples were found.
pub fn distributions(view: &View<'_>, out: &mut String) -> Result<(), ReportError> {
    out.push_str("<h2 id=\"distributions\">Per-seed distributions</h2>\n<p class=\"muted\">Each line is one seed's per-operation values (cumulative, log axis); the vertical lines are the target (amber), the hard budget (red) and the record's value, the median of the seed p95s (black).</p>\n");
    let mut any = false;
    for (group, rows) in grouped(view) {
        let with: Vec<&&Row<'_>> = rows
            .iter()
            .filter(|r| is_runtime(r.key.metric_id) && !r.samples.is_empty())
            .collect();
        if with.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(
            out,
            "<details open><summary>{}</summary><div class=\"grid\">",
            esc(&group)
        );
        for r in with {
            let svg = plots::distribution(r)?;
            out.push_str(&figure("distribution", &svg, &r.key.to_string()));
        }
        out.push_str("</div></details>\n");
    }
    if !any {
        out.push_str("<p class=\"muted\">No raw wire results were found for these records (a size-only summary, or artifacts copied without <code>raw/</code>).</p>\n");
    }
    Ok(())
}

/// Cold-init phases as stacked bars per environment × profile × framework.
pub fn phases(view: &View<'_>, out: &mut String) -> Result<(), ReportError> {
    let rows: Vec<&Row<'_>> = view
        .rows
        .iter()
        .filter(|r| matches!(r.key.metric_id, MetricId::Perf02A | MetricId::Perf02B))
        .filter(|r| {
            r.record
                .detail
                .as_ref()
                .is_some_and(|d| !d.components_p95.is_empty())
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    out.push_str("<h2 id=\"phases\">Cold init phases</h2>\n<p class=\"muted\">Each phase's p95 (median over seeds); the bar's end is their sum, which can exceed the record's value (p95s do not add up exactly). Red: the hard budget.</p>\n");
    let svg = plots::phases(&rows)?;
    out.push_str(&figure(
        "phases",
        &svg,
        "cold init phases per environment × profile × framework",
    ));
    Ok(())
}

/// Raw and gzip sizes per profile against their budgets.
pub fn sizes(view: &View<'_>, out: &mut String) -> Result<(), ReportError> {
    let rows: Vec<&Row<'_>> = view
        .rows
        .iter()
        .filter(|r| r.key.metric_id.is_size() && r.record.value.is_some())
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    out.push_str("<h2 id=\"sizes\">Sizes</h2>\n");
    let svg = plots::sizes(&rows)?;
    out.push_str(&figure(
        "sizes",
        &svg,
        "module size (raw and gzip -9) per profile",
    ));
    Ok(())
}

/// Each key's value over the runs in the event log, with its target and hard lines.
pub fn history(view: &View<'_>, out: &mut String) -> Result<(), ReportError> {
    let events = &view.inputs.history;
    out.push_str(&format!(
        "<h2 id=\"history\">History</h2>\n<p class=\"muted\">From {} ({} events). Dots: the gate's status that run; lines: target and hard budget. The latest {} runs per key.</p>\n",
        esc(&view.inputs.sources.history.display().to_string()),
        events.len(),
        history::MAX_RUNS
    ));
    let mut any = false;
    for (group, rows) in grouped(view) {
        let charts: Vec<(&&Row<'_>, Vec<_>)> = rows
            .iter()
            .map(|r| (r, history::of_key(events, &r.key)))
            .filter(|(_, e)| !e.is_empty())
            .collect();
        if charts.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(
            out,
            "<details><summary>{} ({} keys)</summary><div class=\"grid\">",
            esc(&group),
            charts.len()
        );
        for (r, e) in charts {
            let svg = history::chart(r, &e)?;
            out.push_str(&figure(
                "history",
                &svg,
                &format!("{} over {} runs", r.key, e.len()),
            ));
        }
        out.push_str("</div></details>\n");
    }
    if !any {
        out.push_str("<p class=\"muted\">No event of these keys in the log yet.</p>\n");
    }
    Ok(())
}

/// The gate's baseline comparison, with each key's noise where it was measured.
pub fn baseline(view: &View<'_>, out: &mut String) {
    out.push_str("<h2 id=\"baseline\">Against the baseline</h2>\n");
    let regs = view.regressions();
    let gate = view.inputs.gate.as_ref();
    if regs.is_empty() && gate.is_none_or(|g| g.no_baseline.is_empty() && g.not_measured.is_empty())
    {
        out.push_str("<p class=\"muted\">No baseline was compared in this run (<code>--baseline F</code>).</p>\n");
        return;
    }
    out.push_str("<table><tr><th>record</th><th>baseline</th><th>current</th><th title=\"raw; at the baseline's machine speed (machine-speed reference now/then); or paired: the base measured beside the candidate in the same session, with the block bootstrap's 95 % interval\">compared</th><th>change</th><th>max</th><th>noise</th><th>status</th></tr>\n");
    for c in regs {
        let unit = c.key.metric_id.unit();
        let noise = c
            .noise_pct
            .map_or("unknown".to_owned(), |n| format!("{} %", digits(n)));
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} %</td><td class=\"n\">{noise}</td>{}</tr>",
            esc(&c.key.to_string()),
            esc(&human(c.baseline, unit)),
            esc(&human(c.current, unit)),
            esc(&crate::table::compared(c.paired.as_ref(), c.machine_slowdown)),
            esc(&signed_pct(c.regression_pct)),
            digits(c.max_regression_pct),
            status_cell(c.status)
        );
    }
    out.push_str("</table>\n");
    if let Some(g) = gate {
        for (what, keys) in [
            ("no baseline (measured now only)", &g.no_baseline),
            ("not measured (baseline only)", &g.not_measured),
        ] {
            if !keys.is_empty() {
                let list: Vec<String> = keys.iter().map(|k| esc(&k.to_string())).collect();
                let _ = writeln!(out, "<p><b>{what}:</b> {}</p>", list.join("; "));
            }
        }
    }
}

/// Where the figures came from: sessions, commits, commands, notes, and links to every file.
pub fn provenance(view: &View<'_>, out: &mut String) {
    out.push_str("<h2 id=\"provenance\">Provenance</h2>\n<table><tr><th>environment</th><th>profile</th><th>framework</th><th>browser</th><th>driver</th><th>device</th><th>CPU throttle</th><th>timer tick</th><th>isolated</th><th>protocol</th></tr>\n");
    let mut seen = BTreeSet::new();
    for r in &view.rows {
        let Some(d) = &r.record.detail else { continue };
        if d.browser.is_none() || !seen.insert((r.key.environment, r.key.profile, r.key.framework))
        {
            continue;
        }
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            r.key.environment,
            r.key.profile,
            r.key.framework.map_or("-".into(), |f| f.to_string()),
            esc(d.browser.as_deref().unwrap_or("-")),
            esc(d.browser_version.as_deref().unwrap_or("")),
            esc(d.driver_version.as_deref().unwrap_or("-")),
            esc(d.device.as_deref().unwrap_or("-")),
            d.cpu_throttle_rate.map_or("none".to_owned(), |t| format!("{t}×")),
            d.timer_tick_ns.map_or("-".to_owned(), |t| human(t / 1e3, scenarios::Unit::Microseconds)),
            d.cross_origin_isolated.map_or("-", |i| if i { "yes" } else { "no" }),
            if d.reduced_protocol == Some(true) { "REDUCED" } else { "full" }
        );
    }
    out.push_str("</table>\n");
    notes_and_agents(view, out);
    files(view, out);
}

/// Commits, exact commands, user agents and measurement notes, each once.
fn notes_and_agents(view: &View<'_>, out: &mut String) {
    let mut once = |title: &str, items: BTreeSet<String>| {
        if items.is_empty() {
            return;
        }
        let _ = write!(out, "<h3>{title}</h3><ul>");
        for i in items {
            let _ = write!(out, "<li><code>{}</code></li>", esc(&i));
        }
        out.push_str("</ul>\n");
    };
    let recs = || view.rows.iter().map(|r| r.record);
    once("Commit", recs().map(|r| r.commit.clone()).collect());
    once(
        "Exact command",
        recs().flat_map(|r| r.commands.iter().cloned()).collect(),
    );
    once(
        "User agents",
        recs()
            .filter_map(|r| r.detail.as_ref()?.user_agent.clone())
            .collect(),
    );
    once(
        "Measurement notes",
        recs()
            .filter_map(|r| r.detail.as_ref()?.cpu_throttle_note.clone())
            .collect(),
    );
}

/// Every file a record names, linked relative to the report.
fn files(view: &View<'_>, out: &mut String) {
    out.push_str("<details><summary>Files the records name (raw wire results, driver logs, modules)</summary><ul>\n");
    let mut seen = BTreeSet::new();
    for l in view.rows.iter().flat_map(|r| r.links) {
        if !seen.insert(&l.named) {
            continue;
        }
        if l.found {
            let _ = writeln!(
                out,
                "<li><a href=\"{}\">{}</a></li>",
                esc(&l.href),
                esc(&l.named)
            );
        } else {
            let _ = writeln!(
                out,
                "<li class=\"muted\">{} (not found)</li>",
                esc(&l.named)
            );
        }
    }
    out.push_str("</ul></details>\n");
    let skipped = view
        .rows
        .iter()
        .filter(|r| r.status == Status::Skip)
        .count();
    let _ = writeln!(out, "<p class=\"muted\">{} records, {skipped} skipped; exact values are in the JSON files beside this page.</p>", view.rows.len());
}
