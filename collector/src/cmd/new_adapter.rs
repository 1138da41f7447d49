//! `collector new-adapter DIR`: writes a new adapter crate to start from, and says what to type next.

use anyhow::Result;

use crate::cli::NewAdapterArgs;
use crate::home::Home;
use crate::outcome::Outcome;
use crate::template::{write, Template};

pub fn run(args: &NewAdapterArgs, home: &Home) -> Result<Outcome> {
    let t = Template::new(&args.dir, args.name.as_deref(), home)?;
    write(&t)?;
    let dir = args.dir.display();
    println!(
        "wrote the adapter crate `{}` in {dir} (the futures-local runtime, renamed: replace its runtime with yours, keeping the RuntimeAdapter impl and export_harness!)\nnext:\n  collector check-adapter --adapter {dir}   # its semantics, in the browser\n  collector run --adapter {dir}             # its budgets: artifacts/wasm_budget_summary.json",
        t.name
    );
    Ok(Outcome::Pass)
}
