//! The subcommands, one module each; this file only dispatches (shared services live beside `cmd/`).

mod build;
mod gate;
mod merge;
mod new_adapter;
mod report;
mod run;
mod schema;
mod serve;
mod size;
mod validate;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::home::Home;
use crate::outcome::Outcome;

pub fn run(cli: Cli, home: &Home) -> Result<Outcome> {
    match cli.command {
        Command::Validate(a) => validate::run(&cli.artifacts_dir, &a),
        Command::Size(a) => size::run(&cli.artifacts_dir, &a),
        Command::Gate(a) => gate::run(&cli.artifacts_dir, &a),
        Command::Schema(a) => schema::run(&a),
        Command::Build(a) => build::run(&a, home),
        Command::Serve(a) => serve::run(&a, home),
        Command::Run(a) => run::run(&cli.artifacts_dir, &a, home),
        Command::Merge(a) => merge::run(&cli.artifacts_dir, &a),
        Command::Noise(a) => run::noise::run(&cli.artifacts_dir, &a, home),
        Command::CheckAdapter(a) => run::check::run(&cli.artifacts_dir, &a, home),
        Command::Report(a) => report::run(&cli.artifacts_dir, &a),
        Command::NewAdapter(a) => new_adapter::run(&a, home),
        Command::Reference => {
            print!("{}", crate::cli::reference());
            Ok(Outcome::Pass)
        }
    }
}
