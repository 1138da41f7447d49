//! `collector check-adapter`: the adapter conformance suite in each planned browser session, every
//! check printed (one row per method and expectation, its verdict over the seeds); exit 1 if any
//! fails. It lives beside `run` because it takes the same flags (`settings`).

use std::path::Path;

use anyhow::Result;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};

use crate::cli::CheckAdapterArgs;
use crate::home::Home;
use crate::measuring::{check_conformance, conform};
use crate::outcome::Outcome;

use super::settings;

pub fn run(artifacts: &Path, args: &CheckAdapterArgs, home: &Home) -> Result<Outcome> {
    let sessions = check_conformance(artifacts, &settings(&args.run, home)?)?;
    let mut failed = 0;
    for s in &sessions {
        let Some(first) = s.conformance.first() else {
            continue;
        };
        println!(
            "{} {} {}: adapter `{}`, seeds {}",
            s.env,
            s.profile,
            s.framework,
            first.adapter,
            s.conformance
                .iter()
                .map(|r| r.seed.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_header(["method", "expectation", "verdict"]);
        for (i, c) in first.checks.iter().enumerate() {
            let bad: Vec<String> = s
                .conformance
                .iter()
                .filter(|r| r.checks.get(i).is_none_or(|x| x.failure.is_some()))
                .map(|r| r.seed.to_string())
                .collect();
            let verdict = if bad.is_empty() {
                "pass".to_owned()
            } else {
                format!("FAIL (seeds {})", bad.join(", "))
            };
            t.add_row([c.method.as_str(), c.expectation.as_str(), verdict.as_str()]);
        }
        println!("{t}");
        let lines = conform::failures(&s.conformance);
        for l in &lines {
            println!("  {l}");
        }
        failed += lines.len();
    }
    if failed > 0 {
        println!("{failed} failed check(s): a run refuses this adapter until they pass");
        return Ok(Outcome::BudgetFailure);
    }
    println!(
        "the adapter passes every check in {} session(s)",
        sessions.len()
    );
    Ok(Outcome::Pass)
}
