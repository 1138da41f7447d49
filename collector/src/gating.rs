//! Gating as a service: judge records against the budgets and the history, write the report, append the events.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use scenarios::gate::{evaluate, GateEvent, GateReport, GateRequest, Verdict};
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::summary::Record;
use scenarios::{MetricId, Profile};

use crate::cli::SchemaKind;
use crate::files::{append_ndjson, read_ndjson, to_json_bytes, write_atomic};
use crate::outcome::Outcome;
use crate::provenance;
use crate::schemas::schema_path;

/// Everything a gate run needs, already read.
pub struct GateInputs {
    pub budgets: BudgetPolicy,
    pub profile: Option<Profile>,
    pub measurements: Option<Vec<Record>>,
    pub required: Vec<MetricId>,
    pub baseline: Option<Vec<Record>>,
    pub current: Option<Vec<Record>>,
}

/// Where the gate's report and event log go.
pub struct GateFiles {
    pub history: PathBuf,
    pub report: PathBuf,
}

impl GateFiles {
    /// `--history`/`--report` when given, else the contract's names under `artifacts`.
    pub fn new(artifacts: &Path, history: Option<&Path>, report: Option<&Path>) -> GateFiles {
        GateFiles {
            history: history
                .map(Path::to_path_buf)
                .unwrap_or_else(|| artifacts.join("wasm_perf_gate_events.ndjson")),
            report: report
                .map(Path::to_path_buf)
                .unwrap_or_else(|| artifacts.join("wasm_perf_regression_report.json")),
        }
    }
}

/// Reads the gate's event log (a missing file is an empty history).
pub fn read_history(path: &Path) -> Result<Vec<GateEvent>> {
    read_ndjson(path, schema_path(SchemaKind::Event))
}

/// Judges the inputs against `past`. Pure: nothing is written.
pub fn judge(inputs: &GateInputs, past: &[GateEvent]) -> GateReport {
    evaluate(&GateRequest {
        budgets: &inputs.budgets,
        profile: inputs.profile,
        measurements: inputs.measurements.as_deref(),
        required: &inputs.required,
        history: past,
        baseline: inputs.baseline.as_deref(),
        current: inputs.current.as_deref(),
    })
}

/// Refuses a report whose inputs could not be judged: an input error (exit 2), and nothing is written,
/// so the previous report, event log and summary stay byte-identical.
pub fn refuse_unjudged(report: &GateReport) -> Result<()> {
    if report.verdict == Verdict::PolicyError {
        bail!(
            "the measurements cannot be judged ({}); fix them and run the gate again (nothing was written)",
            report.errors.join("; ")
        );
    }
    Ok(())
}

/// Writes the report and appends its events; refuses (writing nothing) if the inputs were unusable.
pub fn record(report: &GateReport, files: &GateFiles, commit: &str) -> Result<()> {
    refuse_unjudged(report)?;
    write_atomic(&files.report, &to_json_bytes(report)?)?;
    append_ndjson(
        &files.history,
        &report.events(commit, Some(&provenance::now())),
    )
}

/// Exit code of a judged verdict.
pub fn outcome(report: &GateReport) -> Result<Outcome> {
    refuse_unjudged(report)?;
    Ok(match report.verdict {
        Verdict::Fail => Outcome::BudgetFailure,
        _ => Outcome::Pass,
    })
}
