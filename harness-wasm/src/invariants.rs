//! Invariant accounting: task ownership, permit commit-or-abort, and cancel phase order.
//!
//! Counting is always on (a few `Cell` increments); assertions fire in debug builds or with
//! feature `diagnostics` (see [`crate::ASSERT_INVARIANTS`]).

use std::cell::Cell;

use serde::Serialize;

/// Live counters, shared by a runtime's parts.
#[derive(Debug, Default)]
pub struct Invariants {
    tasks_spawned: Cell<u64>,
    tasks_ended: Cell<u64>,
    orphans: Cell<u64>,
    permits_reserved: Cell<u64>,
    permits_sent: Cell<u64>,
    permits_aborted: Cell<u64>,
    cancels_requested: Cell<u64>,
    cancels_finalized: Cell<u64>,
    phase_violations: Cell<u64>,
    timers_armed: Cell<u64>,
    timers_disarmed: Cell<u64>,
    timers_fired: Cell<u64>,
}

/// A snapshot of [`Invariants`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct InvariantReport {
    pub tasks_spawned: u64,
    pub tasks_ended: u64,
    /// Tasks found alive when their scope closed.
    pub orphans: u64,
    pub permits_reserved: u64,
    pub permits_sent: u64,
    pub permits_aborted: u64,
    pub cancels_requested: u64,
    pub cancels_finalized: u64,
    /// Cancel phases seen out of request → observe → drain → finalize order.
    pub phase_violations: u64,
    /// Timers armed, disarmed (cancelled before their deadline) and fired: a disarmed timer never fires.
    pub timers_armed: u64,
    pub timers_disarmed: u64,
    pub timers_fired: u64,
}

fn bump(c: &Cell<u64>) {
    c.set(c.get() + 1);
}

impl Invariants {
    pub fn task_spawned(&self) {
        bump(&self.tasks_spawned);
    }
    pub fn task_ended(&self) {
        bump(&self.tasks_ended);
    }
    pub fn orphaned(&self, n: u64) {
        self.orphans.set(self.orphans.get() + n);
    }
    pub fn permit_reserved(&self) {
        bump(&self.permits_reserved);
    }
    pub fn permit_sent(&self) {
        bump(&self.permits_sent);
    }
    pub fn permit_aborted(&self) {
        bump(&self.permits_aborted);
    }
    pub fn cancel_requested(&self) {
        bump(&self.cancels_requested);
    }
    pub fn cancel_finalized(&self) {
        bump(&self.cancels_finalized);
    }
    pub fn phase_violation(&self) {
        bump(&self.phase_violations);
    }
    pub fn timer_armed(&self) {
        bump(&self.timers_armed);
    }
    pub fn timer_disarmed(&self) {
        bump(&self.timers_disarmed);
    }
    pub fn timers_fired(&self, n: u64) {
        self.timers_fired.set(self.timers_fired.get() + n);
    }

    pub fn report(&self) -> InvariantReport {
        InvariantReport {
            tasks_spawned: self.tasks_spawned.get(),
            tasks_ended: self.tasks_ended.get(),
            orphans: self.orphans.get(),
            permits_reserved: self.permits_reserved.get(),
            permits_sent: self.permits_sent.get(),
            permits_aborted: self.permits_aborted.get(),
            cancels_requested: self.cancels_requested.get(),
            cancels_finalized: self.cancels_finalized.get(),
            phase_violations: self.phase_violations.get(),
            timers_armed: self.timers_armed.get(),
            timers_disarmed: self.timers_disarmed.get(),
            timers_fired: self.timers_fired.get(),
        }
    }
}

impl InvariantReport {
    /// Permits reserved but neither sent nor dropped yet.
    pub fn permits_outstanding(&self) -> u64 {
        self.permits_reserved
            .saturating_sub(self.permits_sent + self.permits_aborted)
    }

    /// Timers armed and neither disarmed nor fired yet.
    pub fn timers_pending(&self) -> u64 {
        self.timers_armed
            .saturating_sub(self.timers_disarmed + self.timers_fired)
    }

    /// Checks the invariants that must hold when the runtime is quiescent.
    pub fn check_quiescent(&self) -> Result<(), String> {
        let mut bad = Vec::new();
        if self.orphans != 0 {
            bad.push(format!("{} task(s) outlived their scope", self.orphans));
        }
        if self.tasks_spawned != self.tasks_ended {
            bad.push(format!(
                "{} task(s) spawned, {} ended",
                self.tasks_spawned, self.tasks_ended
            ));
        }
        if self.permits_reserved != self.permits_sent + self.permits_aborted {
            bad.push(format!(
                "{} permit(s) reserved, {} sent + {} dropped",
                self.permits_reserved, self.permits_sent, self.permits_aborted
            ));
        }
        if self.cancels_requested != self.cancels_finalized {
            bad.push(format!(
                "{} cancel(s) requested, {} finalized",
                self.cancels_requested, self.cancels_finalized
            ));
        }
        if self.phase_violations != 0 {
            bad.push(format!(
                "{} cancel phase order violation(s)",
                self.phase_violations
            ));
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(bad.join("; "))
        }
    }
}

/// With assertions on, turns a non-quiescent report into an error; without, accepts it.
pub fn assert_quiescent(report: &InvariantReport) -> Result<(), crate::error::AdapterError> {
    if crate::ASSERT_INVARIANTS {
        report
            .check_quiescent()
            .map_err(crate::error::AdapterError::Invariant)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiescence_needs_balanced_counters() {
        let inv = Invariants::default();
        inv.permit_reserved();
        assert!(inv.report().check_quiescent().is_err());
        assert_eq!(inv.report().permits_outstanding(), 1);
        inv.permit_aborted();
        inv.task_spawned();
        inv.task_ended();
        assert!(inv.report().check_quiescent().is_ok());
    }
}
