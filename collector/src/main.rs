//! `collector`: a thin entry point that parses the command line, runs one command and maps its outcome to an exit code.

mod adapter_crate;
mod against;
mod answers;
mod attribute;
mod cli;
mod cmd;
mod documents;
mod ending;
mod files;
mod gating;
mod home;
mod measuring;
mod module_size;
mod names;
mod outcome;
mod policies;
mod profiles;
mod provenance;
mod report;
mod serve;
mod shards;
mod signals;
mod size_table;
mod summaries;
mod table;
mod template;
mod wasm_parts;
use charts::units;

use std::process::ExitCode;

use outcome::Outcome;

fn main() -> ExitCode {
    let outcome = cli::parse().and_then(|(cli, home)| cmd::run(cli, &home));
    match outcome {
        Ok(Outcome::Pass) => ExitCode::SUCCESS,
        Ok(Outcome::BudgetFailure) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
