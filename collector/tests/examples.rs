//! The CI examples a team copies (`ci/examples/`) run here, on a reduced protocol: the `run:` blocks
//! of the GitHub workflows and the `script:` lines of the GitLab pipeline are read from the files and
//! executed as they are, in real browsers, with only the values GitHub or GitLab would set (the
//! base ref, the shard index, `BUDGET_FLAGS`) given here. What `uses:` steps do (upload, download,
//! cache) is done by the test between them. The device-farm job needs a device and is only linted.

mod common;

use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use common::{assert_nothing_left, marker, root, SERIAL};

/// A reduced protocol every example's commands get through `BUDGET_FLAGS`.
const REDUCED: &str = "--workload steady-throughput --seeds 11 --iterations 100";

fn load(rel: &str) -> Yaml {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{rel}: not YAML: {e}"))
        .remove(0)
}

/// The `run:` block of the step named `name` in job `job` of a GitHub workflow.
fn github_run(workflow: &Yaml, job: &str, name: &str) -> String {
    workflow["jobs"][job]["steps"]
        .as_vec()
        .unwrap_or_else(|| panic!("job {job} has no steps"))
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("job {job} has no step {name:?} with a run: block"))
        .to_owned()
}

/// The `script:` lines of a GitLab job, as one script.
fn gitlab_script(pipeline: &Yaml, job: &str) -> String {
    pipeline[job]["script"]
        .as_vec()
        .unwrap_or_else(|| panic!("job {job} has no script"))
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `script` with bash -e in the repository root, every process it starts marked with `mark`;
/// returns the exit code.
fn bash(script: &str, mark: &str, env: &[(&str, &str)]) -> i32 {
    let mut c = Command::new("bash");
    c.args(["-euo", "pipefail", "-c", script])
        .current_dir(root())
        .env("WASM_BUDGET_TEST_MARK", mark)
        .env("BUDGET_FLAGS", REDUCED);
    for (k, v) in env {
        c.env(k, v);
    }
    let status = c.status().expect("bash runs");
    status.code().unwrap_or(-1)
}

fn remove(rel: &str) {
    let _ = std::fs::remove_dir_all(root().join(rel));
}

/// A verdict was reached: pass/warn (0) or a budget failure (1) — on a reduced protocol an A/A pair
/// may cross a line by noise; bad input or a broken command (2, or anything else) fails the test.
fn assert_verdict(code: i32, what: &str) {
    assert!(code == 0 || code == 1, "{what}: exit {code}, not a verdict");
}

#[test]
fn the_pull_request_workflow_measures_this_build_beside_its_base() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let wf = load("ci/examples/github/pr.yml");
    let summary = tempfile::NamedTempFile::new().unwrap();
    let summary_path = summary.path().display().to_string();
    remove("artifacts");
    let mark = marker();
    let code = bash(
        &github_run(&wf, "budgets", "Measure this change beside its base"),
        &mark,
        &[("BASE_REF", "HEAD")],
    );
    assert_verdict(code, "the PR job's measurement");
    let code = bash(
        &github_run(&wf, "budgets", "Summary"),
        &mark,
        &[("GITHUB_STEP_SUMMARY", &summary_path)],
    );
    assert_eq!(code, 0);
    assert_nothing_left(&mark);
    let md = std::fs::read_to_string(summary.path()).unwrap();
    assert!(
        md.contains("04A") && md.contains("steady"),
        "the step summary holds the Markdown report: {md}"
    );
    let report =
        std::fs::read_to_string(root().join("artifacts/wasm_perf_regression_report.json")).unwrap();
    assert!(
        report.contains("\"base_source\""),
        "the regressions were judged against the base measured beside the candidate"
    );
}

#[test]
fn the_nightly_workflow_measures_three_shards_and_gates_once() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let wf = load("ci/examples/github/nightly.yml");
    let shards = wf["env"]["SHARDS"].as_str().unwrap().to_owned();
    remove("shards");
    remove("history");
    let mark = marker();
    for shard in ["1", "2", "3"] {
        remove("artifacts");
        let code = bash(
            &github_run(
                &wf,
                "measure",
                "Measure shard ${{ matrix.shard }} of the matrix",
            ),
            &mark,
            &[("SHARD", shard), ("SHARDS", &shards)],
        );
        assert_eq!(code, 0, "shard {shard}/{shards}");
        // actions/upload-artifact + download-artifact with `pattern: shard-*`, `path: shards`.
        let to = root().join(format!("shards/shard-{shard}"));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::rename(root().join("artifacts"), &to).unwrap();
    }
    let code = bash(
        &github_run(&wf, "merge-and-gate", "Merge the shards and gate once"),
        &mark,
        &[("GITHUB_RUN_ID", "examples-test")],
    );
    assert_verdict(code, "the nightly merge");
    assert_nothing_left(&mark);
    let history =
        std::fs::read_to_string(root().join("history/wasm_perf_gate_events.ndjson")).unwrap();
    assert!(
        history.lines().count() >= 9,
        "one event per merged record: {history}"
    );
    remove("shards");
    remove("history");
}

#[test]
fn the_gitlab_nightly_measures_three_shards_and_gates_once() {
    let _g = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let p = load("ci/examples/gitlab/nightly.gitlab-ci.yml");
    let shards = p["variables"]["SHARDS"].as_str().unwrap().to_owned();
    assert_eq!(p["measure"]["parallel"].as_i64(), Some(3));
    remove("shards");
    remove("history");
    let mark = marker();
    for index in ["1", "2", "3"] {
        let code = bash(
            &gitlab_script(&p, "measure"),
            &mark,
            &[("CI_NODE_INDEX", index), ("SHARDS", &shards)],
        );
        assert_eq!(code, 0, "shard {index}/{shards}");
    }
    let code = bash(
        &gitlab_script(&p, "merge-and-gate"),
        &mark,
        &[("CI_PIPELINE_ID", "examples-test")],
    );
    assert_verdict(code, "the GitLab merge");
    assert_nothing_left(&mark);
    assert!(root().join("artifacts/wasm_budget_junit.xml").is_file());
    remove("shards");
    remove("history");
}
