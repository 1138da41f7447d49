//! `wasm_budget_bmf.json`: Bencher Metric Format, `{benchmark: {measure: {value, lower_value,
//! upper_value}}}`, one benchmark per measured record key, exact values in the record's unit.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use super::model::View;

/// One BMF metric: the record's value; for a folded record, the range of its seed p95s and value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_value: Option<f64>,
}

/// The measure slug of a record: its metric id and unit (`m-perf-04a-us`), so Bencher keeps each
/// metric's thresholds apart and every value in one measure has one unit.
fn measure(view_metric: scenarios::MetricId, unit: scenarios::Unit) -> String {
    format!("{}-{unit}", view_metric.as_str().to_ascii_lowercase())
}

/// The BMF document: skipped records (no value) are left out; Bencher requires a value.
pub fn json(view: &View<'_>) -> Result<String> {
    let mut doc: BTreeMap<String, BTreeMap<String, Metric>> = BTreeMap::new();
    for row in &view.rows {
        let Some(value) = row.record.value else {
            continue;
        };
        let seeds: Vec<f64> = row
            .record
            .detail
            .iter()
            .flat_map(|d| d.per_seed_p95.iter().map(|s| s.p95))
            .collect();
        // The bounds hold the value too (a confirmed record's value can be below its first seeds).
        let bound = |f: fn(f64, f64) -> f64| {
            (!seeds.is_empty()).then(|| seeds.iter().fold(value, |a, b| f(a, *b)))
        };
        doc.entry(format!("{}{}", row.key, view.adapter_suffix(&row.key)))
            .or_default()
            .insert(
                measure(row.key.metric_id, row.record.unit),
                Metric {
                    value,
                    lower_value: bound(f64::min),
                    upper_value: bound(f64::max),
                },
            );
    }
    let mut out = serde_json::to_string_pretty(&doc)?;
    out.push('\n');
    Ok(out)
}
