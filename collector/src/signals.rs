//! Requests to stop from outside (Ctrl-C, SIGTERM, SIGHUP), caught as one future so every command cleans up alike.

use anyhow::{Context, Result};
use tokio::signal::unix::{signal, Signal, SignalKind};

/// The three stop signals, listened to from the moment this is made (a signal before `wait` is not lost).
pub struct StopSignals {
    int: Signal,
    term: Signal,
    hup: Signal,
}

impl StopSignals {
    /// Starts listening; call inside a tokio runtime.
    pub fn listen() -> Result<StopSignals> {
        let on = |kind| signal(kind).context("cannot listen for stop signals");
        Ok(StopSignals {
            int: on(SignalKind::interrupt())?,
            term: on(SignalKind::terminate())?,
            hup: on(SignalKind::hangup())?,
        })
    }

    /// Resolves with the signal's name when one arrives.
    pub async fn wait(&mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "SIGINT (Ctrl-C)",
            _ = self.term.recv() => "SIGTERM",
            _ = self.hup.recv() => "SIGHUP",
        }
    }
}
