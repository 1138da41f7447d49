//! Path flags left at their default (`ci/…` policies, `www`, `dist`) rebased onto the harness checkout
//! (`crate::home`), so the collector works from any directory; paths given on the command line stay.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::{Cli, Command, RunArgs};
use crate::home::Home;

/// Parses the command line (clap's own errors exit as clap does), finds the harness checkout, and
/// makes every path flag left at its default (`ci/…`, `www`, `dist`) a path in that checkout, so
/// the collector works from any directory; paths given on the command line stay as given.
pub fn parse() -> anyhow::Result<(Cli, Home)> {
    let m = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&m).unwrap_or_else(|e| e.exit());
    let home = Home::find(cli.home.as_deref())?;
    let sub = m.subcommand().map(|(_, s)| s);
    let rebase = |p: &mut PathBuf, id: &str| -> anyhow::Result<()> {
        if sub.is_some_and(|s| defaulted(s, id)) {
            *p = home.resolve(p, id)?;
        }
        Ok(())
    };
    match &mut cli.command {
        Command::Size(a) => {
            rebase(&mut a.budgets, "budgets")?;
            if a.attribute {
                // Read only to attribute: without --attribute it needs no checkout.
                rebase(&mut a.policy, "policy")?;
            }
        }
        Command::Build(a) => {
            rebase(&mut a.policy, "policy")?;
            rebase(&mut a.dist, "dist")?;
            rebase(&mut a.adapter, "adapter")?;
        }
        Command::Serve(a) => rebase(&mut a.dist, "dist")?,
        Command::Merge(a) => rebase(&mut a.budgets, "budgets")?,
        Command::Run(a) => a.rebase(rebase)?,
        Command::Noise(a) => a.run.rebase(rebase)?,
        Command::CheckAdapter(a) => a.run.rebase(rebase)?,
        Command::Validate(_)
        | Command::Gate(_)
        | Command::Schema(_)
        | Command::Report(_)
        | Command::NewAdapter(_)
        | Command::Reference => {}
    }
    Ok((cli, home))
}

fn defaulted(m: &ArgMatches, id: &str) -> bool {
    m.value_source(id) == Some(ValueSource::DefaultValue)
}

impl RunArgs {
    /// Applies `rebase` to each path flag with a default in the checkout.
    fn rebase(
        &mut self,
        mut rebase: impl FnMut(&mut PathBuf, &str) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        rebase(&mut self.budgets, "budgets")?;
        rebase(&mut self.corpus, "corpus")?;
        rebase(&mut self.policy, "policy")?;
        rebase(&mut self.dist, "dist")?;
        rebase(&mut self.adapter, "adapter")?;
        rebase(&mut self.www, "www")
    }
}
