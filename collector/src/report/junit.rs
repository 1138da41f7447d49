//! `wasm_budget_junit.xml`: one test case per record (fail → failure, skip → skipped, warn → passes
//! with the warning in system-out), one test suite per environment × profile, written by `quick-junit`.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use scenarios::summary::Status;

use super::model::{Row, View};
use super::ReportError;
use crate::units::human_opt;

/// The JUnit XML of the view.
pub fn xml(view: &View<'_>) -> Result<String, ReportError> {
    let mut suites: BTreeMap<String, TestSuite> = BTreeMap::new();
    for row in &view.rows {
        let name = format!("{} {}", row.key.environment, row.key.profile);
        suites
            .entry(name.clone())
            .or_insert_with(|| TestSuite::new(name))
            .add_test_case(case(view, row));
    }
    let (errors, _) = view.gate_messages();
    if !errors.is_empty() {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message("the gate could not judge the measurements");
        status.set_description(errors.join("\n"));
        let mut suite = TestSuite::new("gate");
        suite.add_test_case(TestCase::new("policy", status));
        suites.insert("gate".into(), suite);
    }
    let mut report = Report::new("wasm-budgets");
    report.add_test_suites(suites.into_values());
    report
        .to_string()
        .map_err(|e| ReportError::Junit(e.to_string()))
}

fn case(view: &View<'_>, row: &Row<'_>) -> TestCase {
    let r = row.record;
    let scenario = super::model::scenario(&row.key).unwrap_or_else(|| "module".into());
    let regression = view
        .regressions()
        .iter()
        .find(|c| c.key == row.key && c.status == Status::Fail);
    let detail = format!(
        "value {} (exact {} {}), target {}, hard {}; {}",
        human_opt(r.value, r.unit),
        r.value.map_or("-".to_owned(), |v| v.to_string()),
        r.unit,
        human_opt(r.threshold_warn, r.unit),
        human_opt(r.threshold_hard, r.unit),
        row.reason.unwrap_or("not judged by the gate")
    );
    let status = match (row.status, regression) {
        (Status::Fail, _) => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(row.why())
                .set_type("budget")
                .set_description(detail.clone());
            s
        }
        (_, Some(c)) => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "{:+.2} % against the baseline (max {} %)",
                c.regression_pct, c.max_regression_pct
            ))
            .set_type("baseline regression")
            .set_description(detail.clone());
            s
        }
        (Status::Skip, _) => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(row.why());
            s
        }
        _ => TestCaseStatus::success(),
    };
    let mut case = TestCase::new(
        format!(
            "{} {scenario}{}",
            row.key.metric_id,
            view.adapter_suffix(&row.key)
        ),
        status,
    );
    case.set_classname(format!(
        "wasm-budgets.{}.{}",
        row.key.environment, row.key.profile
    ));
    match row.status {
        Status::Warn => {
            case.set_system_out(format!("warning: {}\n{detail}\n", row.why()));
        }
        Status::Pass => {
            case.set_system_out(format!("{detail}\n"));
        }
        _ => {}
    }
    case
}
