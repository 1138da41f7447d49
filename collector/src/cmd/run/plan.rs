//! What a `collector run` will measure: environments × profiles × framework hosts × corpus workloads × seeds.

use anyhow::{bail, Result};

use scenarios::policy::corpus::Corpus;
use scenarios::protocol::{MIN_ITERATIONS, SEED_SET};
use scenarios::{Environment, Framework, Profile, Workload};

use crate::cli::RunArgs;

/// One workload as the corpus defines it for a framework.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedWorkload {
    pub framework: Framework,
    pub workload: Workload,
    pub warmup: u32,
    pub environments: Vec<Environment>,
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
}

impl Plan {
    pub fn new(args: &RunArgs, corpus: &Corpus) -> Result<Plan> {
        let (environments, profiles) = if args.matrix {
            (Environment::BROWSERS.to_vec(), Profile::ALL.to_vec())
        } else {
            (
                if args.env.is_empty() {
                    vec![Environment::DesktopChromium]
                } else {
                    distinct(&args.env)
                },
                if args.profile.is_empty() {
                    vec![Profile::CoreMin]
                } else {
                    distinct(&args.profile)
                },
            )
        };
        let frameworks = if args.all_frameworks {
            Framework::ALL.to_vec()
        } else if args.framework.is_empty() {
            vec![Framework::VanillaJs]
        } else {
            distinct(&args.framework)
        };
        let workloads: Vec<PlannedWorkload> = corpus
            .scenarios
            .iter()
            .filter(|s| frameworks.contains(&s.framework))
            .filter(|s| args.workload.is_empty() || args.workload.contains(&s.workload))
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
                args.corpus.display()
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
        Ok(Plan {
            environments,
            profiles,
            frameworks,
            workloads,
            seeds,
            iterations: args.iterations,
            slowdown_pct: args.inject_slowdown,
        })
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

    /// (workload, seed) calls in the whole run.
    pub fn jobs(&self) -> u64 {
        let per_seed: usize = self
            .environments
            .iter()
            .map(|e| self.workloads_in(*e).count() * self.profiles.len())
            .sum();
        (per_seed * self.seeds.len()) as u64
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
    use super::{distinct, rotated};

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
