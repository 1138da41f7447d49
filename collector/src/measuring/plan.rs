//! What a `collector run` will measure: environments × profiles × framework hosts × corpus workloads × seeds.

use std::collections::BTreeSet;

use anyhow::{bail, Result};

use scenarios::policy::corpus::Corpus;
use scenarios::protocol::{MIN_ITERATIONS, SEED_SET};
use scenarios::{Environment, Framework, Profile, Workload};

use std::path::Path;

/// One (workload, seed) step: the smallest unit a shard takes.
pub type Step = (Environment, Profile, Framework, Workload, u64);

/// One browser session's work: its workloads in plan order, each with its seeds in run order.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionUnit {
    pub env: Environment,
    pub profile: Profile,
    pub framework: Framework,
    pub work: Vec<(PlannedWorkload, Vec<u64>)>,
}

impl SessionUnit {
    /// (workload, seed) steps in this session.
    pub fn steps(&self) -> u64 {
        self.work.iter().map(|(_, s)| s.len() as u64).sum()
    }
}

/// One workload as the corpus defines it for a framework.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedWorkload {
    pub framework: Framework,
    pub workload: Workload,
    pub warmup: u32,
    pub environments: Vec<Environment>,
}

/// What the flags ask for, before the corpus says what exists (empty lists: the defaults).
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    /// Every browser environment × every profile (`--matrix`), instead of `environments`/`profiles`.
    pub matrix: bool,
    pub environments: Vec<Environment>,
    pub profiles: Vec<Profile>,
    pub all_frameworks: bool,
    pub frameworks: Vec<Framework>,
    pub workloads: Vec<Workload>,
    /// The warm-up of every workload instead of the corpus's.
    pub warmup: Option<u32>,
    pub seeds: Vec<u64>,
    pub iterations: u32,
    /// TEST ONLY: a calibrated slowdown of every batched operation, percent.
    pub slowdown_pct: Option<f64>,
    pub shard: Option<Shard>,
}

/// `--shard I/N`: the I-th of N deterministic parts of the plan (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub environments: Vec<Environment>,
    pub profiles: Vec<Profile>,
    pub frameworks: Vec<Framework>,
    pub workloads: Vec<PlannedWorkload>,
    pub seeds: Vec<u64>,
    pub iterations: u32,
    /// TEST ONLY (`--inject-slowdown`): a calibrated slowdown of every batched operation, percent.
    pub slowdown_pct: Option<f64>,
    /// `--shard I/N`: the steps this part measures (`None`: every step).
    pub part: Option<BTreeSet<Step>>,
}

impl Plan {
    /// The plan `args` asks for of `corpus` (read from `corpus_path`, named in errors).
    pub fn new(args: &PlanRequest, corpus: &Corpus, corpus_path: &Path) -> Result<Plan> {
        let (environments, profiles) = if args.matrix {
            (Environment::BROWSERS.to_vec(), Profile::ALL.to_vec())
        } else {
            (
                if args.environments.is_empty() {
                    vec![Environment::DesktopChromium]
                } else {
                    distinct(&args.environments)
                },
                if args.profiles.is_empty() {
                    vec![Profile::CoreMin]
                } else {
                    distinct(&args.profiles)
                },
            )
        };
        let frameworks = if args.all_frameworks {
            Framework::ALL.to_vec()
        } else if args.frameworks.is_empty() {
            vec![Framework::VanillaJs]
        } else {
            distinct(&args.frameworks)
        };
        let workloads: Vec<PlannedWorkload> = corpus
            .scenarios
            .iter()
            .filter(|s| frameworks.contains(&s.framework))
            .filter(|s| args.workloads.is_empty() || args.workloads.contains(&s.workload))
            .map(|s| PlannedWorkload {
                framework: s.framework,
                workload: s.workload,
                warmup: args.warmup.unwrap_or(s.warmup),
                environments: s.environments.clone(),
            })
            .collect();
        if workloads.is_empty() {
            bail!(
                "the corpus ({}) has no scenario for the chosen frameworks and workloads: add one or change --framework/--workload",
                corpus_path.display()
            );
        }
        let seeds = if args.seeds.is_empty() {
            SEED_SET.to_vec()
        } else {
            distinct(&args.seeds)
        };
        if args.iterations == 0 {
            bail!("--iterations must be at least 1 (the protocol uses {MIN_ITERATIONS})");
        }
        let mut plan = Plan {
            environments,
            profiles,
            frameworks,
            workloads,
            seeds,
            iterations: args.iterations,
            slowdown_pct: args.slowdown_pct,
            part: None,
        };
        if let Some(shard) = args.shard {
            plan.part = Some(plan.shard_steps(shard));
        }
        Ok(plan)
    }

    /// Every step in canonical order: environment, profile, framework, workload, seed (plan order).
    pub fn all_steps(&self) -> Vec<Step> {
        let mut out = Vec::new();
        for e in &self.environments {
            for p in &self.profiles {
                for f in &self.frameworks {
                    for w in self.host_workloads(*e, *f) {
                        out.extend(self.seeds.iter().map(|s| (*e, *p, *f, w.workload, *s)));
                    }
                }
            }
        }
        out
    }

    /// The steps of shard I of N: the I-th of N contiguous, near-equal runs of [`Plan::all_steps`]
    /// (deterministic; contiguous keeps a shard's steps in few sessions; seeds of one workload may
    /// fall in two shards, and `collector merge` folds them together).
    pub fn shard_steps(&self, shard: Shard) -> BTreeSet<Step> {
        let all = self.all_steps();
        let (i, n, len) = (shard.index as usize, shard.count as usize, all.len());
        all[(i - 1) * len / n..i * len / n]
            .iter()
            .copied()
            .collect()
    }

    fn selected(&self, step: &Step) -> bool {
        self.part.as_ref().is_none_or(|p| p.contains(step))
    }

    /// The browser sessions of the plan, in canonical order: one per environment × profile × host
    /// with any step to run; each workload keeps its seed rotation (see [`Plan::seed_order`]).
    pub fn sessions(&self) -> Vec<SessionUnit> {
        let mut out = Vec::new();
        for env in &self.environments {
            for profile in &self.profiles {
                for framework in &self.frameworks {
                    let work: Vec<(PlannedWorkload, Vec<u64>)> = self
                        .host_workloads(*env, *framework)
                        .enumerate()
                        .map(|(k, w)| {
                            let seeds = self.seed_order(k).into_iter().filter(|s| {
                                self.selected(&(*env, *profile, *framework, w.workload, *s))
                            });
                            (w.clone(), seeds.collect::<Vec<u64>>())
                        })
                        .filter(|(_, seeds)| !seeds.is_empty())
                        .collect();
                    if !work.is_empty() {
                        out.push(SessionUnit {
                            env: *env,
                            profile: *profile,
                            framework: *framework,
                            work,
                        });
                    }
                }
            }
        }
        out
    }

    /// Workloads to run in one environment.
    pub fn workloads_in(&self, env: Environment) -> impl Iterator<Item = &PlannedWorkload> {
        self.workloads
            .iter()
            .filter(move |w| w.environments.contains(&env))
    }

    /// Workloads to run in one framework's host in one environment.
    pub fn host_workloads(
        &self,
        env: Environment,
        framework: Framework,
    ) -> impl Iterator<Item = &PlannedWorkload> {
        self.workloads_in(env)
            .filter(move |w| w.framework == framework)
    }

    /// (workload, seed) calls in the whole run (or this shard of it).
    pub fn jobs(&self) -> u64 {
        self.sessions().iter().map(SessionUnit::steps).sum()
    }

    /// The same run narrowed to one workload in one host, profile and environment (a confirmation).
    pub fn only(
        &self,
        env: Environment,
        profile: Profile,
        framework: Framework,
        workload: Workload,
    ) -> Plan {
        Plan {
            environments: vec![env],
            profiles: vec![profile],
            frameworks: vec![framework],
            workloads: self
                .workloads
                .iter()
                .filter(|w| w.framework == framework && w.workload == workload)
                .cloned()
                .collect(),
            part: None,
            ..self.clone()
        }
    }

    /// The seeds in the order the `k`-th workload of a session runs them: rotated left by `k`, so no
    /// seed is always the session's first (coldest) call and a seed's position in the run changes
    /// from workload to workload. Results are folded in the plan's seed order whatever the run order.
    pub fn seed_order(&self, k: usize) -> Vec<u64> {
        rotated(&self.seeds, k)
    }

    /// True when the run is smaller than the protocol (fewer seeds or iterations): recorded in every record.
    pub fn is_reduced(&self) -> bool {
        self.seeds != SEED_SET || self.iterations < MIN_ITERATIONS
    }
}

/// `values` without repeats, in first-seen order: `--profile core-min --profile core-min` measures once.
fn distinct<T: PartialEq + Clone>(values: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// `values` rotated left by `k` (modulo their count).
fn rotated<T: Clone>(values: &[T], k: usize) -> Vec<T> {
    if values.is_empty() {
        return Vec::new();
    }
    let k = k % values.len();
    values[k..].iter().chain(&values[..k]).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let w = |workload| PlannedWorkload {
            framework: Framework::VanillaJs,
            workload,
            warmup: 10,
            environments: vec![Environment::DesktopChromium, Environment::DesktopFirefox],
        };
        Plan {
            environments: vec![Environment::DesktopChromium, Environment::DesktopFirefox],
            profiles: vec![Profile::CoreMin],
            frameworks: vec![Framework::VanillaJs],
            workloads: vec![w(Workload::SteadyThroughput), w(Workload::StreamingIo)],
            seeds: vec![11, 29, 42],
            iterations: 100,
            slowdown_pct: None,
            part: None,
        }
    }

    #[test]
    fn shards_partition_the_steps_deterministically_and_split_seeds() {
        let whole = plan();
        let all: BTreeSet<Step> = whole.all_steps().into_iter().collect();
        assert_eq!(all.len(), 12);
        for n in 1..=5 {
            let parts: Vec<BTreeSet<Step>> = (1..=n)
                .map(|index| whole.shard_steps(Shard { index, count: n }))
                .collect();
            let total: usize = parts.iter().map(BTreeSet::len).sum();
            let union: BTreeSet<Step> = parts.iter().flatten().copied().collect();
            assert_eq!(
                (total, &union),
                (12, &all),
                "{n} shards: every step exactly once"
            );
            assert!(
                parts.iter().all(|p| p.len() >= 12 / n as usize),
                "near-equal parts"
            );
            assert_eq!(parts[0], whole.shard_steps(Shard { index: 1, count: n }));
        }
        let mut second = whole.clone();
        second.part = Some(whole.shard_steps(Shard { index: 2, count: 5 }));
        let sessions = second.sessions();
        let seeds: Vec<u64> = sessions
            .iter()
            .flat_map(|s| s.work.iter().flat_map(|(_, s)| s.clone()))
            .collect();
        assert!(
            seeds.len() < 3,
            "a part of 2–3 steps takes a workload's seeds partly: {sessions:?}"
        );
        assert_eq!(second.jobs() as usize, second.part.as_ref().unwrap().len());
    }

    #[test]
    fn sessions_keep_the_seed_rotation() {
        let s = plan().sessions();
        assert_eq!(s.len(), 2, "one session per environment");
        assert_eq!(s[0].work[0].1, vec![11, 29, 42]);
        assert_eq!(s[0].work[1].1, vec![29, 42, 11]);
        assert_eq!(plan().jobs(), 12);
    }

    #[test]
    fn each_workload_starts_from_another_seed() {
        let seeds = [11, 29, 42, 73, 101];
        assert_eq!(rotated(&seeds, 0), seeds);
        assert_eq!(rotated(&seeds, 1), [29, 42, 73, 101, 11]);
        assert_eq!(rotated(&seeds, 7), [42, 73, 101, 11, 29]);
        let firsts: Vec<u64> = (0..5).map(|k| rotated(&seeds, k)[0]).collect();
        assert_eq!(firsts, seeds);
        assert!(rotated::<u8>(&[], 3).is_empty());
    }

    #[test]
    fn repeated_values_collapse_in_order() {
        assert_eq!(distinct(&[3, 1, 3, 2, 1]), vec![3, 1, 2]);
        assert!(distinct::<u8>(&[]).is_empty());
    }
}
