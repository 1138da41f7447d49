//! `collector serve`: serves the host pages and the profile builds (loopback by default) for a developer's browser.

use anyhow::Result;

use crate::cli::ServeArgs;
use crate::home::Home;
use crate::outcome::Outcome;
use crate::serve::{start, Roots};
use crate::signals::StopSignals;

pub fn run(args: &ServeArgs, home: &Home) -> Result<Outcome> {
    let checkout = home.root()?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let mut stop = StopSignals::listen()?;
        let roots = Roots::in_repo(checkout, &args.dist);
        if !roots.dist.join("core-min").is_dir() {
            eprintln!(
                "note: {} has no core-min build yet; run `collector build` first",
                roots.dist.display()
            );
        }
        let server = start(&roots, &args.listen.resolve(args.port)?).await?;
        println!(
            "serving www/ at {0}/  (profiles: {0}/?profile=core-min | core-trace | full-dev)",
            server.origin()
        );
        let origin = server.origin();
        let secure = origin.starts_with("https://")
            || ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|o| origin.starts_with(o));
        if secure {
            println!("cross-origin isolated (COOP same-origin, COEP require-corp); Ctrl-C stops");
        } else {
            println!("COOP/COEP are sent, but {origin} is not a secure context: pages opened there are NOT cross-origin isolated (serve HTTPS with --tls-cert/--tls-key); Ctrl-C stops");
        }
        let why = stop.wait().await;
        eprintln!("{why}: stopping the server");
        server.stop().await;
        Ok(Outcome::Pass)
    })
}
