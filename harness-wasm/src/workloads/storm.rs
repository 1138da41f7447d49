//! cancellation-storm: `cancel-response` (request → observed cancel of a parked task) and `timeout-arm-cancel`.

use scenarios::wire::ProbeResult;
use scenarios::Probe;

use crate::adapter::RuntimeAdapter;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::pace::Pacer;
use crate::rng::SeedRng;

pub async fn run<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<Vec<ProbeResult>, HarnessError> {
    Ok(vec![
        cancel_response(engine, adapter).await?,
        timeout_arm_cancel(engine, adapter, seed).await?,
    ])
}

/// `cancel-response`: a batch parks `n` tasks (untimed), then cancels them one by one, each driven
/// from the request until its cancel is observable (drained and finalized).
pub async fn cancel_response<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
) -> Result<ProbeResult, HarnessError> {
    let adapter = std::cell::RefCell::new(adapter);
    engine
        .measure(
            Probe::CancelResponse,
            |n| {
                let mut a = adapter.borrow_mut();
                (0..n)
                    .map(|_| a.park_cancellable())
                    .collect::<Result<Vec<_>, _>>()
            },
            |parked: &mut Vec<A::Cancellable>, _| {
                let mut a = adapter.borrow_mut();
                for p in parked.drain(..) {
                    a.cancel(p)?;
                }
                Ok(())
            },
        )
        .await
}

/// `timeout-arm-cancel`: each operation arms a seeded timeout (1 ms – 2 s) and cancels it.
pub async fn timeout_arm_cancel<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let mut rng = SeedRng::fork(seed, 0x71AE);
    engine
        .measure(
            Probe::TimeoutArmCancel,
            |n| Ok((0..n).map(|_| rng.range(1, 2000)).collect::<Vec<u32>>()),
            |delays: &mut Vec<u32>, _| {
                for d in delays.iter() {
                    adapter.timeout_arm_cancel(*d)?;
                }
                Ok(())
            },
        )
        .await
}
