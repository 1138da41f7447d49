//! The adapter conformance suite: every [`RuntimeAdapter`] method checked for its semantics, not its
//! speed, before anything is timed. Each failure names the method, the seed and the expectation.
//!
//! Two steps, because one expectation needs the event loop: [`start`] runs every check and arms
//! timers it disarms at once; the caller lets [`Suite::wait_ms`] pass through the event loop (the
//! page export does; native tests cannot), then [`Suite::finish`] checks no disarmed timer fired.

use scenarios::conformance::{ConformanceCheck, ConformanceReport};

use crate::adapter::{spawn_work, Chunk, RuntimeAdapter};
use crate::invariants::InvariantReport;
use crate::rng::SeedRng;
use crate::schedule::{ScheduleSpec, StormSpec};

/// Whether this build carries the suite's export (`HARNESS_CONFORMANCE=1`, set by `collector build`
/// for each profile's conformance module). The measured module leaves it out: linked in, the suite
/// changes how the timed operations are compiled.
pub const BUILT: bool = matches!(
    crate::whole_number(option_env!("HARNESS_CONFORMANCE")),
    Some(1)
);

/// Delays the timer check arms and disarms (ms); the longest short one sets the wait.
const TIMER_DELAYS_MS: [u32; 8] = [0, 1, 2, 3, 5, 8, 600, 2000];
/// How long the caller lets the event loop run before [`Suite::finish`]: past every short delay.
const WAIT_MS: u32 = 30;
/// Values sent through `reserve_send`, beyond the fixed edge values.
const SEEDED_VALUES: usize = 64;
/// Chunks streamed: far above any sensible channel capacity, so back-pressure must engage.
const STREAM_CHUNKS: usize = 300;
/// `spawn_join` work sizes.
const WORK: [u32; 5] = [0, 1, 7, 100, 1000];

/// The suite between its two steps.
pub struct Suite<A: RuntimeAdapter> {
    report: ConformanceReport,
    /// The adapter whose timers were disarmed, kept alive through the wait.
    timers: Option<(A, InvariantReport)>,
}

/// The checks so far.
struct Checks {
    seed: u64,
    list: Vec<ConformanceCheck>,
}

impl Checks {
    fn expect(&mut self, method: &str, expectation: &str, outcome: Result<(), String>) -> bool {
        let ok = outcome.is_ok();
        self.list.push(ConformanceCheck {
            method: method.into(),
            expectation: expectation.into(),
            failure: outcome.err(),
        });
        ok
    }
}

/// `Ok` when `got == want`, else a message naming both.
fn same<T: PartialEq + std::fmt::Debug>(what: &str, want: T, got: T) -> Result<(), String> {
    if want == got {
        Ok(())
    } else {
        Err(format!("{what}: expected {want:?}, got {got:?}"))
    }
}

/// `Ok` when the counter `name` moved by exactly `want` from `before` to `after`.
fn delta(name: &str, before: u64, after: u64, want: u64) -> Result<(), String> {
    let got = after.wrapping_sub(before);
    if got == want {
        Ok(())
    } else {
        Err(format!("invariants().{name} moved by {got}, not {want}"))
    }
}

fn all(results: impl IntoIterator<Item = Result<(), String>>) -> Result<(), String> {
    let errs: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs.join("; "))
    }
}

/// Runs every check but the timer wait for `seed`.
pub fn start<A: RuntimeAdapter>(seed: u64) -> Suite<A> {
    let mut c = Checks {
        seed,
        list: Vec::new(),
    };
    let mut name = String::new();
    let started = A::start(seed).map_err(|e| format!("start failed: {e}"));
    let Some(mut a) = started_ok(&mut c, started) else {
        return Suite {
            report: report(name, c),
            timers: None,
        };
    };
    name = a.name().to_owned();
    c.expect(
        "name",
        "a non-empty adapter name",
        if name.is_empty() {
            Err("empty".into())
        } else {
            Ok(())
        },
    );
    reserve_send(&mut c, &mut a);
    stream(&mut c, &mut a);
    scope(&mut c, &mut a);
    live_task::<A>(&mut c);
    storm(&mut c, &mut a);
    schedule::<A>(&mut c, &mut a);
    let before = a.invariants();
    timers(&mut c, &mut a, before);
    let end = a.invariants();
    c.expect(
        "invariants",
        "quiescence after every check: no orphan, every permit sent or dropped, every cancel finalized, cancel phases in order",
        end.check_quiescent(),
    );
    Suite {
        report: report(name, c),
        timers: Some((a, before)),
    }
}

fn started_ok<A>(c: &mut Checks, started: Result<A, String>) -> Option<A> {
    let ok = c.expect(
        "start",
        "the runtime starts for the seed",
        started.as_ref().map(drop).map_err(Clone::clone),
    );
    ok.then(|| started.ok()).flatten()
}

fn report(adapter: String, c: Checks) -> ConformanceReport {
    ConformanceReport {
        adapter,
        seed: c.seed,
        trace: cfg!(feature = "trace"),
        checks: c.list,
    }
}

impl<A: RuntimeAdapter> Suite<A> {
    /// How long to let the event loop run before [`Suite::finish`], ms.
    pub fn wait_ms(&self) -> u32 {
        WAIT_MS
    }

    /// Checks that no disarmed timer fired during the wait, and returns the report.
    pub fn finish(mut self) -> ConformanceReport {
        if let Some((a, armed)) = self.timers.take() {
            let now = a.invariants();
            self.report.checks.push(ConformanceCheck {
                method: "timeout_arm_cancel".into(),
                expectation: format!(
                    "a disarmed timer never fires (invariants().timers_fired unchanged {WAIT_MS} ms later)"
                ),
                failure: delta("timers_fired", armed.timers_fired, now.timers_fired, 0).err(),
            });
        }
        self.report
    }
}

fn reserve_send<A: RuntimeAdapter>(c: &mut Checks, a: &mut A) {
    let mut rng = SeedRng::fork(c.seed, 0xC0F0);
    let mut values = vec![0, 1, u64::MAX, c.seed];
    values.extend((0..SEEDED_VALUES).map(|_| rng.next_u64()));
    let before = a.invariants();
    let mut first_bad = None;
    for v in &values {
        match a.reserve_send(*v) {
            Ok(got) if got == *v => {}
            Ok(got) => first_bad = first_bad.or(Some(format!("sent {v}, received {got}"))),
            Err(e) => first_bad = first_bad.or(Some(format!("sending {v} failed: {e}"))),
        }
    }
    c.expect(
        "reserve_send",
        "the value sent is the value received",
        first_bad.map_or(Ok(()), Err),
    );
    let after = a.invariants();
    let n = values.len() as u64;
    c.expect(
        "reserve_send",
        "each send reserves one permit and commits it (permits_reserved and permits_sent each +1 per send)",
        all([
            delta("permits_reserved", before.permits_reserved, after.permits_reserved, n),
            delta("permits_sent", before.permits_sent, after.permits_sent, n),
            delta("permits_aborted", before.permits_aborted, after.permits_aborted, 0),
        ]),
    );
}

fn stream<A: RuntimeAdapter>(c: &mut Checks, a: &mut A) {
    let chunks: Vec<Chunk> = (0..STREAM_CHUNKS)
        .map(|i| {
            let mut b = (i as u64 ^ c.seed).to_le_bytes().to_vec();
            b.resize(8 + i % 57, i as u8);
            b.into()
        })
        .collect();
    let before = a.invariants();
    let outcome = match a.stream(chunks.clone()) {
        Err(e) => Err(format!("stream failed: {e}")),
        Ok(got) if got.len() != chunks.len() => Err(format!(
            "{} chunks sent, {} received",
            chunks.len(),
            got.len()
        )),
        Ok(got) => match got.iter().zip(&chunks).position(|(g, s)| g != s) {
            Some(i) => Err(format!("chunk {i} arrived changed or out of order")),
            None => Ok(()),
        },
    };
    c.expect(
        "stream",
        "every chunk arrives, unchanged and in order, through the bounded channel under back-pressure",
        outcome,
    );
    let after = a.invariants();
    let n = STREAM_CHUNKS as u64;
    c.expect(
        "stream",
        "each chunk travels on a reserved permit, and producer and consumer end (permits_sent +1 per chunk, tasks spawned = ended)",
        all([
            delta("permits_sent", before.permits_sent, after.permits_sent, n),
            same(
                "tasks spawned − ended",
                0,
                (after.tasks_spawned - before.tasks_spawned) as i64
                    - (after.tasks_ended - before.tasks_ended) as i64,
            ),
        ]),
    );
}

fn scope<A: RuntimeAdapter>(c: &mut Checks, a: &mut A) {
    let before = a.invariants();
    let opened = a
        .open_scope()
        .map_err(|e| format!("open_scope failed: {e}"));
    let mut results = vec![opened];
    for w in WORK {
        results.push(match a.spawn_join(w) {
            Ok(v) => same(&format!("spawn_join({w})"), spawn_work(w), v),
            Err(e) => Err(format!("spawn_join({w}) failed: {e}")),
        });
    }
    results.push(
        a.close_scope()
            .map_err(|e| format!("close_scope failed: {e}")),
    );
    c.expect(
        "spawn_join",
        "each spawned task runs its body to completion and join returns its value (spawn_work)",
        all(results),
    );
    let after = a.invariants();
    let n = WORK.len() as u64;
    c.expect(
        "close_scope",
        "a scope of joined tasks closes, every task counted spawned and ended, no orphan",
        all([
            delta(
                "tasks_spawned",
                before.tasks_spawned,
                after.tasks_spawned,
                n,
            ),
            delta("tasks_ended", before.tasks_ended, after.tasks_ended, n),
            delta("orphans", before.orphans, after.orphans, 0),
        ]),
    );
}

/// On a runtime of its own: a scope with a live task must refuse to close.
fn live_task<A: RuntimeAdapter>(c: &mut Checks) {
    let outcome = A::start(c.seed)
        .map_err(|e| format!("start failed: {e}"))
        .and_then(|mut b| {
            b.open_scope()
                .and_then(|()| b.spawn_pending())
                .map_err(|e| format!("open_scope/spawn_pending failed: {e}"))?;
            match b.close_scope() {
                Ok(()) => Err("close_scope returned Ok".to_owned()),
                Err(_) if b.invariants().orphans >= 1 => Ok(()),
                Err(_) => Err("close_scope refused, but invariants().orphans stayed 0".into()),
            }
        });
    c.expect(
        "close_scope",
        "a scope refuses to close while a task is alive, and counts the orphan",
        outcome,
    );
}

fn storm<A: RuntimeAdapter>(c: &mut Checks, a: &mut A) {
    let spec = StormSpec::from_seed(c.seed);
    let tasks = u64::from(spec.tasks);
    let before = a.invariants();
    let storm = match a.start_storm(&spec) {
        Ok(s) => s,
        Err(e) => {
            c.expect("start_storm", "the storm starts", Err(e.to_string()));
            return;
        }
    };
    let held = a.invariants();
    c.expect(
        "start_storm",
        "every storm task in flight holds an obligation (one reserved permit each)",
        delta(
            "permits outstanding",
            before.permits_outstanding(),
            held.permits_outstanding(),
            tasks,
        ),
    );
    let cancelled = a.cancel_storm(storm);
    let after = a.invariants();
    c.expect(
        "cancel_storm",
        "a cancelled storm finalizes every task (request → drain → finalize, in order) and leaves no obligation",
        all([
            match cancelled {
                Ok(n) => same("tasks finalized (returned)", tasks, n as u64),
                Err(e) => Err(format!("cancel_storm failed: {e}")),
            },
            delta("cancels_requested", before.cancels_requested, after.cancels_requested, tasks),
            delta("cancels_finalized", before.cancels_finalized, after.cancels_finalized, tasks),
            delta("phase_violations", before.phase_violations, after.phase_violations, 0),
            same("permits outstanding", 0, after.permits_outstanding()),
        ]),
    );
}

fn schedule<A: RuntimeAdapter>(c: &mut Checks, a: &mut A) {
    let spec = ScheduleSpec::from_seed(c.seed);
    let live = a.run_schedule(&spec);
    let again = a.run_schedule(&spec);
    let fresh = A::start(c.seed).and_then(|mut b| b.run_schedule(&spec));
    let outcome = match (&live, again, fresh) {
        (Ok(l), Ok(g), Ok(f)) => all([
            same("checksum, run again", *l, g),
            same("checksum, fresh runtime", *l, f),
        ]),
        (l, g, f) => Err(format!("run_schedule failed: {l:?} / {g:?} / {f:?}")),
    };
    c.expect(
        "run_schedule",
        "a seed fixes every scheduling decision (same seed, same checksum: run again and on a fresh runtime)",
        outcome,
    );
    if cfg!(feature = "trace") {
        let t1 = a.record_schedule(&spec);
        let t2 = a.record_schedule(&spec);
        c.expect(
            "record_schedule",
            "the same seed records the same trace",
            match (&t1, &t2) {
                (Ok(x), Ok(y)) if x == y => Ok(()),
                (Ok(_), Ok(_)) => Err("two recordings differ".into()),
                _ => Err(format!("record_schedule failed: {t1:?} / {t2:?}")),
            },
        );
        let replayed = t1.map(|t| a.replay_schedule(&spec, &t));
        c.expect(
            "replay_schedule",
            "replaying a recorded trace reproduces run_schedule's checksum",
            match (live, replayed) {
                (Ok(l), Ok(Ok(r))) => same("checksum", l, r),
                (_, r) => Err(format!("replay_schedule failed: {r:?}")),
            },
        );
    } else {
        let refused = matches!(
            a.record_schedule(&spec),
            Err(crate::error::AdapterError::TraceDisabled)
        ) && matches!(
            a.replay_schedule(&spec, &[]),
            Err(crate::error::AdapterError::TraceDisabled)
        );
        c.expect(
            "record_schedule",
            "a build without `trace` refuses record and replay with TraceDisabled",
            if refused {
                Ok(())
            } else {
                Err("it did not".into())
            },
        );
    }
}

fn timers<A: RuntimeAdapter>(c: &mut Checks, a: &mut A, before: InvariantReport) {
    let mut results: Vec<Result<(), String>> = TIMER_DELAYS_MS
        .iter()
        .map(|d| {
            a.timeout_arm_cancel(*d)
                .map_err(|e| format!("timeout_arm_cancel({d}) failed: {e}"))
        })
        .collect();
    let after = a.invariants();
    let n = TIMER_DELAYS_MS.len() as u64;
    results.push(delta(
        "timers_armed",
        before.timers_armed,
        after.timers_armed,
        n,
    ));
    results.push(delta(
        "timers_disarmed",
        before.timers_disarmed,
        after.timers_disarmed,
        n,
    ));
    c.expect(
        "timeout_arm_cancel",
        "each call arms a timer and disarms it (timers_armed and timers_disarmed each +1)",
        all(results),
    );
}
