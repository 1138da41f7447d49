// www/sdk/src/wire.ts: TypeScript types of the harness wire JSON (mirrors ci/schemas/harness_wire.schema.json) and of the page API.

/** A budgeted artifact profile (contract section 2). */
export type Profile = 'core-min' | 'core-trace' | 'full-dev';
export const PROFILES: readonly Profile[] = ['core-min', 'core-trace', 'full-dev'];

/** A host framework of the benchmark corpus (contract section 8.2). */
export type Framework = 'vanilla-js' | 'typescript-sdk' | 'react' | 'nextjs';
export const FRAMEWORKS: readonly Framework[] = ['vanilla-js', 'typescript-sdk', 'react', 'nextjs'];

/** A workload of the benchmark corpus (contract section 8.2). */
export type Workload =
  | 'cold-start'
  | 'steady-throughput'
  | 'cancellation-storm'
  | 'streaming-io'
  | 'memory-pressure';

/** One quantity the in-browser harness measures. */
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

/** Per-probe per-op p95 of one wire result (`summarize_wire`), for live tables. */
export interface ProbeSummary {
  probe: Probe;
  metric: string;
  unit: SampleUnit;
  batch_size: number;
  loop_overhead_ns: number;
  /** p95 of the per-operation values (ns or bytes). */
  p95: number;
  baseline_p95?: number;
  /** `(p95 / baseline_p95 - 1) * 100`, for relative probes. */
  overhead_pct?: number;
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
}

declare global {
  interface Window {
    wasmBudget?: WasmBudgetApi;
  }
}
