//! The size attribution in the reports: per module the breakdown by size group and the largest
//! crates (HTML, bars from `charts`), and against a base what grew (HTML and a top-5 Markdown table).

use std::fmt::Write;

use charts::{size_bars, SizeBar};
use scenarios::attribution::{Change, ModuleAttribution, SizeDiff, TOP};

use super::markup::{esc, figure};
use super::model::View;
use super::ReportError;

/// Crates drawn per module.
const CRATES: usize = 10;

fn title(m: &ModuleAttribution) -> String {
    let p = m.profile.map(|p| p.to_string()).unwrap_or_default();
    format!("{p} {}", m.attribution.module)
}

fn group_bars(m: &ModuleAttribution) -> Vec<SizeBar> {
    let base = |name: &str| {
        let d = m.against.as_ref()?;
        d.groups.iter().find(|c| c.name == name).map(|c| c.base)
    };
    m.attribution
        .groups
        .iter()
        .map(|g| SizeBar {
            label: g.label.clone().unwrap_or_else(|| g.name.clone()),
            bytes: g.bytes,
            base: base(&g.name),
        })
        .collect()
}

fn crate_bars(m: &ModuleAttribution) -> Vec<SizeBar> {
    let base = |name: &str| {
        let d = m.against.as_ref().filter(|d| d.by_name)?;
        Some(
            d.crates.iter().find(|c| c.name == name).map_or(
                m.attribution
                    .crates
                    .iter()
                    .find(|c| c.name == name)
                    .map_or(0, |c| c.bytes),
                |c| c.base,
            ),
        )
    };
    m.attribution
        .crates
        .iter()
        .take(CRATES)
        .map(|c| SizeBar {
            label: c.name.clone(),
            bytes: c.bytes,
            base: base(&c.name),
        })
        .collect()
}

fn change_rows(title: &str, list: &[Change], out: &mut String) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h4>{}</h4><table><tr><th>name</th><th>base B</th><th>now B</th><th>change</th></tr>",
        esc(title)
    );
    for c in list {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:+}</td></tr>",
            esc(&c.name),
            c.base,
            c.candidate,
            c.delta
        );
    }
    out.push_str("</table>\n");
}

fn html_diff(m: &ModuleAttribution, d: &SizeDiff, out: &mut String) {
    let source = m.base_source.as_deref().unwrap_or("the base");
    let _ = writeln!(
        out,
        "<p>Against {}: raw {} → {} B ({:+}), gzip -9 {} → {} B ({:+}), data segments {:+} B.</p>",
        esc(source),
        d.total.base,
        d.total.candidate,
        d.total.delta,
        d.gzip_total.base,
        d.gzip_total.candidate,
        d.gzip_total.delta,
        d.data.delta
    );
    if !d.by_name {
        out.push_str(
            "<p class=\"note\">A side has no function names: compared by size group only.</p>\n",
        );
    }
    change_rows("grew most", &d.growers, out);
    change_rows("shrank most", &d.shrinkers, out);
    change_rows(
        &format!("new functions ({} in all)", d.new_count),
        &d.new_functions,
        out,
    );
    change_rows(
        &format!("removed functions ({} in all)", d.removed_count),
        &d.removed_functions,
        out,
    );
}

/// The HTML section: one breakdown per module, and the diff where there is a base.
pub fn html(view: &View<'_>, out: &mut String) -> Result<(), ReportError> {
    let sizes = &view.inputs.sizes;
    if sizes.is_empty() {
        return Ok(());
    }
    out.push_str("<h2 id=\"size-attribution\">What the bytes are</h2>\n<p class=\"muted\">Every byte of each measured module in one part: functions rolled up by crate and by the policy's size groups, data segments, custom sections and module structure; the parts add up to the raw size. Code that was inlined counts where it landed. Grey: the base build's bytes; red grew, green shrank. The gzip column is an estimate (what the part adds to gzip -9 of the whole).</p>\n");
    for m in sizes {
        let a = &m.attribution;
        let _ = writeln!(
            out,
            "<h3>{}</h3><p class=\"muted\">{} B raw, {} B gzip -9; names: {}</p>",
            esc(&title(m)),
            a.raw_bytes,
            a.gzip_bytes,
            esc(&a.names)
        );
        let svg = size_bars(&format!("{}: size groups", title(m)), &group_bars(m))?;
        out.push_str(&figure("size-groups", &svg, "bytes by size group"));
        if a.named {
            let svg = size_bars(&format!("{}: largest crates", title(m)), &crate_bars(m))?;
            out.push_str(&figure("size-crates", &svg, "bytes by crate"));
        }
        out.push_str(
            "<table><tr><th>size group</th><th>bytes</th><th>gzip -9 (estimate)</th></tr>\n",
        );
        for g in &a.groups {
            let gz = g.gzip_bytes_estimate.map_or("–".into(), |v| v.to_string());
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{gz}</td></tr>",
                esc(g.label.as_deref().unwrap_or(&g.name)),
                g.bytes
            );
        }
        out.push_str("</table>\n");
        if let Some(d) = &m.against {
            html_diff(m, d, out);
        }
    }
    Ok(())
}

/// One table row within the Markdown's 80 columns (a long name is cut: a wrapped row breaks the table).
fn md_row(c: &Change) -> String {
    let numbers = format!(" | {} | {} | {:+} |", c.base, c.candidate, c.delta);
    let room = 80usize.saturating_sub(numbers.chars().count() + 4);
    let name = if c.name.chars().count() <= room {
        c.name.clone()
    } else {
        let cut: String = c.name.chars().take(room.saturating_sub(1)).collect();
        format!("{cut}…")
    };
    format!("| `{name}`{numbers}")
}

/// The Markdown lines: per module with a base, the total change and the top growers (a short
/// table for a pull request comment); without a base, the runtime's share.
pub fn markdown(view: &View<'_>, out: &mut String) {
    for m in &view.inputs.sizes {
        let a = &m.attribution;
        match &m.against {
            Some(d)
                if d.total.delta != 0 || !d.growers.is_empty() || !d.new_functions.is_empty() =>
            {
                let _ = writeln!(
                    out,
                    "### Size: {} ({:+} B raw, {:+} B gzip -9)\n",
                    title(m),
                    d.total.delta,
                    d.gzip_total.delta
                );
                out.push_str("| grew | base B | now B | change |\n|---|---:|---:|---:|\n");
                let data = (d.data.delta > 0).then_some(&d.data);
                let mut rows: Vec<&Change> = d
                    .growers
                    .iter()
                    .chain(&d.new_functions)
                    .chain(data)
                    .collect();
                rows.sort_by_key(|c| -c.delta);
                for c in rows.into_iter().take(TOP) {
                    let _ = writeln!(out, "{}", md_row(c));
                }
                out.push('\n');
            }
            _ => {
                let parts: Vec<String> = a
                    .groups
                    .iter()
                    .map(|g| format!("{} {} B", g.label.as_deref().unwrap_or(&g.name), g.bytes))
                    .collect();
                let _ = writeln!(out, "- size of {}: {}\n", title(m), parts.join(" · "));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_markdown_row_stays_within_80_columns() {
        let c = Change {
            name: "core::ptr::drop_in_place<alloc::vec::Vec<scenarios::wire::WireResult>>"
                .repeat(2),
            base: 1_000_000,
            candidate: 2_000_000,
            delta: 1_000_000,
        };
        let row = md_row(&c);
        assert!(row.chars().count() <= 80, "{row}");
        assert!(
            row.ends_with("| 1000000 | 2000000 | +1000000 |") && row.contains('…'),
            "{row}"
        );
        let short = Change {
            name: "a::b".into(),
            ..c
        };
        assert_eq!(md_row(&short), "| `a::b` | 1000000 | 2000000 | +1000000 |");
    }
}
