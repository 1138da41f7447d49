//! Folding wire results into records: units, per-seed p95 → median, replay overhead, refusal of mixed input.

use std::collections::BTreeMap;

use scenarios::fold::{records, FoldError, RunInfo, SessionInfo};
use scenarios::wire::{ClockInfo, ProbeResult, SampleUnit, WireResult, WIRE_VERSION};
use scenarios::{Environment, Framework, MetricId, Probe, Profile, Unit, Workload};

fn probe(probe: Probe, samples: Vec<f64>, baseline: Option<Vec<f64>>) -> ProbeResult {
    ProbeResult {
        probe,
        unit: SampleUnit::Ns,
        batch_size: 10,
        loop_overhead_ns: 0.0,
        samples,
        baseline_samples: baseline,
        components: BTreeMap::new(),
        rejected_batches: 0,
        warmup_batches: 0,
        warmup_unsteady: false,
        per_op_samples: None,
        speed_reference: None,
    }
}

fn wire(seed: u64, workload: Workload, probes: Vec<ProbeResult>) -> WireResult {
    WireResult {
        wire_version: WIRE_VERSION,
        harness_version: "t".into(),
        adapter: "a".into(),
        adapter_crate: None,
        workload,
        framework: Framework::VanillaJs,
        profile: Profile::CoreTrace,
        seed,
        iterations: 100,
        warmup: 0,
        clock: ClockInfo {
            tick_ns: 5000.0,
            cross_origin_isolated: true,
        },
        injected_slowdown_pct: None,
        built_slowdown_pct: None,
        yield_every_ms: None,
        cold_frame_gc: None,
        cold_seeds_in_turn: None,
        user_agent: "ua".into(),
        probes,
    }
}

/// The p95 is a measured value (nearest rank), so only unit conversion can move it, by float rounding.
fn approx(got: Option<f64>, want: f64) -> bool {
    got.is_some_and(|g| ((g - want) / want).abs() <= 1e-12)
}

fn run() -> RunInfo {
    RunInfo {
        commit: "c".into(),
        commands: vec!["collector run".into()],
        reduced_protocol: false,
        concurrency: None,
        server_delay_ms: None,
    }
}

#[test]
fn per_op_microseconds_median_of_seed_p95s() {
    // Batches of 10 ops: 50 000 ns per batch = 5 µs per op for seed 11, 7 µs for 29, 6 µs for 42.
    let results: Vec<WireResult> = [(11, 50_000.0), (29, 70_000.0), (42, 60_000.0)]
        .into_iter()
        .map(|(seed, batch)| {
            wire(
                seed,
                Workload::SteadyThroughput,
                vec![
                    probe(Probe::ReserveSend, vec![batch; 100], None),
                    probe(Probe::SpawnJoin, vec![batch * 2.0; 100], None),
                ],
            )
        })
        .collect();
    let recs = records(
        Environment::DesktopChromium,
        &SessionInfo::default(),
        &run(),
        &results,
        &[],
    )
    .unwrap();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].metric_id, MetricId::Perf04A);
    assert_eq!(recs[0].unit, Unit::Microseconds);
    assert!(approx(recs[0].value, 6.0), "{:?}", recs[0].value);
    assert_eq!(recs[1].metric_id, MetricId::Perf04C);
    assert!(approx(recs[1].value, 12.0));
    assert_eq!(recs[0].seed_set, vec![11, 29, 42]);
    let d = recs[0].detail.as_ref().unwrap();
    for (got, want) in d.per_seed_p95.iter().zip([5.0, 7.0, 6.0]) {
        assert!(approx(Some(got.p95), want), "{got:?}");
    }
    assert_eq!(d.timer_tick_ns, Some(5000.0));
}

#[test]
fn cold_init_is_02b_on_mobile_and_replay_is_a_percentage() {
    let cold = vec![wire(
        11,
        Workload::ColdStart,
        vec![ProbeResult {
            batch_size: 1,
            ..probe(Probe::ColdInit, vec![20e6; 10], None)
        }],
    )];
    let r = records(
        Environment::MobileAndroid,
        &SessionInfo::default(),
        &run(),
        &cold,
        &[],
    )
    .unwrap();
    assert_eq!(
        (r[0].metric_id, r[0].unit),
        (MetricId::Perf02B, Unit::Milliseconds)
    );
    assert!(approx(r[0].value, 20.0));

    // Seeds measured in calls where 5 and 3 seeds took turns (two shards): the record keeps the fewest.
    let cold_start = |seed, in_turn| WireResult {
        cold_seeds_in_turn: Some(in_turn),
        ..wire(
            seed,
            Workload::ColdStart,
            vec![ProbeResult {
                batch_size: 1,
                ..probe(Probe::ColdInit, vec![20e6; 10], None)
            }],
        )
    };
    let r = records(
        Environment::DesktopChromium,
        &SessionInfo::default(),
        &run(),
        &[cold_start(11, 5), cold_start(29, 3)],
        &[],
    )
    .unwrap();
    let d = r[0].detail.as_ref().unwrap();
    assert_eq!(d.cold_seeds_in_turn, Some(3));

    let replay = vec![wire(
        11,
        Workload::StreamingIo,
        vec![probe(
            Probe::ReplayStep,
            vec![11_000.0; 50],
            Some(vec![10_000.0; 50]),
        )],
    )];
    let r = records(
        Environment::DesktopChromium,
        &SessionInfo::default(),
        &run(),
        &replay,
        &[],
    )
    .unwrap();
    assert_eq!(r[0].metric_id, MetricId::Perf04D);
    assert!((r[0].value.unwrap() - 10.0).abs() < 0.2, "{:?}", r[0].value);

    let no_base = vec![wire(
        11,
        Workload::StreamingIo,
        vec![probe(Probe::ReplayStep, vec![1.0; 5], None)],
    )];
    assert!(matches!(
        records(
            Environment::DesktopChromium,
            &SessionInfo::default(),
            &run(),
            &no_base,
            &[]
        ),
        Err(FoldError::NoBaseline { .. })
    ));
}

#[test]
fn mixed_or_incomplete_results_are_refused() {
    let a = wire(
        11,
        Workload::SteadyThroughput,
        vec![probe(Probe::ReserveSend, vec![1.0], None)],
    );
    let mut b = wire(29, Workload::SteadyThroughput, vec![]);
    assert!(matches!(
        records(
            Environment::DesktopChromium,
            &SessionInfo::default(),
            &run(),
            &[a.clone(), b.clone()],
            &[]
        ),
        Err(FoldError::MissingProbe { seed: 29, .. })
    ));
    b.profile = Profile::CoreMin;
    assert!(matches!(
        records(
            Environment::DesktopChromium,
            &SessionInfo::default(),
            &run(),
            &[a, b],
            &[]
        ),
        Err(FoldError::Mixed("profiles"))
    ));
    assert_eq!(
        records(
            Environment::DesktopChromium,
            &SessionInfo::default(),
            &run(),
            &[],
            &[]
        ),
        Err(FoldError::Empty)
    );
}

#[test]
fn a_record_says_how_its_samples_were_timed() {
    // A batched probe at a batch of one is still timed in checked batches: it counts its rejected
    // batches; cold init is one operation per sample, timed alone by the page.
    let storm = vec![wire(
        11,
        Workload::CancellationStorm,
        vec![
            ProbeResult {
                batch_size: 1,
                rejected_batches: 2,
                ..probe(Probe::CancelResponse, vec![2e6; 10], None)
            },
            probe(Probe::TimeoutArmCancel, vec![1e6; 10], None),
        ],
    )];
    let r = records(
        Environment::DesktopChromium,
        &SessionInfo::default(),
        &run(),
        &storm,
        &[],
    )
    .unwrap();
    let d = serde_json::to_value(r[0].detail.as_ref().unwrap()).unwrap();
    assert_eq!(d["timing"], "batches", "{d}");
    assert_eq!(d["rejected_batches"], 2, "{d}");
    let cold = vec![wire(
        11,
        Workload::ColdStart,
        vec![ProbeResult {
            batch_size: 1,
            ..probe(Probe::ColdInit, vec![20e6; 10], None)
        }],
    )];
    let r = records(
        Environment::DesktopChromium,
        &SessionInfo::default(),
        &run(),
        &cold,
        &[],
    )
    .unwrap();
    let d = serde_json::to_value(r[0].detail.as_ref().unwrap()).unwrap();
    assert_eq!(d["timing"], "single-operation", "{d}");
    assert!(d.get("rejected_batches").is_none(), "{d}");
}

#[test]
fn batch_size_and_loop_overhead_are_told_for_every_seed() {
    // Seed 11 (the first) took the larger batches and the larger overhead: the record must not
    // pass its values off as every seed's.
    let seed = |seed, batch_size, loop_overhead_ns| {
        let p = ProbeResult {
            batch_size,
            loop_overhead_ns,
            ..probe(Probe::ReserveSend, vec![200_000.0; 10], None)
        };
        let q = probe(Probe::SpawnJoin, vec![200_000.0; 10], None);
        wire(seed, Workload::SteadyThroughput, vec![p, q])
    };
    let results = [
        seed(11, 40, 900.0),
        seed(29, 10, 100.0),
        seed(42, 20, 500.0),
    ];
    let r = records(
        Environment::DesktopChromium,
        &SessionInfo::default(),
        &run(),
        &results,
        &[],
    )
    .unwrap();
    let d = serde_json::to_value(r[0].detail.as_ref().unwrap()).unwrap();
    let batch = (&d["batch_size"], &d["batch_size_max"]);
    assert_eq!(batch, (&10.into(), &40.into()), "{d}");
    let overhead = (&d["loop_overhead_ns"], &d["loop_overhead_ns_max"]);
    assert_eq!(overhead, (&100.0.into(), &900.0.into()), "{d}");
    let per_seed = &d["loop_overhead_ns_per_seed"];
    let want = serde_json::json!({"11": 900.0, "29": 100.0, "42": 500.0});
    assert_eq!(per_seed, &want, "{d}");
    let want = serde_json::json!({"11": 40, "29": 10, "42": 20});
    assert_eq!(d["batch_size_per_seed"], want, "{d}");
}
