// www/sdk/src/glue.ts: the type of the wasm-bindgen glue module a profile build ships (`/dist/<profile>/harness.js`); types only.

/** The exports of the glue that the page core calls (see `dist/<profile>/harness.d.ts`). Scenario
 * exports take one JSON object, checked and completed by `scenario_request`. */
export interface HarnessGlue {
  default(init: { module_or_path: string | URL | WebAssembly.Module }): Promise<unknown>;
  adapter_name(): string;
  /** `{name, version, commit?}` of the adapter's crate. Absent in builds before the adapter crates. */
  adapter_crate?(): string;
  /** Runs the adapter conformance suite for `seed`; resolves to its report JSON. Absent in builds before it. */
  conformance?(seed: number): Promise<string>;
  clock_info(): string;
  scenario_request(options_json: string): string;
  /** Resolves to the wire JSON; calls `pause(progress_json)` between timed batches and awaits its result. */
  run_scenario(request_json: string, pause: (progress_json: string) => Promise<void>): Promise<string>;
  cold_start_plan(request_json: string): string;
  cold_start_wire(request_json: string, phases_json: string, frame_gc: boolean, seeds_in_turn: number): string;
  default_warmup(): number;
  harness_profile(): string;
  harness_version(): string;
  min_iterations(): number;
  seed_set(): Float64Array;
  trace_enabled(): boolean;
  workloads(): string[];
  /** Sets the engine's yield interval (a paired run's turn), ms; returns the previous one. Absent in builds before it. */
  set_yield_every_ms?(ms: number): number;
}

/** The exports of the page tools (`/dist/page-tools/page_tools.js`), loaded beside the measured module:
 * the live table, the progress line and the charts, all computed and drawn in Rust. */
export interface PageToolsGlue {
  default(init: { module_or_path: string | URL | WebAssembly.Module }): Promise<unknown>;
  summarize_wire(wire_json: string, environment: string): string;
  live_rows(request_json: string): string;
  live_headings(): string[];
  judge_value(budgets_json: string, profile: string, environment: string, metric: string, value: number): string;
  /** `{budgets, profile, environment, results, samples}` → `{distributions: [{key, svg}], bars: svg | null}`. */
  live_charts(request_json: string): string;
  /** A finished seed's wire → `[LiveSamples]` (every probe's per-op values, as the report plots them). */
  finished_samples(wire_json: string): string;
  /** `{workload, seed, probe?, phase?, done, total, elapsed_ms, run, runs, ended_runs_ms?, run_elapsed_ms?}` → the progress line. */
  progress_line(request_json: string): string;
}
