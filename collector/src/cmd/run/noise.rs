//! `collector noise`: measures one build several times and writes each record's run-to-run spread
//! (`artifacts/wasm_noise_report.json`), the noise floor the 10 % regression rule is read against. It lives
//! beside `run` because it takes the same flags (`settings`).

use std::path::Path;

use anyhow::Result;

use scenarios::gate::show;
use scenarios::noise::noise;

use crate::cli::NoiseArgs;
use crate::documents::Document;
use crate::files::{to_json_bytes, write_atomic};
use crate::home::Home;
use crate::outcome::Outcome;

use super::settings;
use crate::measuring::measure_runs;

pub fn run(artifacts: &Path, args: &NoiseArgs, home: &Home) -> Result<Outcome> {
    let (runs, rule) = measure_runs(artifacts, &settings(&args.run, home)?, args.runs)?;
    let report = noise(&runs, rule);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Document::Noise.in_dir(artifacts));
    write_atomic(&out, &to_json_bytes(&report)?)?;
    for e in &report.entries {
        let values: Vec<String> = e.values.iter().map(|v| show(*v)).collect();
        let raw = e
            .spread_at_first_speed_pct
            .map(|pct| format!(" (at one machine speed {pct:.1} %)"))
            .unwrap_or_default();
        println!(
            "{:<70} {:>7} %{raw}  [{}] {}{}",
            e.key.to_string(),
            format!("{:.1}", e.spread_pct),
            values.join(", "),
            e.unit,
            if e.exceeds_rule {
                "  ← reaches the regression rule"
            } else {
                ""
            }
        );
    }
    let loud = report.entries.iter().filter(|e| e.exceeds_rule).count();
    println!(
        "{} keys over {} runs; {loud} with noise at or above the {} % rule; wrote {}",
        report.entries.len(),
        report.runs,
        show(rule),
        out.display()
    );
    Ok(Outcome::Pass)
}
