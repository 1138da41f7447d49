//! Progress of a run: a bar with the time left on a terminal, one line per finished step otherwise.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Counts (workload, seed) steps; shared by the sessions of a run (`--jobs`), so it counts through `&self`.
pub struct Progress {
    bar: Option<ProgressBar>,
    counts: Mutex<Counts>,
    started: Instant,
}

struct Counts {
    total: u64,
    done: u64,
}

impl Progress {
    pub fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:30}] {pos}/{len} {msg} (~{eta} left)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b
        });
        Progress {
            bar,
            counts: Mutex::new(Counts { total, done: 0 }),
            started: Instant::now(),
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A step begins; `label` says which environment, profile, workload and seed.
    /// Returns when it started, for [`Progress::finish_step`].
    pub fn start(&self, label: &str) -> Instant {
        if let Some(b) = &self.bar {
            b.set_message(label.to_owned());
        }
        Instant::now()
    }

    /// A step that began at `step_started` finished.
    pub fn finish_step(&self, label: &str, step_started: Instant) {
        self.finish_steps(label, step_started, 1);
    }

    /// `steps` steps run in one call (cold start's seeds) that began at `step_started` finished.
    pub fn finish_steps(&self, label: &str, step_started: Instant, steps: u64) {
        let (done, total) = {
            let mut c = self.counts();
            c.done += steps;
            (c.done, c.total)
        };
        match &self.bar {
            Some(b) => b.inc(steps),
            None => {
                let elapsed = self.started.elapsed();
                let left = elapsed.mul_f64(total.saturating_sub(done) as f64 / done as f64);
                eprintln!(
                    "[{done}/{total}] {label} in {:.1}s; about {} left",
                    step_started.elapsed().as_secs_f64(),
                    humantime::format_duration(Duration::from_secs(left.as_secs()))
                );
            }
        }
    }

    /// More steps were planned (confirmation re-measurements).
    pub fn grow(&self, more: u64) {
        let total = {
            let mut c = self.counts();
            c.total += more;
            c.total
        };
        if let Some(b) = &self.bar {
            b.set_length(total);
        }
    }

    /// Clears the bar (before printing tables).
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}
