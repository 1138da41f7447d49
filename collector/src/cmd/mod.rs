//! One module per subcommand; `run` dispatches.

mod build;
mod gate;
mod schema;
mod serve;
mod size;
mod validate;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::Outcome;

pub use gate::{gate_and_record, outcome, read_history, read_summary, GateInputs};
pub use schema::schema_path;
pub use size::{gzip9, size_records};

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Validate(a) => validate::run(&cli.artifacts_dir, &a),
        Command::Size(a) => size::run(&cli.artifacts_dir, &a),
        Command::Gate(a) => gate::run(&cli.artifacts_dir, &a),
        Command::Schema(a) => schema::run(&a),
        Command::Build(a) => build::run(&a),
        Command::Serve(a) => serve::run(&a),
        Command::Run(a) => crate::run::run(&cli.artifacts_dir, &a),
    }
}
