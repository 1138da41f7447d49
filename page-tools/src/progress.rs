//! The progress line the page shows while a seed runs: workload, seed, probe, phase, done/total and
//! the time left in the phase (from the phase's elapsed time and its share done).

use serde::Deserialize;

use scenarios::{Probe, Unit, Workload};

use crate::ToolsError;

/// The engine's report (as `run_scenario` passes it) plus what the page counts.
#[derive(Debug, Clone, Deserialize)]
pub struct ProgressRequest {
    pub workload: Workload,
    pub seed: u64,
    #[serde(default)]
    pub probe: Option<Probe>,
    #[serde(default)]
    pub phase: Option<String>,
    pub done: u32,
    pub total: u32,
    /// The engine's set of timed samples (`attempt`): above 0, the samples restarted that many times.
    #[serde(default)]
    pub attempt: u32,
    /// Wall time since this phase of this probe started, ms.
    pub elapsed_ms: f64,
    /// This (workload, seed) is run `run` (1-based) of `runs` on the page.
    pub run: u32,
    pub runs: u32,
    /// Wall time the runs that ended took, ms, and the current run's so far (the matrix's time left).
    #[serde(default)]
    pub ended_runs_ms: Option<f64>,
    #[serde(default)]
    pub run_elapsed_ms: Option<f64>,
}

/// `steady-throughput · seed 11 (run 1 of 4) · reserve-send · timed batches 120/200 · ~1.5 s left`.
pub fn line(req: &ProgressRequest) -> String {
    let mut parts = vec![
        req.workload.to_string(),
        format!("seed {} (run {} of {})", req.seed, req.run, req.runs),
    ];
    if let Some(p) = req.probe {
        parts.push(p.to_string());
    }
    let phase = req.phase.as_deref().unwrap_or("running").replace('-', " ");
    let mut at = if req.total > 0 {
        format!("{phase} {}/{}", req.done, req.total)
    } else {
        phase
    };
    if req.attempt > 0 {
        at.push_str(&format!(
            " (restarted {}×: short batches, batch doubled)",
            req.attempt
        ));
    }
    parts.push(at);
    let human = |ms: f64| charts::units::human(ms, Unit::Milliseconds);
    match (left_ms(req), matrix_left_ms(req)) {
        (Some(p), Some(all)) => parts.push(format!(
            "~{} left in the phase, ~{} in all",
            human(p),
            human(all)
        )),
        (Some(p), None) => parts.push(format!("~{} left in the phase", human(p))),
        (None, Some(all)) => parts.push(format!("~{} left in all", human(all))),
        (None, None) => {}
    }
    parts.join(" · ")
}

/// Time left in the whole matrix at the mean time of the runs that ended (none before one ended).
fn matrix_left_ms(req: &ProgressRequest) -> Option<f64> {
    let ended = req.run.checked_sub(1).filter(|n| *n > 0)?;
    let took = req.ended_runs_ms.filter(|ms| ms.is_finite())?;
    let now = req
        .run_elapsed_ms
        .filter(|ms| ms.is_finite())
        .unwrap_or(0.0);
    let per_run = took / f64::from(ended);
    Some((per_run * f64::from(req.runs.saturating_sub(ended)) - now).max(0.0))
}

/// Time left in the phase at the rate so far (none before the first sample or without a total).
fn left_ms(req: &ProgressRequest) -> Option<f64> {
    (req.done > 0 && req.total >= req.done && req.elapsed_ms.is_finite())
        .then(|| req.elapsed_ms / f64::from(req.done) * f64::from(req.total - req.done))
}

/// The line for a JSON `ProgressRequest`.
pub fn progress_line(request_json: &str) -> Result<String, ToolsError> {
    Ok(line(&serde_json::from_str(request_json)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_where_the_run_is_and_the_time_left() {
        let json = r#"{"workload":"steady-throughput","seed":11,"probe":"reserve-send",
            "phase":"timed-batches","done":50,"total":200,"values_ns":[1],"elapsed_ms":500,"run":1,"runs":4}"#;
        assert_eq!(
            progress_line(json).unwrap(),
            "steady-throughput · seed 11 (run 1 of 4) · reserve-send · timed batches 50/200 · ~1.5 s left in the phase"
        );
        let json = r#"{"workload":"steady-throughput","seed":29,"probe":"spawn-join","phase":"timed-batches",
            "done":100,"total":200,"elapsed_ms":1000,"run":2,"runs":4,"ended_runs_ms":5000,"run_elapsed_ms":1000}"#;
        assert!(progress_line(json)
            .unwrap()
            .ends_with("~1 s left in the phase, ~14 s in all"));
        let json = r#"{"workload":"steady-throughput","seed":11,"probe":"reserve-send",
            "phase":"calibration","done":0,"total":0,"elapsed_ms":10,"run":2,"runs":4}"#;
        assert!(progress_line(json)
            .unwrap()
            .ends_with("reserve-send · calibration"));
        let json = r#"{"workload":"steady-throughput","seed":11,"probe":"reserve-send","attempt":1,
            "phase":"timed-batches","done":0,"total":200,"elapsed_ms":0,"run":1,"runs":1}"#;
        assert!(progress_line(json)
            .unwrap()
            .ends_with("timed batches 0/200 (restarted 1×: short batches, batch doubled)"));
    }
}
