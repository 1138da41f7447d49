//! `collector gate`: reads budgets, measurements, history and baseline; writes the report, appends events, prints the verdict.

use std::path::Path;

use anyhow::{bail, Result};

use scenarios::gate::{evaluate, GateEvent, GateReport, GateRequest, Verdict};
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::summary::{Record, Summary};
use scenarios::{MetricId, Profile};

use crate::cli::{GateArgs, SchemaKind};
use crate::cmd::schema_path;
use crate::files::{append_ndjson, read_json, read_ndjson, to_json_bytes, write_atomic};
use crate::{policies, provenance, table, Outcome};

/// Everything a gate run needs, already read.
pub struct GateInputs {
    pub budgets: BudgetPolicy,
    pub profile: Option<Profile>,
    pub measurements: Option<Vec<Record>>,
    pub required: Vec<MetricId>,
    pub baseline: Option<Vec<Record>>,
    pub current: Option<Vec<Record>>,
}

/// Reads a summary's records, refusing another schema version.
pub fn read_summary(path: &Path) -> Result<Vec<Record>> {
    let s: Summary = read_json(path, schema_path(SchemaKind::Summary))?;
    if s.schema_version != scenarios::summary::SUMMARY_SCHEMA_VERSION {
        bail!(
            "{}: schema_version {} is not {}; regenerate it with this collector",
            path.display(),
            s.schema_version,
            scenarios::summary::SUMMARY_SCHEMA_VERSION
        );
    }
    Ok(s.records)
}

pub fn run(artifacts: &Path, args: &GateArgs) -> Result<Outcome> {
    let inputs = GateInputs {
        budgets: policies::budgets(&args.budgets)?,
        profile: args.profile,
        measurements: args.measurements.as_deref().map(read_summary).transpose()?,
        required: args.require_metric.clone(),
        baseline: args.baseline.as_deref().map(read_summary).transpose()?,
        current: args.current.as_deref().map(read_summary).transpose()?,
    };
    let history = args
        .history
        .clone()
        .unwrap_or_else(|| artifacts.join("wasm_perf_gate_events.ndjson"));
    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| artifacts.join("wasm_perf_regression_report.json"));
    let commit = provenance::commit(args.commit.as_deref());
    let past = read_history(&history)?;
    let report = gate_and_record(&inputs, &past, &history, &report_path, &commit)?;
    print!("{}", table::verdict(&report));
    println!("wrote {} and {}", report_path.display(), history.display());
    outcome(&report)
}

/// Reads the gate's event log (a missing file is an empty history).
pub fn read_history(path: &Path) -> Result<Vec<GateEvent>> {
    read_ndjson(path, schema_path(SchemaKind::Event))
}

/// Judges the inputs against `past` (read from `history`), writes the report, and appends events
/// to `history` unless the inputs were unusable.
pub fn gate_and_record(
    inputs: &GateInputs,
    past: &[GateEvent],
    history: &Path,
    report_path: &Path,
    commit: &str,
) -> Result<GateReport> {
    let report = evaluate(&GateRequest {
        budgets: &inputs.budgets,
        profile: inputs.profile,
        measurements: inputs.measurements.as_deref(),
        required: &inputs.required,
        history: past,
        baseline: inputs.baseline.as_deref(),
        current: inputs.current.as_deref(),
    });
    write_atomic(report_path, &to_json_bytes(&report)?)?;
    if report.verdict != Verdict::PolicyError {
        append_ndjson(history, &report.events(commit, Some(&provenance::now())))?;
    }
    Ok(report)
}

/// Exit code of a verdict: policy errors are input errors (2).
pub fn outcome(report: &GateReport) -> Result<Outcome> {
    match report.verdict {
        Verdict::Pass | Verdict::Warn => Ok(Outcome::Pass),
        Verdict::Fail => Ok(Outcome::BudgetFailure),
        Verdict::PolicyError => bail!(
            "the measurements cannot be judged ({}); fix them and run the gate again",
            report.errors.join("; ")
        ),
    }
}
