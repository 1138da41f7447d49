//! The JSON Schemas of every file the collector reads or writes, generated from the types that read them.

use schemars::{schema_for, Schema};

use crate::cli::SchemaKind;

/// Where the committed copy of each schema lives.
pub fn schema_path(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Budgets => "ci/schemas/wasm_perf_budgets.schema.json",
        SchemaKind::Corpus => "ci/schemas/wasm_benchmark_corpus.schema.json",
        SchemaKind::Optimization => "ci/schemas/wasm_optimization_policy.schema.json",
        SchemaKind::Summary => "ci/schemas/wasm_budget_summary.schema.json",
        SchemaKind::Wire => "ci/schemas/harness_wire.schema.json",
        SchemaKind::Report => "ci/schemas/wasm_perf_regression_report.schema.json",
        SchemaKind::Event => "ci/schemas/wasm_perf_gate_event.schema.json",
        SchemaKind::Noise => "ci/schemas/wasm_noise_report.schema.json",
        SchemaKind::Shard => "ci/schemas/wasm_budget_shard.schema.json",
        SchemaKind::SizeAttribution => "ci/schemas/wasm_size_attribution.schema.json",
    }
}

/// The schema of one kind of file.
pub fn schema(kind: SchemaKind) -> Schema {
    use scenarios::{gate, noise, policy, summary, wire};
    match kind {
        SchemaKind::Budgets => schema_for!(policy::budgets::BudgetPolicy),
        SchemaKind::Corpus => schema_for!(policy::corpus::Corpus),
        SchemaKind::Optimization => schema_for!(policy::optimization::OptimizationPolicy),
        SchemaKind::Summary => schema_for!(summary::Summary),
        SchemaKind::Wire => schema_for!(wire::WireResult),
        SchemaKind::Report => schema_for!(gate::GateReport),
        SchemaKind::Event => schema_for!(gate::GateEvent),
        SchemaKind::Noise => schema_for!(noise::NoiseReport),
        SchemaKind::Shard => schema_for!(crate::shards::ShardFile),
        SchemaKind::SizeAttribution => schema_for!(scenarios::attribution::AttributionFile),
    }
}
