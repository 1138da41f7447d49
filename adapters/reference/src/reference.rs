//! The reference adapter: `tokio::sync::mpsc` two-phase sends, the seeded `async-task` executor,
//! the `setTimeout`-driven timer wheel and cancel tokens, behind [`RuntimeAdapter`].

use std::cell::Cell;
use std::rc::Rc;

use futures::FutureExt;
use tokio::sync::mpsc;

use crate::executor::{yield_now, Executor, Scope};
use crate::obligation::Obligation;
use crate::storm_tasks::{self, Storm, StormRuntime};
use crate::timer_driver::Timers;
use harness_wasm::adapter::{spawn_work, Chunk, RuntimeAdapter};
use harness_wasm::error::AdapterError;
use harness_wasm::invariants::{InvariantReport, Invariants};
use harness_wasm::rng::SeedRng;
use harness_wasm::schedule::{mix, ScheduleSpec, StormSpec};

/// Capacity of the storm channel: every storm task in flight holds one permit of it.
const STORM_CAPACITY: usize = 1 << 24;

/// The reference runtime.
pub struct ReferenceAdapter {
    seed: u64,
    inv: Rc<Invariants>,
    exec: Executor,
    timers: Timers,
    tx: mpsc::Sender<u64>,
    rx: mpsc::Receiver<u64>,
    storm_tx: mpsc::Sender<u64>,
    _storm_rx: mpsc::Receiver<u64>,
    stream_capacity: usize,
    scope: Option<Scope>,
}

impl ReferenceAdapter {
    pub fn executor(&self) -> &Executor {
        &self.exec
    }

    pub fn timers(&self) -> &Timers {
        &self.timers
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    fn run_schedule_inner(&self, spec: &ScheduleSpec) -> Result<u64, AdapterError> {
        self.exec.reseed(spec.seed);
        let acc = Rc::new(Cell::new(spec.seed));
        let scope = self.exec.scope();
        for task in 0..spec.tasks {
            let acc = acc.clone();
            let steps = spec.steps;
            scope
                .spawn(async move {
                    for step in 0..steps {
                        acc.set(mix(acc.get(), task, step));
                        yield_now().await;
                    }
                })
                .detach();
        }
        scope.close()?;
        Ok(acc.get())
    }
}

impl RuntimeAdapter for ReferenceAdapter {
    type Storm = Storm;

    fn name(&self) -> &'static str {
        "reference (tokio::sync + async-task)"
    }

    fn start(seed: u64) -> Result<Self, AdapterError> {
        let inv = Rc::new(Invariants::default());
        let mut rng = SeedRng::fork(seed, 0xADA9);
        let (tx, rx) = mpsc::channel(rng.range(16, 64) as usize);
        let (storm_tx, storm_rx) = mpsc::channel(STORM_CAPACITY);
        Ok(Self {
            seed,
            exec: Executor::new(seed, inv.clone()),
            timers: Timers::counted(inv.clone()),
            inv,
            tx,
            rx,
            storm_tx,
            _storm_rx: storm_rx,
            stream_capacity: rng.range(4, 32) as usize,
            scope: None,
        })
    }

    fn reserve_send(&mut self, value: u64) -> Result<u64, AdapterError> {
        let permit = self
            .tx
            .reserve()
            .now_or_never()
            .ok_or(AdapterError::ChannelFull)?
            .map_err(|_| AdapterError::ChannelClosed)?;
        Obligation::new(permit, self.inv.clone()).commit(|p| p.send(value));
        self.rx.try_recv().map_err(|_| AdapterError::ChannelClosed)
    }

    fn stream(&mut self, chunks: Vec<Chunk>) -> Result<Vec<Chunk>, AdapterError> {
        let (tx, mut rx) = mpsc::channel::<Chunk>(self.stream_capacity);
        let inv = self.inv.clone();
        let n = chunks.len();
        let scope = self.exec.scope();
        let producer = scope.spawn(async move {
            for chunk in chunks {
                let permit = tx
                    .reserve()
                    .await
                    .map_err(|_| AdapterError::ChannelClosed)?;
                Obligation::new(permit, inv.clone()).commit(|p| p.send(chunk));
            }
            Ok::<(), AdapterError>(())
        });
        let consumer = scope.spawn(async move {
            let mut got = Vec::with_capacity(n);
            while let Some(c) = rx.recv().await {
                got.push(c);
            }
            got
        });
        let got = consumer.join()?;
        producer.join()??;
        scope.close()?;
        Ok(got)
    }

    fn timeout_arm_cancel(&mut self, delay_ms: u32) -> Result<(), AdapterError> {
        let key = self.timers.arm(delay_ms, None);
        if self.timers.cancel(key) {
            Ok(())
        } else {
            Err(AdapterError::Invariant(
                "an armed timer could not be cancelled".into(),
            ))
        }
    }

    fn open_scope(&mut self) -> Result<(), AdapterError> {
        if self.scope.is_some() {
            return Err(AdapterError::Invariant("a scope is already open".into()));
        }
        self.scope = Some(self.exec.scope());
        Ok(())
    }

    fn spawn_join(&mut self, work: u32) -> Result<u64, AdapterError> {
        let scope = self
            .scope
            .as_ref()
            .ok_or_else(|| AdapterError::Invariant("spawn_join without an open scope".into()))?;
        scope.spawn(async move { spawn_work(work) }).join()
    }

    fn spawn_pending(&mut self) -> Result<(), AdapterError> {
        let scope = self
            .scope
            .as_ref()
            .ok_or_else(|| AdapterError::Invariant("spawn_pending without an open scope".into()))?;
        scope.spawn(futures::future::pending::<()>()).detach();
        Ok(())
    }

    fn close_scope(&mut self) -> Result<(), AdapterError> {
        match self.scope.take() {
            Some(s) => s.close(),
            None => Ok(()),
        }
    }

    fn start_storm(&mut self, spec: &StormSpec) -> Result<Storm, AdapterError> {
        storm_tasks::start(
            &StormRuntime {
                inv: &self.inv,
                timers: &self.timers,
                permits: &self.storm_tx,
            },
            spec,
        )
    }

    fn cancel_storm(&mut self, storm: Storm) -> Result<usize, AdapterError> {
        storm_tasks::cancel(storm)
    }

    fn run_schedule(&mut self, spec: &ScheduleSpec) -> Result<u64, AdapterError> {
        self.run_schedule_inner(spec)
    }

    #[cfg(feature = "trace")]
    fn record_schedule(&mut self, spec: &ScheduleSpec) -> Result<Vec<u8>, AdapterError> {
        self.exec.start_recording();
        let out = self.run_schedule_inner(spec);
        let mut trace = self.exec.finish_recording();
        out?;
        trace.seed = spec.seed;
        Ok(trace.encode())
    }

    #[cfg(feature = "trace")]
    fn replay_schedule(&mut self, spec: &ScheduleSpec, trace: &[u8]) -> Result<u64, AdapterError> {
        let trace = harness_wasm::schedule::Trace::decode_for(trace, spec.seed)?;
        self.exec.start_replay(trace);
        let out = self.run_schedule_inner(spec);
        let end = self.exec.finish_replay();
        if out.is_err() {
            // A diverged replay leaves its tasks mid-schedule: finish them live so none leaks.
            self.exec.run_until_idle()?;
        }
        let sum = out?;
        end?;
        Ok(sum)
    }

    fn invariants(&self) -> InvariantReport {
        self.inv.report()
    }
}
