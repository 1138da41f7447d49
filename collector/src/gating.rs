//! Gating as a service: judge records against the budgets and the history, write the report, append the events.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use scenarios::gate::{evaluate, same_run, GateEvent, GateReport, GateRequest, Verdict};
use scenarios::noise::{annotate, NoiseReport};
use scenarios::paired::PairedKey;
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::summary::Record;
use scenarios::{MetricId, Profile};

use crate::documents::Document;
use crate::files::{
    append_ndjson, read_json, read_ndjson, to_json_bytes, write_atomic, write_ndjson,
};
use crate::outcome::Outcome;
use crate::{provenance, table};

/// How the gate counts a run: typed from `--run-id`, `--require-baseline`,
/// `--speed-adjusted-baseline` and `--noise` by the commands.
#[derive(Debug, Default, Clone)]
pub struct GatingSettings {
    /// The CI run id (else read from the CI's environment by `provenance::run_id`).
    pub run_id: Option<String>,
    pub require_baseline: bool,
    pub speed_adjusted_baseline: bool,
    /// A noise report to read and show beside each regression.
    pub noise: Option<PathBuf>,
}

/// Everything a gate run needs, already read.
#[derive(Debug, Clone)]
pub struct GateInputs {
    pub budgets: BudgetPolicy,
    pub profile: Option<Profile>,
    pub measurements: Option<Vec<Record>>,
    pub required: Vec<MetricId>,
    pub baseline: Option<Vec<Record>>,
    pub current: Option<Vec<Record>>,
    pub require_baseline: bool,
    /// Compare raw values with the baseline, not at the baseline's machine speed.
    pub speed_adjusted_baseline: bool,
    /// Which CI run this is: the commit, and the run id if there is one.
    pub commit: String,
    pub run_id: Option<String>,
    /// The measured noise floor, shown beside each regression.
    pub noise: Option<NoiseReport>,
    /// A paired run (`run --against`): where the base came from and each key's paired estimate,
    /// shown beside its regression (the baseline is then the base measured in the same session).
    pub paired: Option<(String, Vec<PairedKey>)>,
}

impl GateInputs {
    /// A request with nothing to judge yet, for `commit`, counted as `gating` says (run id, required
    /// baseline, noise file read now); callers fill in what to judge.
    pub fn new(
        budgets: BudgetPolicy,
        commit: String,
        gating: &GatingSettings,
    ) -> Result<GateInputs> {
        Ok(GateInputs {
            budgets,
            profile: None,
            measurements: None,
            required: Vec::new(),
            baseline: None,
            current: None,
            require_baseline: gating.require_baseline,
            speed_adjusted_baseline: gating.speed_adjusted_baseline,
            commit,
            run_id: provenance::run_id(gating.run_id.as_deref()),
            noise: gating.noise.as_deref().map(read_noise).transpose()?,
            paired: None,
        })
    }
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
                .unwrap_or_else(|| Document::Event.in_dir(artifacts)),
            report: report
                .map(Path::to_path_buf)
                .unwrap_or_else(|| Document::Report.in_dir(artifacts)),
        }
    }
}

/// Reads the gate's event log (a missing file is an empty history).
pub fn read_history(path: &Path) -> Result<Vec<GateEvent>> {
    read_ndjson(path, Document::Event.schema_path())
}

/// Judges the inputs against `past`. Pure: nothing is written.
pub fn judge(inputs: &GateInputs, past: &[GateEvent]) -> GateReport {
    let mut report = evaluate(&GateRequest {
        budgets: &inputs.budgets,
        profile: inputs.profile,
        measurements: inputs.measurements.as_deref(),
        required: &inputs.required,
        history: past,
        baseline: inputs.baseline.as_deref(),
        current: inputs.current.as_deref(),
        require_baseline: inputs.require_baseline,
        speed_adjusted_baseline: inputs.speed_adjusted_baseline,
        paired_base: inputs.paired.is_some(),
        run: this_run(inputs),
    });
    if let Some(noise) = &inputs.noise {
        annotate(&mut report, noise);
    }
    if let Some((source, keys)) = &inputs.paired {
        scenarios::paired::annotate(&mut report, keys, source);
    }
    report
}

/// Reads a noise report written by `collector noise`.
pub fn read_noise(path: &Path) -> Result<NoiseReport> {
    read_json(path, Document::Noise.schema_path())
}

fn this_run(inputs: &GateInputs) -> Option<(&str, &str)> {
    inputs
        .run_id
        .as_deref()
        .map(|id| (inputs.commit.as_str(), id))
}

/// Refuses a report whose inputs could not be judged: an input error (exit 2), and nothing is written,
/// so the previous report, event log and summary stay byte-identical.
pub fn refuse_unjudged(report: &GateReport) -> Result<()> {
    if report.verdict == Verdict::PolicyError {
        bail!(
            "the measurements cannot be judged ({}); fix them and run the gate again (nothing was written)",
            table::first_few(&report.errors, "; ")
        );
    }
    Ok(())
}

/// Writes the report and records its events; refuses (writing nothing) if the inputs were unusable.
/// Events of an earlier attempt of the same CI run (same commit and run id) are replaced, not added to.
pub fn record(
    report: &GateReport,
    files: &GateFiles,
    inputs: &GateInputs,
    past: &[GateEvent],
) -> Result<()> {
    refuse_unjudged(report)?;
    let now = provenance::now();
    let events = report.events(&inputs.commit, inputs.run_id.as_deref(), Some(&now));
    let run = this_run(inputs);
    let retried = |e: &GateEvent| same_run(e, run) && events.iter().any(|n| n.key == e.key);
    write_atomic(&files.report, &to_json_bytes(report)?)?;
    if past.iter().any(retried) {
        let kept: Vec<&GateEvent> = past.iter().filter(|e| !retried(e)).collect();
        let mut all: Vec<&GateEvent> = kept;
        all.extend(events.iter());
        write_ndjson(&files.history, &all)
    } else {
        append_ndjson(&files.history, &events)
    }
}

/// Exit code of a judged verdict.
pub fn outcome(report: &GateReport) -> Result<Outcome> {
    refuse_unjudged(report)?;
    Ok(match report.verdict {
        Verdict::Fail => Outcome::BudgetFailure,
        _ => Outcome::Pass,
    })
}
