//! `collector gate`: reads budgets, measurements, history and baseline; writes the report, appends events, prints the verdict.

use std::path::Path;

use anyhow::Result;

use crate::cli::GateArgs;
use crate::gating::{self, GateFiles, GateInputs};
use crate::outcome::Outcome;
use crate::summaries::read_summary;
use crate::{policies, provenance, table};

pub fn run(artifacts: &Path, args: &GateArgs) -> Result<Outcome> {
    let inputs = GateInputs {
        budgets: policies::budgets(&args.budgets)?,
        profile: args.profile,
        measurements: args.measurements.as_deref().map(read_summary).transpose()?,
        required: args.require_metric.clone(),
        baseline: args.baseline.as_deref().map(read_summary).transpose()?,
        current: args.current.as_deref().map(read_summary).transpose()?,
        require_baseline: args.gating.require_baseline,
        commit: provenance::commit(args.commit.as_deref()),
        run_id: provenance::run_id(args.gating.run_id.as_deref()),
        noise: args
            .gating
            .noise
            .as_deref()
            .map(gating::read_noise)
            .transpose()?,
    };
    let files = GateFiles::new(artifacts, args.history.as_deref(), args.report.as_deref());
    let past = gating::read_history(&files.history)?;
    let report = gating::judge(&inputs, &past);
    gating::record(&report, &files, &inputs, &past)?;
    print!("{}", table::verdict(&report));
    println!(
        "wrote {} and {}",
        files.report.display(),
        files.history.display()
    );
    gating::outcome(&report)
}
