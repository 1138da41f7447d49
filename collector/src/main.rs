//! `collector`: a thin entry point that parses the command line, runs one command and maps its outcome to an exit code.

mod cli;
mod cmd;
mod files;
mod policies;
mod profiles;
mod provenance;
mod run;
mod serve;
mod table;

use std::process::ExitCode;

use clap::Parser;

/// What a command concluded, as an exit code: 0 pass or warn, 1 budget failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    BudgetFailure,
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(Outcome::Pass) => ExitCode::SUCCESS,
        Ok(Outcome::BudgetFailure) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
