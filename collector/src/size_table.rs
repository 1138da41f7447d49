//! The size attribution as terminal tables: the breakdown by size group, the largest crates and
//! functions, and against a base the growers, shrinkers, new and removed functions.

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use scenarios::attribution::{Change, ModuleAttribution, PartKind, Share, SizeDiff};

/// Rows of the largest crates and functions shown.
const ROWS: usize = 8;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    t
}

fn pct(part: u64, whole: u64) -> String {
    format!("{:.1} %", 100.0 * part as f64 / whole.max(1) as f64)
}

fn signed(v: i64) -> String {
    format!("{v:+}")
}

/// A name cut to `n` characters, so a monomorphized name does not push the table off the screen.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let cut: String = s.chars().take(n - 1).collect();
    format!("{cut}…")
}

fn shares(title: &str, list: &[Share], whole: u64, rows: usize) -> String {
    let mut t = table(&[title, "bytes", "share", "gzip -9 (est.)"]);
    for s in list.iter().take(rows) {
        let name = s.label.as_deref().unwrap_or(&s.name);
        let gz = s.gzip_bytes_estimate.map_or("–".into(), |g| g.to_string());
        t.add_row(vec![
            short(name, 60),
            s.bytes.to_string(),
            pct(s.bytes, whole),
            gz,
        ]);
    }
    format!("{t}\n")
}

/// The attribution of one module: groups, largest crates and functions, and the diff if any.
pub fn attribution(m: &ModuleAttribution) -> String {
    let a = &m.attribution;
    let profile = m.profile.map(|p| format!("{p} ")).unwrap_or_default();
    let mut out = format!(
        "size attribution of {profile}{}: {} B raw, {} B gzip -9\n  names: {}\n",
        a.module, a.raw_bytes, a.gzip_bytes, a.names
    );
    out += &shares("size group", &a.groups, a.raw_bytes, usize::MAX);
    if a.named {
        out += &shares("crate", &a.crates, a.raw_bytes, ROWS);
    }
    let mut t = table(&["largest functions", "bytes"]);
    for p in a
        .parts
        .iter()
        .filter(|p| p.kind == PartKind::Function)
        .take(ROWS)
    {
        t.add_row(vec![short(&p.name, 90), p.bytes.to_string()]);
    }
    out += &format!("{t}\n");
    if let Some(d) = &m.against {
        out += &diff(d, m.base_source.as_deref().unwrap_or("the base"));
    }
    out
}

fn changes(title: &str, list: &[Change]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut t = table(&[title, "base", "now", "change"]);
    for c in list {
        t.add_row(vec![
            short(&c.name, 80),
            c.base.to_string(),
            c.candidate.to_string(),
            signed(c.delta),
        ]);
    }
    format!("{t}\n")
}

/// What changed against the base.
pub fn diff(d: &SizeDiff, source: &str) -> String {
    let mut out = format!(
        "against {source}: raw {} → {} B ({}), gzip -9 {} → {} B ({}), data segments {}\n",
        d.total.base,
        d.total.candidate,
        signed(d.total.delta),
        d.gzip_total.base,
        d.gzip_total.candidate,
        signed(d.gzip_total.delta),
        signed(d.data.delta),
    );
    if !d.by_name {
        out += "  (a side has no function names: compared by size group only)\n";
    }
    let groups: Vec<Change> = d.groups.iter().filter(|c| c.delta != 0).cloned().collect();
    out += &changes("size group", &groups);
    out += &changes("crate", &d.crates[..d.crates.len().min(ROWS)]);
    out += &changes("grew most", &d.growers);
    out += &changes("shrank most", &d.shrinkers);
    out += &changes(
        &format!("new functions ({} in all)", d.new_count),
        &d.new_functions,
    );
    out += &changes(
        &format!("removed functions ({} in all)", d.removed_count),
        &d.removed_functions,
    );
    out
}

/// What grew, for the terminal at the end of a gated run: for each profile whose size record
/// failed, warned or regressed, its diff against the base (or its breakdown without one), read
/// from `wasm_size_attribution.json` in `artifacts` when that file is this run's (its raw size is
/// the record's). Empty when every size passed.
pub fn explain(
    artifacts: &std::path::Path,
    report: &scenarios::gate::GateReport,
    records: &[scenarios::summary::Record],
) -> String {
    use scenarios::summary::Status;
    let mut profiles: Vec<scenarios::Profile> = report
        .results
        .iter()
        .filter(|r| r.key.metric_id.is_size() && matches!(r.status, Status::Fail | Status::Warn))
        .map(|r| r.key.profile)
        .chain(
            report
                .regressions
                .iter()
                .filter(|r| r.key.metric_id.is_size() && r.status != Status::Pass)
                .map(|r| r.key.profile),
        )
        .collect();
    profiles.sort();
    profiles.dedup();
    if profiles.is_empty() {
        return String::new();
    }
    let path = crate::documents::Document::SizeAttribution.in_dir(artifacts);
    let Ok(file) = crate::attribute::read(&path) else {
        return format!(
            "(no size attribution in {}: `collector size FILE --attribute` explains a size)\n",
            path.display()
        );
    };
    let mut out = String::new();
    for p in profiles {
        let raw = records
            .iter()
            .find(|r| r.profile == p && r.metric_id == scenarios::MetricId::Perf01A)
            .and_then(|r| r.value);
        let found = file
            .modules
            .iter()
            .find(|m| m.profile == Some(p) && Some(m.attribution.raw_bytes as f64) == raw);
        match found {
            Some(m) => match &m.against {
                Some(d) => out += &diff(d, m.base_source.as_deref().unwrap_or("the base")),
                None => out += &attribution(m),
            },
            None => {
                out += &format!(
                    "(the size attribution in {} is not this run's {p})\n",
                    path.display()
                )
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use scenarios::attribution::{
        diff, Attribution, AttributionFile, ModuleAttribution, PartKind, RawPart,
    };
    use scenarios::gate::{GateReport, MetricResult, Verdict};
    use scenarios::records::{size_records, Module};
    use scenarios::summary::Status;
    use scenarios::{fixtures, Profile};

    fn module(extra: u64) -> Attribution {
        let part = |name: &str, bytes| RawPart {
            kind: PartKind::Function,
            name: name.into(),
            offset: 0,
            bytes,
            exported: false,
        };
        let parts = vec![part("harness_wasm::a", 60), part("tokio::b", 40 + extra)];
        Attribution::new("m.wasm", 100 + extra, 50, parts, (true, "n".into()), &[]).unwrap()
    }

    fn failing(raw: u64) -> (GateReport, Vec<scenarios::summary::Record>) {
        let m = Module {
            profile: Profile::CoreMin,
            raw_bytes: raw,
            gzip_bytes: 50,
            gzip: "gz",
            path: "m.wasm",
            attribution: None,
            adapter: None,
        };
        let recs = size_records(&fixtures::budgets(), &m, &Default::default()).unwrap();
        let result = MetricResult {
            key: recs[0].key(),
            value: Some(raw as f64),
            unit: recs[0].unit,
            threshold_warn: None,
            threshold_hard: Some(1.0),
            band: Status::Fail,
            status: Status::Fail,
            warn_streak: 0,
            reason: String::new(),
        };
        let report = GateReport {
            verdict: Verdict::Fail,
            results: vec![result],
            regressions: Vec::new(),
            no_baseline: Vec::new(),
            not_measured: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        };
        (report, recs)
    }

    #[test]
    fn a_failing_size_is_explained_by_what_grew_and_a_stale_file_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let (base, now) = (module(0), module(30));
        let file = AttributionFile {
            schema_version: crate::attribute::SCHEMA_VERSION,
            modules: vec![ModuleAttribution {
                profile: Some(Profile::CoreMin),
                against: Some(diff(&base, &now)),
                base_source: Some("the base".into()),
                attribution: now,
            }],
        };
        crate::attribute::write(
            &crate::documents::Document::SizeAttribution.in_dir(dir.path()),
            &file,
        )
        .unwrap();
        let (report, recs) = failing(130);
        let text = super::explain(dir.path(), &report, &recs);
        assert!(text.contains("against the base"), "{text}");
        assert!(text.contains("tokio::b") && text.contains("+30"), "{text}");
        let (report, recs) = failing(999);
        let text = super::explain(dir.path(), &report, &recs);
        assert!(text.contains("is not this run's"), "{text}");
        let mut passing = report.clone();
        passing.results[0].status = Status::Pass;
        assert_eq!(super::explain(dir.path(), &passing, &recs), "");
    }
}
