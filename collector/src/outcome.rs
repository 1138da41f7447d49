//! What a command concluded, and the exit code it maps to.

/// 0 pass or warn, 1 budget failure; errors (input, policy, usage) are 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    BudgetFailure,
}
