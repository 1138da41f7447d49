//! The futures-local runtime behind [`RuntimeAdapter`]: `futures::channel::mpsc` two-phase sends,
//! the `FuturesUnordered` executor, `gloo-timers` timeouts and `Abortable` storm tasks.

use std::cell::Cell;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::future::poll_fn;
use futures::task::noop_waker_ref;
use futures::StreamExt;

use crate::executor::{Executor, Obligation, Scope, YieldNow};
use crate::storm::{self, Storm, StormRuntime};
use crate::timer::Timers;
use crate::trace::{Traced, Tracer};
use harness_wasm::adapter::{spawn_work, Chunk, RuntimeAdapter};
use harness_wasm::error::AdapterError;
use harness_wasm::invariants::{InvariantReport, Invariants};
use harness_wasm::rng::SeedRng;
use harness_wasm::schedule::{mix, ScheduleSpec, StormSpec};

/// The futures-local runtime.
pub struct FuturesLocal {
    inv: Rc<Invariants>,
    exec: Executor,
    timers: Timers,
    tx: mpsc::Sender<u64>,
    rx: mpsc::Receiver<u64>,
    /// Storm tasks reserve their permits here (each holds a ready clone of the sender).
    storm_tx: mpsc::Sender<u64>,
    _storm_rx: mpsc::Receiver<u64>,
    stream_capacity: usize,
    scope: Option<Scope>,
    tracer: Rc<Tracer>,
}

impl FuturesLocal {
    /// Runs `spec` under the tracer in its current mode; returns the checksum. A replay (`replay`:
    /// the recorded id hash) is checked once the schedule went idle, and any task it left parked then
    /// finishes live, so none outlives the call.
    fn schedule(&mut self, spec: &ScheduleSpec, replay: Option<u64>) -> Result<u64, AdapterError> {
        let acc = Rc::new(Cell::new(spec.seed));
        let scope = Scope::default();
        for task in 0..spec.tasks {
            let acc = acc.clone();
            let steps = spec.steps;
            let body = async move {
                for step in 0..steps {
                    acc.set(mix(acc.get(), task, step));
                    YieldNow::default().await;
                }
            };
            drop(
                self.exec
                    .spawn(&scope, Traced::new(task, self.tracer.clone(), body)),
            );
        }
        self.exec.run_until_idle();
        let replayed = replay.map_or(Ok(()), |hash| self.tracer.replayed(hash, scope.live()));
        self.exec.close(scope)?;
        replayed?;
        Ok(acc.get())
    }
}

impl RuntimeAdapter for FuturesLocal {
    type Storm = Storm;

    fn name(&self) -> &'static str {
        "futures-local (futures::channel + FuturesUnordered + gloo-timers)"
    }

    fn start(seed: u64) -> Result<Self, AdapterError> {
        let inv = Rc::new(Invariants::default());
        let mut rng = SeedRng::fork(seed, 0xF07E);
        let (tx, rx) = mpsc::channel(rng.range(16, 64) as usize);
        let (storm_tx, storm_rx) = mpsc::channel(0);
        Ok(Self {
            exec: Executor::new(inv.clone()),
            timers: Timers::new(inv.clone()),
            inv,
            tx,
            rx,
            storm_tx,
            _storm_rx: storm_rx,
            stream_capacity: rng.range(4, 32) as usize,
            scope: None,
            tracer: Rc::default(),
        })
    }

    fn reserve_send(&mut self, value: u64) -> Result<u64, AdapterError> {
        let mut cx = Context::from_waker(noop_waker_ref());
        match self.tx.poll_ready(&mut cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => return Err(AdapterError::ChannelClosed),
            Poll::Pending => return Err(AdapterError::ChannelFull),
        }
        let tx = &mut self.tx;
        Obligation::reserved(&self.inv)
            .commit(|| tx.start_send(value))
            .map_err(|_| AdapterError::ChannelClosed)?;
        self.rx.try_recv().map_err(|_| AdapterError::ChannelClosed)
    }

    fn stream(&mut self, chunks: Vec<Chunk>) -> Result<Vec<Chunk>, AdapterError> {
        let (mut tx, mut rx) = mpsc::channel::<Chunk>(self.stream_capacity);
        let inv = self.inv.clone();
        let n = chunks.len();
        let scope = Scope::default();
        let producer = self.exec.spawn(&scope, async move {
            for chunk in chunks {
                poll_fn(|cx| tx.poll_ready(cx))
                    .await
                    .map_err(|_| AdapterError::ChannelClosed)?;
                Obligation::reserved(&inv)
                    .commit(|| tx.start_send(chunk))
                    .map_err(|_| AdapterError::ChannelClosed)?;
            }
            Ok::<(), AdapterError>(())
        });
        let consumer = self.exec.spawn(&scope, async move {
            let mut got = Vec::with_capacity(n);
            while let Some(c) = rx.next().await {
                got.push(c);
            }
            got
        });
        self.exec.run_until_idle();
        let got = consumer.take(&self.exec)?;
        producer.take(&self.exec)??;
        self.exec.close(scope)?;
        Ok(got)
    }

    fn timeout_arm_cancel(&mut self, delay_ms: u32) -> Result<(), AdapterError> {
        self.timers.arm_cancel(delay_ms);
        Ok(())
    }

    fn open_scope(&mut self) -> Result<(), AdapterError> {
        if self.scope.is_some() {
            return Err(AdapterError::Invariant("a scope is already open".into()));
        }
        self.scope = Some(Scope::default());
        Ok(())
    }

    fn spawn_join(&mut self, work: u32) -> Result<u64, AdapterError> {
        let scope = self
            .scope
            .as_ref()
            .ok_or_else(|| AdapterError::Invariant("spawn_join without an open scope".into()))?;
        let slot = self.exec.spawn(scope, async move { spawn_work(work) });
        self.exec.run_until_idle();
        slot.take(&self.exec)
    }

    fn spawn_pending(&mut self) -> Result<(), AdapterError> {
        let scope = self
            .scope
            .as_mut()
            .ok_or_else(|| AdapterError::Invariant("spawn_pending without an open scope".into()))?;
        self.exec
            .spawn_detached(scope, futures::future::pending::<()>());
        Ok(())
    }

    fn close_scope(&mut self) -> Result<(), AdapterError> {
        match self.scope.take() {
            Some(s) => self.exec.close(s),
            None => Ok(()),
        }
    }

    fn start_storm(&mut self, spec: &StormSpec) -> Result<Storm, AdapterError> {
        storm::start(
            &StormRuntime {
                inv: &self.inv,
                timers: &self.timers,
                permits: &self.storm_tx,
            },
            spec,
        )
    }

    fn cancel_storm(&mut self, storm: Storm) -> Result<usize, AdapterError> {
        storm::cancel(storm)
    }

    fn run_schedule(&mut self, spec: &ScheduleSpec) -> Result<u64, AdapterError> {
        self.schedule(spec, None)
    }

    #[cfg(feature = "trace")]
    fn record_schedule(&mut self, spec: &ScheduleSpec) -> Result<Vec<u8>, AdapterError> {
        self.tracer.record();
        let out = self.schedule(spec, None);
        let (decisions, id_hash) = self.tracer.recorded();
        out?;
        Ok(harness_wasm::schedule::Trace {
            seed: spec.seed,
            decisions,
            id_hash,
        }
        .encode())
    }

    #[cfg(feature = "trace")]
    fn replay_schedule(&mut self, spec: &ScheduleSpec, trace: &[u8]) -> Result<u64, AdapterError> {
        let trace = harness_wasm::schedule::Trace::decode_for(trace, spec.seed)?;
        self.tracer.replay(trace.decisions, spec.tasks);
        self.schedule(spec, Some(trace.id_hash))
    }

    fn invariants(&self) -> InvariantReport {
        self.inv.report()
    }
}
