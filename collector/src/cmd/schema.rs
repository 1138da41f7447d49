//! `collector schema KIND`: prints the JSON Schema of one kind of file.

use anyhow::Result;

use crate::cli::SchemaArgs;
use crate::outcome::Outcome;

pub fn run(args: &SchemaArgs) -> Result<Outcome> {
    println!("{}", serde_json::to_string_pretty(&args.kind.schema())?);
    Ok(Outcome::Pass)
}
