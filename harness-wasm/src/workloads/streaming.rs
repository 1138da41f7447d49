//! streaming-io: `reserve-send` of chunks streamed producer → consumer through the bounded channel, and
//! `replay-step` (replay load + step of a recorded seeded schedule vs the same schedule run live).

use scenarios::wire::ProbeResult;
use scenarios::Probe;

use crate::adapter::RuntimeAdapter;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::rng::SeedRng;
use crate::schedule::ScheduleSpec;

pub fn run<A: RuntimeAdapter, C: Clock>(
    engine: &Engine<C>,
    adapter: &mut A,
    seed: u64,
) -> Result<Vec<ProbeResult>, HarnessError> {
    Ok(vec![
        stream(engine, adapter, seed)?,
        replay_step(engine, adapter, seed)?,
    ])
}

/// Seeded chunk sizes (256 B – 4 KiB) for `n` chunks.
pub fn chunks(rng: &mut SeedRng, n: u32) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| vec![i as u8; rng.range(256, 4096) as usize])
        .collect()
}

/// `reserve-send` over a stream: one operation is one chunk; a batch streams `n` chunks.
pub fn stream<A: RuntimeAdapter, C: Clock>(
    engine: &Engine<C>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let mut rng = SeedRng::fork(seed, 0x57E4);
    engine.measure(
        Probe::ReserveSend,
        |n| Ok(Some(chunks(&mut rng, n))),
        |input: &mut Option<Vec<Vec<u8>>>, _| adapter.stream(input.take().unwrap_or_default()),
    )
}

/// `replay-step`: one operation loads the recorded trace and replays the whole schedule; the
/// baseline runs the same schedule live. Fails with "profile built without `trace`" in core-min.
pub fn replay_step<A: RuntimeAdapter, C: Clock>(
    engine: &Engine<C>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let spec = ScheduleSpec::from_seed(seed);
    let trace = adapter.record_schedule(&spec)?;
    let adapter = std::cell::RefCell::new(adapter);
    engine.measure_paired(
        Probe::ReplayStep,
        |_| Ok(()),
        |_: &mut (), n| {
            let mut a = adapter.borrow_mut();
            for _ in 0..n {
                std::hint::black_box(a.replay_schedule(&spec, &trace)?);
            }
            Ok(())
        },
        |_| Ok(()),
        |_: &mut (), n| {
            let mut a = adapter.borrow_mut();
            for _ in 0..n {
                std::hint::black_box(a.run_schedule(&spec)?);
            }
            Ok(())
        },
    )
}
