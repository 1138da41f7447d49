//! A run's size records with their attribution: each planned module attributed, and what changed
//! against the base build (a paired run's base, else the attribution file beside a stored baseline).

use std::path::{Path, PathBuf};

use anyhow::Result;

use scenarios::attribution::{diff, AttributionFile, ModuleAttribution, SizeGroup};
use scenarios::fold::RunInfo;
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::summary::Record;
use scenarios::Profile;

use crate::attribute::{self, attribute};
use crate::documents::Document;
use crate::module_size::module_records;
use crate::profiles::module_path;

/// What the size records are measured from and compared with.
pub struct SizeInputs<'a> {
    pub budgets: &'a BudgetPolicy,
    pub groups: &'a [SizeGroup],
    pub run: &'a RunInfo,
    /// A paired run's base: its modules' directory and what `--against` named.
    pub base_dir: Option<(&'a Path, &'a str)>,
    /// The attribution file stored beside `--baseline`, read before measuring.
    pub stored: Option<&'a (PathBuf, AttributionFile)>,
}

/// The size records of `profiles` built in `dist`, and the attribution file's content.
pub fn size_records(
    s: &SizeInputs<'_>,
    dist: &Path,
    profiles: &[Profile],
) -> Result<(Vec<Record>, AttributionFile)> {
    let mut records = Vec::new();
    let mut modules = Vec::new();
    for p in profiles {
        let wasm = module_path(dist, *p);
        let a = attribute(&wasm, None, s.groups)?;
        records.extend(module_records(s.budgets, &wasm, *p, s.run, Some(&a))?);
        let (against, base_source) = match (s.base_dir, s.stored) {
            (Some((dir, source)), _) => {
                let base = attribute(&module_path(dir, *p), None, s.groups)?;
                (
                    Some(diff(&base, &a)),
                    Some(format!("the paired run's base ({source})")),
                )
            }
            (None, Some((file, stored))) => stored
                .modules
                .iter()
                .find(|m| m.profile == Some(*p))
                .map(|m| {
                    let source = format!("{} (stored beside the baseline)", file.display());
                    (Some(diff(&m.attribution, &a)), Some(source))
                })
                .unwrap_or_default(),
            (None, None) => (None, None),
        };
        modules.push(ModuleAttribution {
            profile: Some(*p),
            attribution: a,
            against,
            base_source,
        });
    }
    let file = AttributionFile {
        schema_version: attribute::SCHEMA_VERSION,
        modules,
    };
    Ok((records, file))
}

/// The attribution file beside a stored baseline, if there is one (read before measuring).
pub fn stored_beside(baseline: Option<&Path>) -> Result<Option<(PathBuf, AttributionFile)>> {
    let Some(path) = baseline.map(|b| Document::SizeAttribution.beside(b)) else {
        return Ok(None);
    };
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some((path.clone(), attribute::read(&path)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_beside_a_baseline_is_read_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let baseline = dir.path().join("baseline.json");
        assert!(
            stored_beside(Some(&baseline)).unwrap().is_none(),
            "none beside it"
        );
        assert!(stored_beside(None).unwrap().is_none());
        let beside = Document::SizeAttribution.in_dir(dir.path());
        let empty = AttributionFile {
            schema_version: attribute::SCHEMA_VERSION,
            modules: Vec::new(),
        };
        attribute::write(&beside, &empty).unwrap();
        let (path, file) = stored_beside(Some(&baseline)).unwrap().unwrap();
        assert_eq!((path, file), (beside.clone(), empty));
        crate::files::write_atomic(&beside, b"{\"schema_version\": 9, \"modules\": []}").unwrap();
        let e = format!("{:#}", stored_beside(Some(&baseline)).unwrap_err());
        assert!(
            e.contains("wasm_size_attribution.json") && e.contains("schema_version"),
            "{e}"
        );
    }
}
