//! What a report is drawn from, read from disk: the summary, the gate's report and event log, and the
//! raw wire results each record names (`artifact_paths`), each checked against the record it serves.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

use scenarios::gate::GateEvent;
use scenarios::summary::Record;
use scenarios::wire::WireResult;

use crate::documents::Document;
use crate::files::read_json;
use crate::gating::read_history;
use crate::summaries::read_summary;

use super::ReportError;

/// Where the inputs are and where the reports go.
#[derive(Debug, Clone)]
pub struct Sources {
    pub summary: PathBuf,
    pub gate_report: PathBuf,
    pub history: PathBuf,
    /// The artifacts directory: reports are written here, and raw files moved with it are found here.
    pub out_dir: PathBuf,
}

impl Sources {
    /// The contract's file names under `artifacts`, with the event log at `history`.
    pub fn new(artifacts: &Path, history: &Path) -> Sources {
        Sources {
            summary: Document::Summary.in_dir(artifacts),
            gate_report: Document::Report.in_dir(artifacts),
            history: history.to_path_buf(),
            out_dir: artifacts.to_path_buf(),
        }
    }
}

/// The gate's report, read back with the types that wrote it.
pub use scenarios::gate::{GateReport, MetricResult, Regression, Verdict};

/// One seed's samples of a record's probe, per operation, in the record's unit (what the charts draw).
pub use charts::SeedValues as SeedSamples;

/// A file a record names: the link from the report's directory, and whether it is there.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked {
    pub named: String,
    pub href: String,
    pub found: bool,
}

/// Everything read: the records with their raw samples and links, the gate's report and events.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub records: Vec<Record>,
    /// Per record (same order): the samples of each seed, from the raw files that were found.
    pub samples: Vec<Vec<SeedSamples>>,
    /// Per record (same order): every file it names.
    pub links: Vec<Vec<Linked>>,
    pub gate: Option<GateReport>,
    pub history: Vec<GateEvent>,
    pub sources: Sources,
    /// The size attribution of the summary's modules (`wasm_size_attribution.json`, only modules
    /// whose raw size is the summary's: a file from another run is left out).
    pub sizes: Vec<scenarios::attribution::ModuleAttribution>,
}

/// Reads every input; a missing regression report, event log or raw file is reported, not an error.
pub fn read(sources: &Sources) -> Result<Inputs> {
    if !sources.summary.is_file() {
        return Err(ReportError::NoSummary(sources.summary.clone()).into());
    }
    let records = read_summary(&sources.summary)?;
    let gate = if sources.gate_report.is_file() {
        Some(read_json::<GateReport>(
            &sources.gate_report,
            Document::Report.schema_path(),
        )?)
    } else {
        None
    };
    let history = read_history(&sources.history)?;
    let mut cache: BTreeMap<PathBuf, WireResult> = BTreeMap::new();
    let mut samples = Vec::new();
    let mut links = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let mut linked = Vec::new();
        let mut seeds = Vec::new();
        for named in &r.artifact_paths {
            let found = locate(named, &sources.out_dir);
            linked.push(Linked {
                named: named.clone(),
                href: href(
                    found.as_deref().unwrap_or(Path::new(named)),
                    &sources.out_dir,
                ),
                found: found.is_some(),
            });
            let Some(path) = found.filter(|p| is_raw_wire(p)) else {
                continue;
            };
            if !cache.contains_key(&path) {
                let wire = read_json::<WireResult>(&path, Document::Wire.schema_path())?;
                cache.insert(path.clone(), wire);
            }
            if let Some(s) = seed_samples(r, &cache[&path], &path)
                .with_context(|| format!("$.records[{i}] names {}", path.display()))?
            {
                seeds.push(s);
            }
        }
        seeds.sort_by_key(|s| s.seed);
        seeds.dedup_by_key(|s| s.seed);
        samples.push(seeds);
        links.push(linked);
    }
    let sizes = attributions(&sources.out_dir, &records)?;
    Ok(Inputs {
        records,
        samples,
        links,
        gate,
        history,
        sources: sources.clone(),
        sizes,
    })
}

/// The attribution file's modules that match the summary's size records.
fn attributions(
    dir: &Path,
    records: &[Record],
) -> Result<Vec<scenarios::attribution::ModuleAttribution>> {
    let path = Document::SizeAttribution.in_dir(dir);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let file = crate::attribute::read(&path)?;
    Ok(file
        .modules
        .into_iter()
        .filter(|m| {
            records.iter().any(|r| {
                r.metric_id == scenarios::MetricId::Perf01A
                    && Some(r.profile) == m.profile
                    && r.value == Some(m.attribution.raw_bytes as f64)
            })
        })
        .collect())
}

/// A raw wire result: a `.json` file under a `raw/` directory.
fn is_raw_wire(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "json")
        && p.components().any(|c| c.as_os_str() == "raw")
        && !p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("refused"))
}

/// The record's probe samples in `wire`, checked to be the record's (`None`: a size or skip record).
fn seed_samples(r: &Record, wire: &WireResult, path: &Path) -> Result<Option<SeedSamples>> {
    let Some(d) = &r.detail else { return Ok(None) };
    let Some(probe) = d.probe else {
        return Ok(None);
    };
    let mismatch = |what: &str, found: String, want: String| ReportError::RawMismatch {
        path: path.to_path_buf(),
        what: what.to_owned(),
        found,
        want,
    };
    if wire.profile != r.profile {
        return Err(mismatch("profile", wire.profile.to_string(), r.profile.to_string()).into());
    }
    if d.workload.is_some_and(|w| w != wire.workload) {
        return Err(mismatch(
            "workload",
            wire.workload.to_string(),
            format!("{:?}", d.workload),
        )
        .into());
    }
    if d.framework.is_some_and(|f| f != wire.framework) {
        return Err(mismatch(
            "framework",
            wire.framework.to_string(),
            format!("{:?}", d.framework),
        )
        .into());
    }
    let Some(p) = wire.probes.iter().find(|p| p.probe == probe) else {
        return Err(mismatch("probe", "absent".into(), probe.to_string()).into());
    };
    let per_ns = match p.unit {
        scenarios::wire::SampleUnit::Ns => r.unit.nanos().unwrap_or(1.0),
        scenarios::wire::SampleUnit::Bytes => 1.0,
    };
    let scale = |v: Vec<f64>| v.into_iter().map(|x| x / per_ns).collect::<Vec<_>>();
    Ok(Some(SeedSamples {
        seed: wire.seed,
        values: scale(p.per_op()),
        baseline: p.baseline_per_op().map(scale),
    }))
}

/// Where a named file is now: as named (relative to the working directory), or — for artifacts
/// moved or downloaded elsewhere — the same path below `raw/` under `out_dir`.
fn locate(named: &str, out_dir: &Path) -> Option<PathBuf> {
    let p = PathBuf::from(named);
    if p.is_file() {
        return Some(p);
    }
    let parts: Vec<Component> = p.components().collect();
    let at = parts.iter().rposition(|c| c.as_os_str() == "raw")?;
    let moved = parts[at..]
        .iter()
        .fold(out_dir.to_path_buf(), |acc, c| acc.join(c));
    moved.is_file().then_some(moved)
}

/// A link to `target` from a page in `out_dir`: relative when both are, else a `file://` URL.
fn href(target: &Path, out_dir: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = |p: &Path| lexical(&cwd.join(p));
    let (t, d) = (abs(target), abs(out_dir));
    let common = t
        .components()
        .zip(d.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = d.components().count() - common;
    let rel: PathBuf = std::iter::repeat_n(Component::ParentDir, ups)
        .map(|c| c.as_os_str().to_owned())
        .chain(
            t.components()
                .skip(common)
                .map(|c| c.as_os_str().to_owned()),
        )
        .collect();
    percent_encoding::utf8_percent_encode(&rel.to_string_lossy(), LINK).to_string()
}

/// Bytes a relative link must escape.
const LINK: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`');

/// `a/./b/../c` → `a/c`, without touching the file system.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_report() {
        assert_eq!(
            href(
                Path::new("artifacts/raw/r1/a b.json"),
                Path::new("artifacts")
            ),
            "raw/r1/a%20b.json"
        );
        assert_eq!(
            href(
                Path::new("dist/core-min/harness_bg.wasm"),
                Path::new("artifacts")
            ),
            "../dist/core-min/harness_bg.wasm"
        );
    }

    #[test]
    fn only_raw_json_files_are_wire_results() {
        assert!(is_raw_wire(Path::new("a/raw/r/desktop/x-seed11.json")));
        assert!(!is_raw_wire(Path::new("a/raw/r/driver.log")));
        assert!(!is_raw_wire(Path::new("dist/core-min/harness_bg.wasm")));
        assert!(!is_raw_wire(Path::new("a/raw/r/refused_summary.json")));
    }
}
