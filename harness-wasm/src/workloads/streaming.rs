//! streaming-io: `reserve-send` of chunks streamed producer → consumer through the bounded channel, and
//! `replay-step` (replay load + step of a recorded seeded schedule vs the same schedule run live).

use scenarios::wire::ProbeResult;
use scenarios::Probe;

use crate::adapter::{Chunk, RuntimeAdapter};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::error::HarnessError;
use crate::pace::Pacer;
use crate::rng::SeedRng;
use crate::schedule::ScheduleSpec;

pub async fn run<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<Vec<ProbeResult>, HarnessError> {
    let mut probes = vec![stream(engine, adapter, seed).await?];
    // A build without the trace/replay envelope (core-min) has nothing to replay; the collector
    // records M-PERF-04D as `skip` for it (see `scenarios::protocol::unmeasurable`).
    if cfg!(feature = "trace") {
        probes.push(replay_step(engine, adapter, seed).await?);
    }
    Ok(probes)
}

/// Distinct buffers a streaming batch's chunks are drawn from (bounds the batch's memory).
pub const CHUNK_POOL: u32 = 64;

/// `n` freshly allocated chunks of seeded sizes (256 B – 4 KiB).
pub fn chunks(rng: &mut SeedRng, n: u32) -> Vec<Chunk> {
    (0..n)
        .map(|i| Chunk::from(vec![i as u8; rng.range(256, 4096) as usize]))
        .collect()
}

/// `reserve-send` over a stream: one operation is one chunk; a batch streams `n` chunks drawn
/// from a pool of [`CHUNK_POOL`] seeded buffers (so large batches do not grow linear memory).
pub async fn stream<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let mut rng = SeedRng::fork(seed, 0x57E4);
    let pool = chunks(&mut rng, CHUNK_POOL);
    engine
        .measure(
            Probe::ReserveSend,
            |n| {
                let pick = |_| pool[rng.below(u64::from(CHUNK_POOL)) as usize].clone();
                Ok(Some((0..n).map(pick).collect::<Vec<Chunk>>()))
            },
            |input: &mut Option<Vec<Chunk>>, _| adapter.stream(input.take().unwrap_or_default()),
        )
        .await
}

/// `replay-step`: one operation loads the recorded trace and replays the whole schedule; the
/// baseline runs the same schedule live. Fails with "profile built without `trace`" in core-min.
pub async fn replay_step<A: RuntimeAdapter, C: Clock, P: Pacer>(
    engine: &Engine<C, P>,
    adapter: &mut A,
    seed: u64,
) -> Result<ProbeResult, HarnessError> {
    let spec = ScheduleSpec::from_seed(seed);
    let trace = adapter.record_schedule(&spec)?;
    let adapter = std::cell::RefCell::new(adapter);
    engine
        .measure_paired(
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
        .await
}
