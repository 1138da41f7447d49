// www/sdk/src/wire.ts: TypeScript types (only) of the harness wire JSON (mirrors ci/schemas/harness_wire.schema.json), the live table and the page API.

/** A budgeted artifact profile (contract section 2). */
export type Profile = 'core-min' | 'core-trace' | 'full-dev';

/** A host framework of the benchmark corpus (contract section 8.2). */
export type Framework = 'vanilla-js' | 'typescript-sdk' | 'react' | 'nextjs';

/** A workload of the benchmark corpus (contract section 8.2). */
export type Workload =
  | 'cold-start'
  | 'steady-throughput'
  | 'cancellation-storm'
  | 'streaming-io'
  | 'memory-pressure';

/** One quantity the in-browser harness measures. */
/** Where in a probe's protocol the engine is (`harness_wasm::pace::Phase`). */
export type Phase = 'warm-up' | 'calibration' | 'timed-batches' | 'per-operation';

export type Probe =
  | 'cold-init'
  | 'heap'
  | 'cancel-response'
  | 'reserve-send'
  | 'timeout-arm-cancel'
  | 'spawn-join'
  | 'replay-step';

/** What one sample counts: batch wall time (ns) or a memory reading (bytes). */
export type SampleUnit = 'ns' | 'bytes';

/** A browser environment of the contract (as `summarize_wire` expects it). */
export type Environment = 'desktop-chromium' | 'desktop-firefox' | 'mobile-android';

/** How the page's clock behaved when the run started. */
export interface ClockInfo {
  /** Smallest non-zero step of `performance.now()` observed, in nanoseconds. */
  tick_ns: number;
  /** `globalThis.crossOriginIsolated` (COOP + COEP). */
  cross_origin_isolated: boolean;
}

/** The samples of one probe. */
export interface ProbeResult {
  probe: Probe;
  unit: SampleUnit;
  /** Operations per timed sample. */
  batch_size: number;
  /** Measured cost of an empty batch of the same size. */
  loop_overhead_ns: number;
  /** Raw samples: batch wall times (ns) or memory readings (bytes). */
  samples: number[];
  /** For a relative probe (replay), the same batches run without the measured envelope. */
  baseline_samples?: number[] | null;
  /** Named parts of each sample, same length as `samples`. */
  components?: Record<string, number[]>;
}

/** One scenario run for one seed, as produced by `harness-wasm` (`WireResult`). */
export interface WireResult {
  wire_version: number;
  harness_version: string;
  adapter: string;
  workload: Workload;
  framework: Framework;
  profile: Profile;
  seed: number;
  iterations: number;
  warmup: number;
  clock: ClockInfo;
  user_agent: string;
  probes: ProbeResult[];
}

/** A metric's unit (the budgets file's and the summary's). */
export type Unit = 'bytes' | 'ms' | 'us' | 'percent';

/** A gate status. */
export type Status = 'pass' | 'warn' | 'fail' | 'skip';

/** One probe of one seed as the collector reduces it (`summarize_wire`, `scenarios::live::SeedSummary`). */
export interface SeedSummary {
  workload: Workload;
  probe: Probe;
  metric: string;
  /** The metric's unit; `p95` is in it. */
  unit: Unit;
  seed: number;
  batch_size: number;
  loop_overhead_ns: number;
  /** This seed's p95 (M-PERF-04D: replay overhead over the live baseline, percent). */
  p95: number;
}

/** One row of the live table (`live_rows`, `scenarios::live::LiveRow`): computed and judged in Rust. */
export interface LiveRow {
  key: string;
  workload: Workload;
  probe: Probe;
  metric: string;
  batch_size: number;
  per_seed: { seed: number; p95: number }[];
  /** Median of the per-seed p95s: the gate value. */
  value: number;
  /** What the gate says of `value` (null: no budgets file, or it cannot judge; `budget` says why). */
  status: Status | null;
  unit: Unit;
  threshold_warn: number | null;
  threshold_hard: number | null;
  target: number | null;
  /** The budget in words. */
  budget: string;
  /** What to show, in `LiveTable.headings` order. */
  cells: string[];
}

/** What `wasmBudget.ready` resolves to. */
export interface ReadyInfo {
  profile: Profile;
  harness_version: string;
  tick_ns: number;
  cross_origin_isolated: boolean;
  user_agent: string;
}

/** Arguments of `runScenario`; iterations and warm-up default to the contract's values. */
export interface ScenarioOptions {
  workload: Workload;
  seed: number;
  iterations?: number;
  warmup?: number;
  framework?: Framework;
}

/** The page JS API every host exposes as `window.wasmBudget` (the collector drives it). */
export interface WasmBudgetApi {
  ready: Promise<ReadyInfo>;
  /** Resolves to the wire JSON string of one (workload, seed). */
  runScenario(opts: ScenarioOptions): Promise<string>;
  /** Cold start of several seeds, their frames of samples interleaved; one wire JSON string per seed, in order. */
  runColdStart(opts: ScenarioOptions[]): Promise<string[]>;
  /**
   * One (workload, seed) of this build and of the base build served at `/base/` (`collector run
   * --against`), taking turns in `pattern`'s order in this page; both answers and the turns' ends.
   */
  runPaired(opts: ScenarioOptions, pattern: PairSide[], turnMs?: number): Promise<PairedAnswer>;
  /** Cold start of several seeds of this build and the base build, frame by frame in turns; one answer per seed. */
  runColdStartPaired(opts: ScenarioOptions[]): Promise<PairedAnswer[]>;
  /** The adapter conformance suite for each seed, in order: one report JSON string each (`scenarios::conformance::ConformanceReport`). */
  conformance(seeds: number[]): Promise<string[]>;
}

/** A side of a paired run. */
export type PairSide = 'base' | 'candidate';

/** Where a side's engine was when its turn ended (its progress report at that yield). */
export interface TurnEnd {
  side: PairSide;
  probe?: Probe;
  phase?: Phase;
  attempt?: number;
  done: number;
  seed?: number;
}

/** A candidate's and its base's wire JSON strings for one question, and the turns they took. */
export interface PairedAnswer {
  candidate: string;
  base: string;
  turns: TurnEnd[];
}

declare global {
  interface Window {
    wasmBudget?: WasmBudgetApi;
  }
}
