//! What grew: a candidate's attribution against its base's, by function, by crate, by group, and
//! the functions that are new or gone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Attribution, PartKind, CUSTOM_GROUP, DATA_GROUP, STRUCTURE_GROUP};

/// The one bucket of every function when a side has no names.
pub const ALL_CODE: &str = "code (all functions)";

/// How many growers, shrinkers, new and removed functions a diff keeps.
pub const TOP: usize = 5;

/// One name's bytes in the base and in the candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change {
    pub name: String,
    pub base: u64,
    pub candidate: u64,
    pub delta: i64,
}

/// The candidate against its base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SizeDiff {
    pub base_module: String,
    pub candidate_module: String,
    /// Raw bytes, whole module.
    pub total: Change,
    /// gzip -9 bytes, whole module.
    pub gzip_total: Change,
    /// False when either side has no function names: the by-function and by-crate lists are then empty.
    pub by_name: bool,
    /// Functions that grew most (same name on both sides; same-named functions summed), largest first.
    pub growers: Vec<Change>,
    /// Functions that shrank most, largest first.
    pub shrinkers: Vec<Change>,
    /// Functions only the candidate has, largest first.
    pub new_functions: Vec<Change>,
    /// Functions only the base has, largest first.
    pub removed_functions: Vec<Change>,
    /// How many functions are new and gone in all (the lists keep the largest [`TOP`]).
    pub new_count: u32,
    pub removed_count: u32,
    /// Every crate whose bytes changed, by the size of the change.
    pub crates: Vec<Change>,
    /// Every size group, base and candidate.
    pub groups: Vec<Change>,
    /// Data segments, all together.
    pub data: Change,
}

fn change(name: &str, base: u64, candidate: u64) -> Change {
    Change {
        name: name.to_owned(),
        base,
        candidate,
        delta: candidate as i64 - base as i64,
    }
}

fn functions(a: &Attribution) -> BTreeMap<&str, u64> {
    let mut m = BTreeMap::new();
    for p in a.parts.iter().filter(|p| p.kind == PartKind::Function) {
        *m.entry(p.name.as_str()).or_default() += p.bytes;
    }
    m
}

fn compare(base: BTreeMap<&str, u64>, cand: BTreeMap<&str, u64>) -> Vec<Change> {
    let mut names: Vec<&str> = base.keys().chain(cand.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let get = |m: &BTreeMap<&str, u64>, n| m.get(n).copied().unwrap_or(0);
    names
        .into_iter()
        .map(|n| change(n, get(&base, n), get(&cand, n)))
        .collect()
}

fn by_delta(mut v: Vec<Change>) -> Vec<Change> {
    v.sort_by(|a, b| {
        b.delta
            .abs()
            .cmp(&a.delta.abs())
            .then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// The candidate against its base.
pub fn diff(base: &Attribution, cand: &Attribution) -> SizeDiff {
    let by_name = base.named && cand.named;
    let (bf, cf) = (functions(base), functions(cand));
    let mut growers = Vec::new();
    let mut shrinkers = Vec::new();
    let mut new_functions = Vec::new();
    let mut removed_functions = Vec::new();
    if by_name {
        for c in by_delta(compare(bf.clone(), cf.clone())) {
            let target = match (
                bf.contains_key(c.name.as_str()),
                cf.contains_key(c.name.as_str()),
            ) {
                (false, _) => &mut new_functions,
                (_, false) => &mut removed_functions,
                _ if c.delta > 0 => &mut growers,
                _ if c.delta < 0 => &mut shrinkers,
                _ => continue,
            };
            target.push(c);
        }
    }
    let (new_count, removed_count) = (new_functions.len() as u32, removed_functions.len() as u32);
    for v in [
        &mut growers,
        &mut shrinkers,
        &mut new_functions,
        &mut removed_functions,
    ] {
        v.truncate(TOP);
    }
    // Without names on both sides, functions are compared as one bucket: an unnamed side has
    // every function in other code, and its groups say nothing of where code moved.
    let fixed = [DATA_GROUP, CUSTOM_GROUP, STRUCTURE_GROUP];
    let shares = |a: &Attribution, crates: bool| -> BTreeMap<String, u64> {
        let list = if crates { &a.crates } else { &a.groups };
        let mut m = BTreeMap::new();
        for s in list {
            let name = if crates || by_name || fixed.contains(&s.name.as_str()) {
                s.name.clone()
            } else {
                ALL_CODE.to_owned()
            };
            *m.entry(name).or_default() += s.bytes;
        }
        m
    };
    let rolled = |crates: bool| -> Vec<Change> {
        let (b, c) = (shares(base, crates), shares(cand, crates));
        let b = b.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let c = c.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        by_delta(compare(b, c))
    };
    let crates = if by_name {
        rolled(true).into_iter().filter(|c| c.delta != 0).collect()
    } else {
        Vec::new()
    };
    let data = |a: &Attribution| -> u64 {
        a.parts
            .iter()
            .filter(|p| p.kind == PartKind::Data)
            .map(|p| p.bytes)
            .sum()
    };
    SizeDiff {
        base_module: base.module.clone(),
        candidate_module: cand.module.clone(),
        total: change("module", base.raw_bytes, cand.raw_bytes),
        gzip_total: change("module (gzip -9)", base.gzip_bytes, cand.gzip_bytes),
        by_name,
        growers,
        shrinkers,
        new_functions,
        removed_functions,
        new_count,
        removed_count,
        crates,
        groups: rolled(false),
        data: change("data segments", data(base), data(cand)),
    }
}
