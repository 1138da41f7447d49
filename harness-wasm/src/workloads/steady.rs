//! steady-throughput: `reserve-send` (reserve a permit, send, consumer receives) and `spawn-join`.

use scenarios::wire::ProbeResult;
use scenarios::Probe;

use crate::adapter::RuntimeAdapter;
use crate::clock::Clock;
use crate::engine::{each, Engine};
use crate::error::HarnessError;
use crate::pace::Pacer;
use crate::rng::SeedRng;

pub async fn run<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<Vec<ProbeResult>, HarnessError> {
    Ok(vec![
        reserve_send(engine, adapter, seed).await?,
        spawn_join(engine, adapter, seed).await?,
    ])
}

/// `reserve-send`: each operation sends one seeded value and receives it.
pub async fn reserve_send<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let mut rng = SeedRng::fork(seed, 0x5E9D);
    engine
        .measure(
            Probe::ReserveSend,
            |n| Ok((0..n).map(|_| rng.next_u64()).collect::<Vec<u64>>()),
            each(|values: &mut Vec<u64>, i| adapter.reserve_send(values[i as usize])),
        )
        .await
}

/// `spawn-join`: each operation spawns a task of seeded small work in the batch's scope and joins it.
pub async fn spawn_join<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let work = SeedRng::fork(seed, 0x5FA0).range(8, 32);
    let adapter = std::cell::RefCell::new(adapter);
    engine
        .measure(
            Probe::SpawnJoin,
            |_| {
                adapter.borrow_mut().open_scope()?;
                Ok(ScopeGuard(&adapter))
            },
            each(|g: &mut ScopeGuard<'_, '_, A>, _| g.0.borrow_mut().spawn_join(work)),
        )
        .await
}

/// Closes the batch's scope when the batch's state is dropped (after the timed region).
struct ScopeGuard<'r, 'a, A: RuntimeAdapter>(&'r std::cell::RefCell<&'a mut A>);

impl<A: RuntimeAdapter> Drop for ScopeGuard<'_, '_, A> {
    fn drop(&mut self) {
        // A failed close is counted as orphans and reported by the final quiescence check.
        let _ = self.0.borrow_mut().close_scope();
    }
}
