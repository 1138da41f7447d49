//! The live table through `scenarios::live`: a wire result reduced per seed as the collector reduces
//! it, the rows (median over seeds, the gate's status) and one value judged.

use scenarios::live::{self, LiveRequest};
use scenarios::policy::budgets::BudgetPolicy;
use scenarios::wire::WireResult;
use scenarios::Environment;

use crate::ToolsError;

fn input(e: impl std::fmt::Display) -> ToolsError {
    ToolsError::Input(e.to_string())
}

/// Each probe of one wire result as `[SeedSummary]` JSON; `environment` picks the metric.
pub fn summarize_wire(wire_json: &str, environment: &str) -> Result<String, ToolsError> {
    let w: WireResult = serde_json::from_str(wire_json)?;
    let env: Environment = environment.parse().map_err(input)?;
    Ok(serde_json::to_string(&live::seed_summaries(&w, env)?)?)
}

/// The table's rows (`LiveRequest` → `[LiveRow]` JSON).
pub fn live_rows(request_json: &str) -> Result<String, ToolsError> {
    let req: LiveRequest = serde_json::from_str(request_json)
        .map_err(|e| input(format!("live table request: {e}")))?;
    Ok(serde_json::to_string(&live::rows(&req))?)
}

/// What the gate says of one value (`Judgement` JSON).
pub fn judge_value(
    budgets_json: &str,
    profile: &str,
    environment: &str,
    metric: &str,
    value: f64,
) -> Result<String, ToolsError> {
    let budgets: BudgetPolicy = serde_json::from_str(budgets_json).map_err(input)?;
    let j = live::judge(
        &budgets,
        profile.parse().map_err(input)?,
        environment.parse().map_err(input)?,
        metric.parse().map_err(input)?,
        value,
    );
    Ok(serde_json::to_string(&j)?)
}
