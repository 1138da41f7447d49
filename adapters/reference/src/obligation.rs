//! A reserved channel permit that must be sent or dropped (commit-or-abort), counted in the invariants.

use std::rc::Rc;

use harness_wasm::invariants::Invariants;

/// A reserved permit that counts itself sent or dropped (commit-or-abort).
pub struct Obligation<P> {
    permit: Option<P>,
    inv: Rc<Invariants>,
}

impl<P> Obligation<P> {
    pub fn new(permit: P, inv: Rc<Invariants>) -> Self {
        inv.permit_reserved();
        Self {
            permit: Some(permit),
            inv,
        }
    }

    /// Commits: hands the permit to `send` and counts it sent.
    pub fn commit<R>(mut self, send: impl FnOnce(P) -> R) -> Option<R> {
        let p = self.permit.take()?;
        self.inv.permit_sent();
        Some(send(p))
    }
}

impl<P> Drop for Obligation<P> {
    fn drop(&mut self) {
        if self.permit.take().is_some() {
            self.inv.permit_aborted();
        }
    }
}
