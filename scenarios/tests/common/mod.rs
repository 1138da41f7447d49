//! Shared by the gate test files: a plain core-min desktop-chromium record of one metric.
#![allow(dead_code)]

use scenarios::summary::{Record, Status};
use scenarios::{Environment, MetricId, Profile};

pub fn record(metric: MetricId, value: f64) -> Record {
    Record {
        commit: "abc".into(),
        profile: Profile::CoreMin,
        environment: Environment::DesktopChromium,
        metric_id: metric,
        value: Some(value),
        unit: metric.unit(),
        threshold_warn: None,
        threshold_hard: None,
        status: Status::Pass,
        seed_set: vec![11, 29, 42, 73, 101],
        commands: vec![],
        artifact_paths: vec![],
        detail: None,
    }
}
