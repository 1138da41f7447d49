//! Progress of a run: a bar with the time left on a terminal, one line per finished step otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Counts (workload, seed) steps.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    started: Instant,
    step_started: Instant,
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
        let now = Instant::now();
        Progress {
            bar,
            total,
            done: 0,
            started: now,
            step_started: now,
        }
    }

    /// A step begins; `label` says which environment, profile, workload and seed.
    pub fn start(&mut self, label: &str) {
        self.step_started = Instant::now();
        if let Some(b) = &self.bar {
            b.set_message(label.to_owned());
        }
    }

    /// A step finished.
    pub fn finish_step(&mut self, label: &str) {
        self.done += 1;
        match &self.bar {
            Some(b) => b.inc(1),
            None => {
                let elapsed = self.started.elapsed();
                let left = elapsed.mul_f64((self.total - self.done) as f64 / self.done as f64);
                eprintln!(
                    "[{}/{}] {label} in {:.1}s; about {} left",
                    self.done,
                    self.total,
                    self.step_started.elapsed().as_secs_f64(),
                    humantime::format_duration(Duration::from_secs(left.as_secs()))
                );
            }
        }
    }

    /// More steps were planned (confirmation re-measurements).
    pub fn grow(&mut self, more: u64) {
        self.total += more;
        if let Some(b) = &self.bar {
            b.set_length(self.total);
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
