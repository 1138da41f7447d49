//! `collector report`: renders the HTML, Markdown, JUnit and BMF reports from the artifacts and prints what it wrote.

use std::path::Path;

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::documents::Document;
use crate::outcome::Outcome;
use crate::report::{self, Sources};

pub fn run(artifacts: &Path, args: &ReportArgs) -> Result<Outcome> {
    let mut sources = Sources::new(artifacts, &Document::Event.in_dir(artifacts));
    if let Some(p) = &args.summary {
        sources.summary = p.clone();
    }
    if let Some(p) = &args.gate_report {
        sources.gate_report = p.clone();
    }
    if let Some(p) = &args.history {
        sources.history = p.clone();
    }
    if let Some(p) = &args.out_dir {
        sources.out_dir = p.clone();
    }
    println!("{}", report::write_all(&sources)?);
    Ok(Outcome::Pass)
}
