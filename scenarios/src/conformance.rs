//! The adapter conformance suite's answer (`harness_wasm::conformance`): per seed, each method's
//! expectation and, where it failed, what happened instead.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One seed's run of the suite against one adapter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConformanceReport {
    /// The adapter's own name (`RuntimeAdapter::name`).
    pub adapter: String,
    pub seed: u64,
    /// Whether the build has the trace/replay envelope (record and replay are checked only then).
    pub trace: bool,
    pub checks: Vec<ConformanceCheck>,
}

/// One expectation of one method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConformanceCheck {
    /// The `RuntimeAdapter` method under test, e.g. `reserve_send`.
    pub method: String,
    /// What must hold, in words.
    pub expectation: String,
    /// What happened instead; absent when the expectation held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// A failed check with the seed it failed at: what a user reads.
pub struct Failed<'a> {
    pub seed: u64,
    pub check: &'a ConformanceCheck,
}

impl fmt::Display for Failed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (seed {}): expected {}; {}",
            self.check.method,
            self.seed,
            self.check.expectation,
            self.check.failure.as_deref().unwrap_or("it held")
        )
    }
}

impl ConformanceReport {
    /// The checks that failed, each with this report's seed.
    pub fn failures(&self) -> impl Iterator<Item = Failed<'_>> {
        self.checks
            .iter()
            .filter(|c| c.failure.is_some())
            .map(|check| Failed {
                seed: self.seed,
                check,
            })
    }

    /// Whether every check held (an empty report never passes: the suite did not run).
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.failure.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(method: &str, failure: Option<&str>) -> ConformanceCheck {
        ConformanceCheck {
            method: method.into(),
            expectation: "the value sent is the value received".into(),
            failure: failure.map(Into::into),
        }
    }

    #[test]
    fn a_failure_names_the_method_the_seed_and_the_expectation() {
        let r = ConformanceReport {
            adapter: "x".into(),
            seed: 42,
            trace: false,
            checks: vec![
                check("start", None),
                check("reserve_send", Some("sent 7, received 8")),
            ],
        };
        assert!(!r.passed());
        let lines: Vec<String> = r.failures().map(|f| f.to_string()).collect();
        assert_eq!(
            lines,
            ["reserve_send (seed 42): expected the value sent is the value received; sent 7, received 8"]
        );
        let empty = ConformanceReport {
            checks: vec![],
            ..r
        };
        assert!(!empty.passed(), "a suite that checked nothing is no pass");
    }
}
