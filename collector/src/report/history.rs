//! Each key's history from the gate's event log: its latest runs with a value, mapped onto
//! `charts::history` (the value per run coloured by the gate's status, the target and hard lines).

use scenarios::gate::GateEvent;
use scenarios::summary::RecordKey;

use super::model::Row;
use super::plots::Svg;

/// At most this many runs are drawn per key (the latest).
pub const MAX_RUNS: usize = 60;

/// The key's events with a value, oldest first, the latest [`MAX_RUNS`].
pub fn of_key<'e>(events: &'e [GateEvent], key: &RecordKey) -> Vec<&'e GateEvent> {
    let all: Vec<&GateEvent> = events
        .iter()
        .filter(|e| &e.key == key && e.value.is_some())
        .collect();
    all[all.len().saturating_sub(MAX_RUNS)..].to_vec()
}

/// A run's short name on the axis: the commit's first 7 characters.
fn run_label(e: &GateEvent) -> String {
    e.commit.chars().take(7).collect()
}

/// The value per run with the row's target and hard budget.
pub fn chart(row: &Row<'_>, events: &[&GateEvent]) -> Svg {
    let runs: Vec<charts::Run> = events
        .iter()
        .map(|e| charts::Run {
            label: run_label(e),
            value: e.value,
            status: e.status,
        })
        .collect();
    let title = format!(
        "{} — {} {}",
        row.label(),
        row.key.profile,
        row.key.environment
    );
    Ok(charts::history(&charts::History {
        title: &title,
        unit: row.unit(),
        runs: &runs,
        warn: row.record.threshold_warn,
        hard: row.record.threshold_hard,
    })?)
}
