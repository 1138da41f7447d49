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
        profile: args.profile,
        measurements: args.measurements.as_deref().map(read_summary).transpose()?,
        required: args.require_metric.clone(),
        baseline: args.baseline.as_deref().map(read_summary).transpose()?,
        current: args.current.as_deref().map(read_summary).transpose()?,
        ..GateInputs::new(
            policies::budgets(&args.budgets)?,
            provenance::commit(args.commit.as_deref()),
            &args.gating.settings(),
        )?
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
