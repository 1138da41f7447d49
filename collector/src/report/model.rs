//! The report's view of a run: each record joined with the gate's judgement of it (status, streak,
//! reason), its headroom to the budget, and the overall verdict every output leads with.

use scenarios::summary::{Record, RecordKey, Status};
use scenarios::{Framework, Unit, Workload};

use super::inputs::{Inputs, Linked, MetricResult, Regression, SeedSamples, Verdict};
use crate::units::{human, why, Why};

/// One record as every output shows it.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub record: &'a Record,
    pub key: RecordKey,
    /// The gate's status when its report judged this very value, else the summary's.
    pub status: Status,
    pub band: Status,
    pub warn_streak: u32,
    /// The gate's own words (exact values), when it judged the record.
    pub reason: Option<&'a str>,
    pub samples: &'a [SeedSamples],
    pub links: &'a [Linked],
}

impl Row<'_> {
    pub fn unit(&self) -> Unit {
        self.record.unit
    }

    /// `value / hard threshold` (1.0 = at the budget), when both exist and the budget is positive.
    pub fn used(&self) -> Option<f64> {
        charts::headroom::share(self.record.value, self.record.threshold_hard)
    }

    /// [`Row::used`] for people: `41.2 %`, or `-` when there is no value or hard budget.
    pub fn used_text(&self) -> String {
        self.used().map_or("-".to_owned(), |u| {
            format!("{} %", crate::units::digits(u * 100.0))
        })
    }

    /// `metric scenario`, short: `04A vanilla-js/steady-throughput`.
    pub fn label(&self) -> String {
        let m = self.key.metric_id.as_str().trim_start_matches("M-PERF-");
        match scenario(&self.key) {
            Some(s) => format!("{m} {s}"),
            None => m.to_owned(),
        }
    }

    /// Why the row has its status, in scaled units (the gate's reason keeps the exact ones).
    pub fn why(&self) -> String {
        why(&Why {
            value: self.record.value,
            unit: self.record.unit,
            kind: self.key.metric_id.gate_kind(),
            warn: self.record.threshold_warn,
            hard: self.record.threshold_hard,
            band: self.band,
            status: self.status,
            streak: self.warn_streak,
            skip_reason: self
                .record
                .detail
                .as_ref()
                .and_then(|d| d.skip_reason.as_deref())
                .or(self.reason),
        })
    }
}

/// `framework/workload`, or the workload alone, or nothing (size records).
pub fn scenario(key: &RecordKey) -> Option<String> {
    match (key.framework, key.workload) {
        (Some(f), Some(w)) => Some(format!("{f}/{w}")),
        (None, Some(w)) => Some(w.to_string()),
        _ => None,
    }
}

/// Short names so a table row fits 80 columns.
pub fn short_scenario(key: &RecordKey) -> String {
    let f = key.framework.map(|f| match f {
        Framework::VanillaJs => "vanilla",
        Framework::TypescriptSdk => "ts-sdk",
        Framework::React => "react",
        Framework::Nextjs => "next",
    });
    let w = key.workload.map(|w| match w {
        Workload::ColdStart => "cold",
        Workload::SteadyThroughput => "steady",
        Workload::CancellationStorm => "cancel",
        Workload::StreamingIo => "stream",
        Workload::MemoryPressure => "memory",
    });
    match (f, w) {
        (Some(f), Some(w)) => format!("{f}/{w}"),
        (None, Some(w)) => w.to_owned(),
        _ => "module".to_owned(),
    }
}

/// The view of the whole run.
#[derive(Debug)]
pub struct View<'a> {
    pub inputs: &'a Inputs,
    pub rows: Vec<Row<'a>>,
    pub verdict: Verdict,
    /// The adapter crates the records name, sorted (counted once: every row's name may ask).
    adapters: Vec<String>,
    /// Things the reader must know about the inputs (a missing or stale gate report, missing raw files).
    pub notes: Vec<String>,
}

impl<'a> View<'a> {
    pub fn new(inputs: &'a Inputs) -> View<'a> {
        let mut notes = Vec::new();
        let gate = inputs.gate.as_ref();
        if gate.is_none() {
            notes.push(format!(
                "no regression report at {}: statuses are the summary's own (no warn streaks, no baseline)",
                inputs.sources.gate_report.display()
            ));
        }
        let mut stale = 0;
        let rows: Vec<Row<'a>> = inputs
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let key = r.key();
                let judged = gate.and_then(|g| judged(&g.results, &key, r));
                if gate.is_some() && judged.is_none() {
                    stale += 1;
                }
                Row {
                    record: r,
                    status: judged.map_or(r.status, |j| j.status),
                    band: judged.map_or(r.status, |j| j.band),
                    warn_streak: judged.map_or(0, |j| j.warn_streak),
                    reason: judged.map(|j| j.reason.as_str()),
                    samples: &inputs.samples[i],
                    links: &inputs.links[i],
                    key,
                }
            })
            .collect();
        if stale > 0 {
            notes.push(format!(
                "{stale} record(s) are not judged with this value in {}: it was written for other measurements; their status is the summary's",
                inputs.sources.gate_report.display()
            ));
        }
        let missing = rows
            .iter()
            .flat_map(|r| r.links)
            .filter(|l| !l.found)
            .count();
        if missing > 0 {
            notes.push(format!("{missing} file(s) the records name were not found (artifacts moved without raw/?): their plots are left out"));
        }
        let verdict = verdict(gate.map(|g| g.verdict), &rows, regressions(inputs));
        let adapters: std::collections::BTreeSet<&String> =
            rows.iter().filter_map(|r| r.key.adapter.as_ref()).collect();
        let adapters = adapters.into_iter().cloned().collect();
        View {
            inputs,
            adapters,
            rows,
            verdict,
            notes,
        }
    }

    /// The adapter crates the records name, sorted (none for records from before adapter crates).
    pub fn adapters(&self) -> &[String] {
        &self.adapters
    }

    /// ` (crate)` naming `key`'s adapter where the records name more than one, else nothing: what
    /// keeps two adapters' rows apart in names other tools key by.
    pub fn adapter_suffix(&self, key: &RecordKey) -> String {
        match &key.adapter {
            Some(a) if self.adapters().len() > 1 => format!(" ({a})"),
            _ => String::new(),
        }
    }

    pub fn regressions(&self) -> &'a [Regression] {
        regressions(self.inputs)
    }

    /// Rows that fail or warn (by threshold), failures first.
    pub fn breaches(&self) -> Vec<&Row<'a>> {
        let mut out: Vec<&Row<'a>> = self
            .rows
            .iter()
            .filter(|r| matches!(r.status, Status::Fail | Status::Warn))
            .collect();
        out.sort_by_key(|r| r.status != Status::Fail);
        out
    }

    pub fn count(&self, s: Status) -> usize {
        self.rows.iter().filter(|r| r.status == s).count()
    }

    /// Errors and warnings of the gate's report.
    pub fn gate_messages(&self) -> (&'a [String], &'a [String]) {
        self.inputs
            .gate
            .as_ref()
            .map_or((&[], &[]), |g| (&g.errors[..], &g.warnings[..]))
    }
}

fn regressions(inputs: &Inputs) -> &[Regression] {
    inputs.gate.as_ref().map_or(&[], |g| &g.regressions[..])
}

/// The gate's judgement of `r`, when it judged this key with this value.
fn judged<'g>(
    results: &'g [MetricResult],
    key: &RecordKey,
    r: &Record,
) -> Option<&'g MetricResult> {
    results
        .iter()
        .find(|j| &j.key == key && j.value == r.value && j.unit == r.unit)
}

/// The gate's verdict; without a gate report, the worst record status.
fn verdict(gate: Option<Verdict>, rows: &[Row<'_>], regs: &[Regression]) -> Verdict {
    if let Some(v) = gate {
        return v;
    }
    let any = |s: Status| rows.iter().any(|r| r.status == s) || regs.iter().any(|r| r.status == s);
    if any(Status::Fail) {
        Verdict::Fail
    } else if any(Status::Warn) {
        Verdict::Warn
    } else {
        Verdict::Pass
    }
}

/// The verdict in words, for headings.
pub fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Warn => "WARN (passes now; a second warn in a row fails)",
        Verdict::Fail => "FAIL",
        Verdict::PolicyError => "POLICY ERROR (the measurements could not be judged)",
    }
}

/// A value with its unit for people, `-` when absent.
pub fn shown(v: Option<f64>, unit: Unit) -> String {
    v.map_or_else(|| "-".to_owned(), |v| human(v, unit))
}
