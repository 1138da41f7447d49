//! Writing the shard file (`scenarios::shard`) from a run's measured sessions, for `collector merge`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use scenarios::summary::Record;
use scenarios::{MetricId, Profile};

use crate::documents::Document;
use crate::files::{to_json_bytes, write_atomic};
use crate::measuring::browser::SessionResults;
use crate::measuring::plan::Plan;
use scenarios::shard::{SessionTime, ShardFile, ShardSeed, ShardUnit, SHARD_SCHEMA_VERSION};

/// What a shard file is made of besides the sessions.
pub struct ShardMeta<'a> {
    pub plan: &'a Plan,
    pub shard: Option<String>,
    pub commit: &'a str,
    pub commands: &'a [String],
    pub concurrency: u32,
    pub server_delay_ms: Option<u64>,
    pub required: Vec<MetricId>,
    pub wasm: &'a dyn Fn(Profile) -> String,
}

/// `path` relative to `base` when it lies under it (raw files are written under the artifacts dir).
fn relative(path: &str, base: &Path) -> String {
    let p = PathBuf::from(path);
    p.strip_prefix(base)
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| path.to_owned())
}

/// Writes `<artifacts>/wasm_budget_shard.json` atomically; returns its path.
pub fn write(
    artifacts: &Path,
    meta: &ShardMeta<'_>,
    measured: &[SessionResults],
    sizes: Vec<Record>,
) -> Result<PathBuf> {
    let mut units = Vec::new();
    let mut sessions = Vec::new();
    for s in measured {
        let log = s
            .driver_log
            .as_ref()
            .map(|p| relative(&p.display().to_string(), artifacts));
        for w in &s.workloads {
            units.push(ShardUnit {
                environment: s.env,
                profile: s.profile,
                framework: s.framework,
                workload: w.workload,
                warmup: w.warmup,
                session: s.session.clone(),
                wasm: (meta.wasm)(s.profile),
                seeds: w
                    .results
                    .iter()
                    .zip(&w.paths)
                    .map(|(r, p)| ShardSeed {
                        seed: r.seed,
                        path: relative(p, artifacts),
                    })
                    .collect(),
                driver_log: log.clone(),
            });
        }
        sessions.push(SessionTime {
            unit: format!("{} {} {}", s.env, s.profile, s.framework),
            steps: s.workloads.iter().map(|w| w.results.len() as u64).sum(),
            start_ms: s.start_time.as_millis() as u64,
            total_ms: s.unit_time.as_millis() as u64,
        });
    }
    let file = ShardFile {
        schema_version: SHARD_SCHEMA_VERSION,
        commit: meta.commit.to_owned(),
        commands: meta.commands.to_vec(),
        shard: meta.shard.clone(),
        seeds: meta.plan.seeds.clone(),
        iterations: meta.plan.iterations,
        slowdown_pct: meta.plan.slowdown_pct,
        reduced_protocol: meta.plan.is_reduced(),
        concurrency: meta.concurrency,
        server_delay_ms: meta.server_delay_ms,
        required: meta.required.clone(),
        planned: {
            let whole = Plan {
                part: None,
                ..meta.plan.clone()
            };
            whole.all_steps()
        },
        units,
        sizes,
        sessions,
    };
    let path = Document::Shard.in_dir(artifacts);
    write_atomic(&path, &to_json_bytes(&file)?)?;
    Ok(path)
}
