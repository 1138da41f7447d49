//! Typed models of the three `ci/` policy files and the rule violations their validators report.

pub mod budgets;
pub mod contract;
pub mod corpus;
pub mod optimization;

use serde::Serialize;

/// One broken rule, located by a JSON path into the checked document.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Violation {
    /// Short rule name, stable for tests and self-test output (e.g. `coverage.framework`).
    pub rule: &'static str,
    /// JSON path of the offending value, e.g. `$.scenarios[3].iterations`.
    pub path: String,
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Violation {
    pub fn new(
        rule: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Violation {
            rule,
            path: path.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl core::fmt::Display for Violation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}: {} [{}]; fix: {}",
            self.path, self.message, self.rule, self.fix
        )
    }
}

/// The schema version every policy file of this project carries.
pub const POLICY_SCHEMA_VERSION: u32 = 1;

pub(crate) fn check_schema_version(found: u32, out: &mut Vec<Violation>) {
    if found != POLICY_SCHEMA_VERSION {
        out.push(Violation::new(
            "schema_version",
            "$.schema_version",
            format!("schema_version is {found}, this collector reads {POLICY_SCHEMA_VERSION}"),
            format!("set \"schema_version\": {POLICY_SCHEMA_VERSION}"),
        ));
    }
}
