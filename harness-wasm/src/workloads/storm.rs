//! cancellation-storm: `cancel-response` (a storm of in-flight tasks cancelled: request → each task's
//! checkpoint → drain → finalize seen by the requester) and `timeout-arm-cancel`.

use scenarios::wire::ProbeResult;
use scenarios::Probe;

use crate::adapter::RuntimeAdapter;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::pace::Pacer;
use crate::rng::SeedRng;
use crate::schedule::StormSpec;

pub async fn run<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<Vec<ProbeResult>, HarnessError> {
    Ok(vec![
        cancel_response(engine, adapter, seed).await?,
        timeout_arm_cancel(engine, adapter, seed).await?,
    ])
}

/// `cancel-response`: a batch puts `n` seeded storms in flight (untimed), then cancels them one by one;
/// each storm's cancel is timed from the request to the requester seeing every task finalized.
pub async fn cancel_response<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let spec = StormSpec::from_seed(seed);
    let adapter = std::cell::RefCell::new(adapter);
    engine
        .measure(
            Probe::CancelResponse,
            |n| {
                let mut a = adapter.borrow_mut();
                (0..n)
                    .map(|_| a.start_storm(&spec))
                    .collect::<Result<Vec<_>, _>>()
            },
            |storms: &mut Vec<A::Storm>, _| {
                let mut a = adapter.borrow_mut();
                for s in storms.drain(..) {
                    a.cancel_storm(s)?;
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
