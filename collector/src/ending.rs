//! The end of a gated run, shared by `collector run` and `collector merge`: judge the records once, refuse
//! an unjudgeable run writing nothing, then write the summary, the gate's report and events, and the reports.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use scenarios::gate::GateEvent;
use scenarios::summary::Record;

use crate::documents::Document;
use crate::gating::{self, GateFiles, GateInputs};
use crate::outcome::Outcome;
use crate::summaries::write_summary;
use crate::table;

/// What one gated ending writes and says.
pub struct Ending<'a> {
    pub artifacts: &'a Path,
    /// Where the records go if the gate cannot judge them (the summary is then left as it was).
    pub refused: &'a Path,
    pub history: &'a Path,
    pub past: &'a [GateEvent],
    /// How long measuring took and whether it was the full protocol, for the closing line.
    pub elapsed: Duration,
    pub reduced_protocol: bool,
}

/// Judges `records` once against the budgets and the history; writes the summary only if the gate
/// could judge them, then the gate's report, the events and the four reports.
pub fn finish(end: &Ending<'_>, mut gate: GateInputs, records: Vec<Record>) -> Result<Outcome> {
    gate.measurements = Some(records);
    let report = gating::judge(&gate, end.past);
    let all = gate.measurements.as_deref().unwrap_or_default();
    let summary_path = Document::Summary.in_dir(end.artifacts);
    if let Err(e) = gating::refuse_unjudged(&report) {
        write_summary(end.refused, all)?;
        return Err(e.context(format!(
            "{} was not written; the refused records are kept in {}",
            summary_path.display(),
            end.refused.display()
        )));
    }
    write_summary(&summary_path, all)?;
    print!("{}", table::records(all));
    println!(
        "measured in {} ({}); wrote {}",
        humantime::format_duration(Duration::from_secs(end.elapsed.as_secs())),
        if end.reduced_protocol {
            "REDUCED protocol"
        } else {
            "full protocol"
        },
        summary_path.display()
    );
    let files = GateFiles::new(end.artifacts, Some(end.history), None);
    gating::record(&report, &files, &gate, end.past)?;
    print!("{}", table::verdict(&report));
    print!(
        "{}",
        crate::size_table::explain(end.artifacts, &report, all)
    );
    println!(
        "wrote {} and {}",
        files.report.display(),
        files.history.display()
    );
    // The reports people read (HTML, Markdown, JUnit, BMF), on a pass and on a budget failure alike.
    println!(
        "{}",
        crate::report::write_all(&crate::report::Sources::new(end.artifacts, &files.history))?
    );
    gating::outcome(&report)
}
