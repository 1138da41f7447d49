//! Reports people read, as a service (`collector report` and the end of `collector run`): one
//! self-contained HTML page with plots, a Markdown summary, JUnit XML and Bencher Metric Format JSON,
//! all drawn from the summary, the raw wire results, the gate's report and its event log.

mod adapters;
mod attribution;
mod bmf;
mod history;
mod html;
mod inputs;
mod junit;
mod markdown;
mod markup;
mod model;
mod plots;
mod sections;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::documents::Output;
use crate::files::write_atomic;

pub use inputs::Sources;
use model::View;

/// Why a report cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{} does not exist: run `collector run` or `collector size` first, or pass --summary FILE", .0.display())]
    NoSummary(PathBuf),
    #[error("{}: its {what} is {found}, but the record naming it is {want}: the summary and raw/ come from different runs; regenerate the summary or restore the matching raw files", path.display())]
    RawMismatch {
        path: PathBuf,
        what: String,
        found: String,
        want: String,
    },
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    #[error("cannot write the JUnit XML: {0}")]
    Junit(String),
}

/// The four reports, rendered in memory.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    pub markdown: String,
    pub junit: String,
    pub bmf: String,
}

/// Reads the sources and renders every report; nothing is written.
pub fn render(sources: &Sources) -> Result<Rendered> {
    let inputs = inputs::read(sources)?;
    let view = View::new(&inputs);
    Ok(Rendered {
        html: html::page(&view).context("rendering the HTML report")?,
        markdown: markdown::summary(&view),
        junit: junit::xml(&view).context("rendering the JUnit XML")?,
        bmf: bmf::json(&view)?,
    })
}

/// What was written, for the caller to print.
#[derive(Debug, Clone)]
pub struct Written {
    pub files: Vec<(PathBuf, usize)>,
    pub took: Duration,
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .files
            .iter()
            .map(|(p, n)| format!("{} ({n} bytes)", p.display()))
            .collect();
        write!(
            f,
            "wrote reports in {} ms: {}",
            self.took.as_millis(),
            names.join(", ")
        )
    }
}

/// Renders all four reports, then writes them (each atomically); a failure to render any of them
/// leaves every earlier report byte-identical.
pub fn write_all(sources: &Sources) -> Result<Written> {
    let start = Instant::now();
    let r = render(sources)?;
    let dir = &sources.out_dir;
    let files = [
        (Output::Html.in_dir(dir), r.html),
        (Output::Markdown.in_dir(dir), r.markdown),
        (Output::Junit.in_dir(dir), r.junit),
        (Output::Bmf.in_dir(dir), r.bmf),
    ];
    let mut written = Vec::new();
    for (path, text) in files {
        write_atomic(&path, text.as_bytes())?;
        written.push((path, text.len()));
    }
    Ok(Written {
        files: written,
        took: start.elapsed(),
    })
}
