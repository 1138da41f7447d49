//! Seeded schedule specifications and the compact encoding of a recorded schedule trace.

use crate::error::AdapterError;
use crate::rng::SeedRng;

/// What a deterministic schedule run does: `tasks` tasks, each yielding `steps` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleSpec {
    pub seed: u64,
    pub tasks: u32,
    pub steps: u32,
}

impl ScheduleSpec {
    /// Parameters derived from the seed.
    pub fn from_seed(seed: u64) -> Self {
        let mut r = SeedRng::fork(seed, 0x5CED);
        Self {
            seed,
            tasks: r.range(8, 24),
            steps: r.range(4, 12),
        }
    }
}

/// One cancellation storm of `cancel-response` (03B): `tasks` tasks in flight, of three kinds —
/// running (a chunk of `work` arithmetic steps between checkpoints, yielding to the executor after
/// each), awaiting a timer (`timer_ms` ahead on the runtime's wheel) and awaiting a channel receive —
/// in the proportions `running : timers : (the rest) receivers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StormSpec {
    pub seed: u64,
    pub tasks: u32,
    pub running: u32,
    pub timers: u32,
    pub work: u32,
    pub timer_ms: u32,
}

impl StormSpec {
    /// Parameters derived from the seed: 112–144 tasks, each kind between 30 % and 40 % of them, a
    /// work chunk of 128–256 steps. Seeds vary the storm's make-up and the executor's order, not its
    /// size, so their p95s measure one scenario.
    pub fn from_seed(seed: u64) -> Self {
        let mut r = SeedRng::fork(seed, 0x5709);
        let tasks = r.range(112, 144);
        let running = tasks * r.range(30, 40) / 100;
        let timers = tasks * r.range(30, 40) / 100;
        Self {
            seed,
            tasks,
            running,
            timers,
            work: r.range(128, 256),
            timer_ms: r.range(1, 50),
        }
    }

    /// Which kind the `i`-th task of the storm is.
    pub fn kind(&self, i: u32) -> StormTask {
        if i < self.running {
            StormTask::Running
        } else if i < self.running + self.timers {
            StormTask::Timer
        } else {
            StormTask::Receiver
        }
    }
}

/// What a storm task is doing when the cancel arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StormTask {
    Running,
    Timer,
    Receiver,
}

const MAGIC: &[u8; 4] = b"HWT2";
const HEADER: usize = 20;

/// A recorded schedule: the seed, the ready-queue index chosen at each step, and a hash of the
/// (run-relative) task ids those choices ran, which replay must reproduce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub seed: u64,
    pub decisions: Vec<u32>,
    pub id_hash: u64,
}

/// Folds one chosen task id into a trace's id hash.
#[inline]
pub fn hash_id(hash: u64, id: u32) -> u64 {
    (hash ^ u64::from(id)).wrapping_mul(0x0000_0100_0000_01B3)
}

/// Id hash of an empty schedule.
pub const HASH_START: u64 = 0xCBF2_9CE4_8422_2325;

impl Trace {
    /// `HWT2`, seed and id hash (8 bytes LE each), step count (LEB128), then each index (LEB128).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + 4 + self.decisions.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.seed.to_le_bytes());
        out.extend_from_slice(&self.id_hash.to_le_bytes());
        leb128(&mut out, self.decisions.len() as u64);
        for d in &self.decisions {
            leb128(&mut out, u64::from(*d));
        }
        out
    }

    /// Decodes a trace that must have been recorded with `seed` (a replay of another seed's trace
    /// is refused as malformed input).
    pub fn decode_for(bytes: &[u8], seed: u64) -> Result<Self, AdapterError> {
        let trace = Self::decode(bytes)?;
        if trace.seed != seed {
            return Err(AdapterError::BadTrace(format!(
                "trace was recorded with seed {}, not {seed}",
                trace.seed
            )));
        }
        Ok(trace)
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, AdapterError> {
        let bad = |m: &str| AdapterError::BadTrace(m.to_owned());
        if bytes.len() < HEADER || &bytes[..4] != MAGIC {
            return Err(bad("missing HWT2 header"));
        }
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(w)
        };
        let mut pos = HEADER;
        let n = read_leb128(bytes, &mut pos).ok_or_else(|| bad("truncated step count"))?;
        let n = usize::try_from(n).map_err(|_| bad("step count too large"))?;
        if n > bytes.len() {
            return Err(bad("step count exceeds trace length"));
        }
        let mut decisions = Vec::with_capacity(n);
        for _ in 0..n {
            let d = read_leb128(bytes, &mut pos).ok_or_else(|| bad("truncated step"))?;
            decisions.push(u32::try_from(d).map_err(|_| bad("task id too large"))?);
        }
        if pos != bytes.len() {
            return Err(bad("trailing bytes"));
        }
        Ok(Self {
            seed: word(4),
            decisions,
            id_hash: word(12),
        })
    }
}

/// Appends `v` as unsigned LEB128.
pub fn leb128(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_leb128(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Order-sensitive mix used as a schedule checksum: differs when the interleaving differs.
pub fn mix(acc: u64, task: u32, step: u32) -> u64 {
    (acc ^ (u64::from(task) << 32 | u64::from(step)))
        .wrapping_mul(0x100_0000_01B3)
        .rotate_left(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_round_trips_and_rejects_garbage() {
        let t = Trace {
            seed: 42,
            decisions: vec![0, 5, 300, 2, 70000],
            id_hash: 99,
        };
        assert_eq!(Trace::decode(&t.encode()).unwrap(), t);
        assert!(Trace::decode(b"nope").is_err());
        let mut b = t.encode();
        b.push(1);
        assert!(Trace::decode(&b).is_err());
        b.truncate(b.len() - 2);
        assert!(Trace::decode(&b).is_err());
    }

    #[test]
    fn spec_is_a_function_of_the_seed() {
        assert_eq!(ScheduleSpec::from_seed(11), ScheduleSpec::from_seed(11));
        assert!(ScheduleSpec::from_seed(29).tasks >= 8);
    }
}
