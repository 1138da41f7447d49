//! `wasm_budget_report.html`: one self-contained page (inline CSS and SVG, no script, a CSP that
//! forbids any fetch): the verdict, every record against its budget, per-seed distributions, cold-init
//! phases, sizes, history, the baseline comparison and provenance. Sections live in `sections.rs`.

use std::fmt::Write;

use scenarios::summary::Status;

use super::inputs::Verdict;
use super::markup::{esc, figure, grouped, status_cell};
use super::model::{shown, verdict_words, View};
use super::plots;
use super::sections;
use super::ReportError;

const STYLE: &str = "
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#222}
h1{font-size:22px;margin:0 0 8px}h2{margin-top:32px;border-bottom:1px solid #ddd}h3{margin:18px 0 6px}
.verdict{padding:14px 18px;border-radius:6px;color:#fff;font-size:20px;font-weight:600}
.v-pass{background:#2e7d32}.v-warn{background:#e67800}.v-fail,.v-policy_error{background:#c62828}
.counts span{display:inline-block;margin-right:14px}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.s-pass{color:#2e7d32;font-weight:600}.s-warn{color:#e67800;font-weight:600}
.s-fail{color:#c62828;font-weight:600}.s-skip{color:#777}
figure.chart{margin:8px 0}figure.chart svg{max-width:100%;height:auto;border:1px solid #eee}
.grid{display:flex;flex-wrap:wrap;gap:8px}.grid figure.chart{flex:1 1 480px}
.note{background:#fff8e1;border-left:4px solid #e67800;padding:6px 10px;margin:6px 0}
code{font-size:12px}.muted{color:#777}details{margin:6px 0}summary{cursor:pointer;font-weight:600}
";

/// The whole page.
pub fn page(view: &View<'_>) -> Result<String, ReportError> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>wasm budgets: {}</title><style>{STYLE}</style></head><body>\n",
        esc(verdict_words(view.verdict))
    );
    verdict(view, &mut out);
    budgets(view, &mut out)?;
    super::adapters::html(view, &mut out);
    sections::distributions(view, &mut out)?;
    sections::phases(view, &mut out)?;
    sections::sizes(view, &mut out)?;
    super::attribution::html(view, &mut out)?;
    sections::history(view, &mut out)?;
    sections::baseline(view, &mut out);
    sections::provenance(view, &mut out);
    out.push_str("</body></html>\n");
    Ok(out)
}

/// The verdict first: banner, counts, breaches, the gate's errors and warnings, notes on the inputs.
fn verdict(view: &View<'_>, out: &mut String) {
    let class = match view.verdict {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
        Verdict::PolicyError => "policy_error",
    };
    let _ = write!(
        out,
        "<h1>wasm budgets report</h1><div class=\"verdict v-{class}\" id=\"verdict\">Verdict: {}</div>\n<p class=\"counts\">",
        esc(verdict_words(view.verdict))
    );
    for s in [Status::Fail, Status::Warn, Status::Pass, Status::Skip] {
        let _ = write!(out, "<span class=\"s-{s}\">{} {s}</span>", view.count(s));
    }
    out.push_str("</p>\n");
    let breaches = view.breaches();
    if !breaches.is_empty() {
        out.push_str("<h3>Breaches</h3><table><tr><th>status</th><th>record</th><th>value</th><th>why</th></tr>\n");
        for r in breaches {
            let _ = writeln!(
                out,
                "<tr>{}<td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                status_cell(r.status),
                esc(&r.key.to_string()),
                esc(&shown(r.record.value, r.unit())),
                esc(&r.why())
            );
        }
        out.push_str("</table>\n");
    }
    let (errors, warnings) = view.gate_messages();
    for e in errors {
        let _ = writeln!(out, "<p class=\"note\">policy error: {}</p>", esc(e));
    }
    for w in warnings.iter().chain(&view.notes) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(w));
    }
}

/// Every record against its budget: a headroom chart and a table per environment × profile.
fn budgets(view: &View<'_>, out: &mut String) -> Result<(), ReportError> {
    out.push_str("<h2 id=\"budgets\">Every record against its budget</h2>\n<p class=\"muted\">Bars: the value as a share of the hard budget (red line at 100 %), coloured by status; the amber tick is the target (operational metrics).</p>\n");
    for (group, rows) in grouped(view) {
        let _ = writeln!(out, "<h3>{}</h3>", esc(&group));
        let svg = plots::headroom(&group, &rows)?;
        out.push_str(&figure(
            "headroom",
            &svg,
            &format!("{group}: share of each hard budget used"),
        ));
        out.push_str("<table><tr><th>metric</th><th>scenario</th><th>value</th><th>target</th><th>hard</th><th>used</th><th>status</th><th>why</th></tr>\n");
        for r in rows {
            let used = r.used_text();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\" title=\"{}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{used}</td>{}<td>{}</td></tr>",
                r.key.metric_id,
                esc(&super::model::scenario(&r.key).unwrap_or_else(|| "module".into())),
                r.record.value.map_or("-".to_owned(), |v| format!("{v} {}", r.unit())),
                esc(&shown(r.record.value, r.unit())),
                esc(&shown(r.record.threshold_warn, r.unit())),
                esc(&shown(r.record.threshold_hard, r.unit())),
                status_cell(r.status),
                esc(&r.why())
            );
        }
        out.push_str("</table>\n");
    }
    Ok(())
}
