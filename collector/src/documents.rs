//! The contract's files, one table: each kind's file name, its committed JSON Schema, and the type that
//! reads and writes it (the schema is generated from that type; a test keeps `ci/schemas/` equal).

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use schemars::{schema_for, Schema};

/// A kind of file the collector reads or writes (`collector schema KIND` prints its schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Document {
    /// ci/wasm_perf_budgets.json
    Budgets,
    /// ci/wasm_benchmark_corpus.json
    Corpus,
    /// ci/wasm_optimization_policy.json
    Optimization,
    /// wasm_budget_summary.json (also a baseline)
    Summary,
    /// one raw answer of the harness (per workload and seed)
    Wire,
    /// wasm_perf_regression_report.json
    Report,
    /// one line of wasm_perf_gate_events.ndjson
    Event,
    /// wasm_noise_report.json
    Noise,
    /// wasm_budget_shard.json
    Shard,
    /// wasm_size_attribution.json
    SizeAttribution,
}

impl Document {
    /// The file's name in the contract (a wire result has none: it is named by its workload and seed).
    pub const fn file_name(self) -> Option<&'static str> {
        Some(match self {
            Document::Budgets => "wasm_perf_budgets.json",
            Document::Corpus => "wasm_benchmark_corpus.json",
            Document::Optimization => "wasm_optimization_policy.json",
            Document::Summary => "wasm_budget_summary.json",
            Document::Wire => return None,
            Document::Report => "wasm_perf_regression_report.json",
            Document::Event => "wasm_perf_gate_events.ndjson",
            Document::Noise => "wasm_noise_report.json",
            Document::Shard => "wasm_budget_shard.json",
            Document::SizeAttribution => "wasm_size_attribution.json",
        })
    }

    /// The file under `dir` by its contract name (`artifacts/wasm_budget_summary.json`).
    pub fn in_dir(self, dir: &Path) -> PathBuf {
        dir.join(self.name())
    }

    /// The file of this kind in the directory holding `file` (the attribution stored beside a baseline).
    pub fn beside(self, file: &Path) -> PathBuf {
        file.with_file_name(self.name())
    }

    fn name(self) -> &'static str {
        self.file_name().unwrap_or("harness_wire.json")
    }

    /// Where the committed copy of its schema lives.
    pub const fn schema_path(self) -> &'static str {
        match self {
            Document::Budgets => "ci/schemas/wasm_perf_budgets.schema.json",
            Document::Corpus => "ci/schemas/wasm_benchmark_corpus.schema.json",
            Document::Optimization => "ci/schemas/wasm_optimization_policy.schema.json",
            Document::Summary => "ci/schemas/wasm_budget_summary.schema.json",
            Document::Wire => "ci/schemas/harness_wire.schema.json",
            Document::Report => "ci/schemas/wasm_perf_regression_report.schema.json",
            Document::Event => "ci/schemas/wasm_perf_gate_event.schema.json",
            Document::Noise => "ci/schemas/wasm_noise_report.schema.json",
            Document::Shard => "ci/schemas/wasm_budget_shard.schema.json",
            Document::SizeAttribution => "ci/schemas/wasm_size_attribution.schema.json",
        }
    }

    /// Its schema, generated from the type that reads and writes it.
    pub fn schema(self) -> Schema {
        use scenarios::{attribution, gate, noise, policy, summary, wire};
        match self {
            Document::Budgets => schema_for!(policy::budgets::BudgetPolicy),
            Document::Corpus => schema_for!(policy::corpus::Corpus),
            Document::Optimization => schema_for!(policy::optimization::OptimizationPolicy),
            Document::Summary => schema_for!(summary::Summary),
            Document::Wire => schema_for!(wire::WireResult),
            Document::Report => schema_for!(gate::GateReport),
            Document::Event => schema_for!(gate::GateEvent),
            Document::Noise => schema_for!(noise::NoiseReport),
            Document::Shard => schema_for!(scenarios::shard::ShardFile),
            Document::SizeAttribution => schema_for!(attribution::AttributionFile),
        }
    }
}

/// The files the collector writes that have no JSON Schema of their own: the policy summaries of
/// `collector validate` and the four reports people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `collector validate corpus`: scenario count, seed set, coverage and violations.
    CorpusSummary,
    /// `collector validate optimization`: the variants and violations.
    PipelineSummary,
    Html,
    Markdown,
    Junit,
    /// Bencher Metric Format.
    Bmf,
}

impl Output {
    pub const fn file_name(self) -> &'static str {
        match self {
            Output::CorpusSummary => "wasm_benchmark_corpus_summary.json",
            Output::PipelineSummary => "wasm_optimization_pipeline_summary.json",
            Output::Html => "wasm_budget_report.html",
            Output::Markdown => "wasm_budget_summary.md",
            Output::Junit => "wasm_budget_junit.xml",
            Output::Bmf => "wasm_budget_bmf.json",
        }
    }

    /// The file under `dir` by its name.
    pub fn in_dir(self, dir: &Path) -> PathBuf {
        dir.join(self.file_name())
    }
}

/// The default path of a `ci/` policy (`ci/wasm_perf_budgets.json`), for the flags' defaults.
pub const BUDGETS_DEFAULT: &str = "ci/wasm_perf_budgets.json";
/// See [`BUDGETS_DEFAULT`].
pub const CORPUS_DEFAULT: &str = "ci/wasm_benchmark_corpus.json";
/// See [`BUDGETS_DEFAULT`].
pub const OPTIMIZATION_DEFAULT: &str = "ci/wasm_optimization_policy.json";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_defaults_are_the_contract_names_under_ci() {
        for (d, path) in [
            (Document::Budgets, BUDGETS_DEFAULT),
            (Document::Corpus, CORPUS_DEFAULT),
            (Document::Optimization, OPTIMIZATION_DEFAULT),
        ] {
            assert_eq!(
                Some(path),
                d.file_name().map(|n| format!("ci/{n}")).as_deref()
            );
        }
    }

    #[test]
    fn every_kind_is_listed_once_with_its_own_schema_file() {
        let all = Document::value_variants();
        let mut paths: Vec<&str> = all.iter().map(|d| d.schema_path()).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), all.len());
        let mut names: Vec<&str> = all.iter().filter_map(|d| d.file_name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(
            names.len(),
            all.len() - 1,
            "every kind but a wire result has its own name"
        );
    }
}
