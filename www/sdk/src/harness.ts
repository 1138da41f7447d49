// www/sdk/src/harness.ts: loads a profile build and runs scenarios (in-page, cold-start and fresh-instance workers); the one harness implementation the framework hosts share.

import { type HarnessGlue, importAtRuntime } from './glue.js';
import {
  type Environment,
  type Framework,
  FRAMEWORKS,
  type ProbeSummary,
  type Profile,
  PROFILES,
  type ReadyInfo,
  type ScenarioOptions,
  type WireResult,
  type Workload,
} from './wire.js';

/** Cold-start samples per worker (each sample imports a fresh glue copy; workers are recycled). */
const COLD_SAMPLES_PER_WORKER = 25;
/** Cold-start warm-up is capped: each warm-up sample is a whole module instantiation. */
const COLD_MAX_WARMUP = 10;

export interface HarnessOptions {
  /** The profile build to load (default `core-min`). */
  profile?: Profile;
  /** Where the profile builds are served (default `/dist/` on this origin). */
  distBase?: string | URL;
  /** The fresh-instance worker (default `/fresh-worker.js` on this origin). */
  freshWorkerUrl?: string | URL;
  /** The framework recorded in wire results when a scenario does not name one (default `vanilla-js`). */
  framework?: Framework;
}

/** What a harness reports while it runs scenarios; hosts re-render from these. */
export type HarnessEvent =
  | { type: 'start'; workload: Workload; seed: number }
  | { type: 'progress'; workload: Workload; seed: number; done: number; total: number }
  | { type: 'result'; workload: Workload; seed: number; json: string; wire: WireResult }
  | { type: 'error'; workload: Workload; seed: number; error: Error };

export type HarnessListener = (event: HarnessEvent) => void;

/** The browser environment this page runs in, as the contract names it. */
export function detectEnvironment(userAgent: string = navigator.userAgent): Environment {
  if (/Android/i.test(userAgent)) return 'mobile-android';
  if (/Firefox\//.test(userAgent)) return 'desktop-firefox';
  return 'desktop-chromium';
}

/** A non-negative integer from `v`, or `fallback` when absent; throws on anything else. */
export function nonNegativeInt(v: unknown, fallback: number | undefined, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${String(v)}`);
  return n;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function uniqueTag(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

type ColdSample = Record<string, number>;

/** A loaded profile build. Scenarios run one at a time, in call order. */
export class Harness {
  readonly info: ReadyInfo;
  readonly workloads: readonly Workload[];
  readonly seedSet: readonly number[];
  readonly minIterations: number;
  readonly defaultWarmup: number;
  readonly traceEnabled: boolean;
  readonly adapter: string;
  readonly environment: Environment;

  private readonly listeners = new Set<HarnessListener>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly glue: HarnessGlue,
    readonly glueUrl: string,
    readonly wasmUrl: string,
    readonly workerUrl: string,
    readonly defaultFramework: Framework,
  ) {
    const clock = JSON.parse(glue.clock_info()) as { tick_ns: number; cross_origin_isolated: boolean };
    this.info = {
      profile: glue.harness_profile() as Profile,
      harness_version: glue.harness_version(),
      tick_ns: clock.tick_ns,
      cross_origin_isolated: clock.cross_origin_isolated,
      user_agent: navigator.userAgent,
    };
    this.workloads = glue.workloads() as Workload[];
    this.seedSet = Array.from(glue.seed_set());
    this.minIterations = glue.min_iterations();
    this.defaultWarmup = glue.default_warmup();
    this.traceEnabled = glue.trace_enabled();
    this.adapter = glue.adapter_name();
    this.environment = detectEnvironment();
  }

  /** Imports `/dist/<profile>/harness.js`, instantiates `harness_bg.wasm`, and checks the build is that profile. */
  static async load(opts: HarnessOptions = {}): Promise<Harness> {
    const profile = opts.profile ?? 'core-min';
    if (!PROFILES.includes(profile)) {
      throw new Error(`unknown profile "${String(profile)}"; expected one of ${PROFILES.join(', ')}`);
    }
    const framework = opts.framework ?? 'vanilla-js';
    if (!FRAMEWORKS.includes(framework)) {
      throw new Error(`unknown framework "${String(framework)}"; expected one of ${FRAMEWORKS.join(', ')}`);
    }
    const base = new URL(`${profile}/`, new URL(opts.distBase ?? '/dist/', location.href));
    const glueUrl = new URL('harness.js', base).href;
    const wasmUrl = new URL('harness_bg.wasm', base).href;
    const workerUrl = new URL(opts.freshWorkerUrl ?? '/fresh-worker.js', location.href).href;
    let glue: HarnessGlue;
    try {
      glue = await importAtRuntime<HarnessGlue>(glueUrl);
      await glue.default({ module_or_path: wasmUrl });
    } catch (e) {
      throw new Error(`cannot load ${glueUrl} (was \`collector build\` run for ${profile}?): ${message(e)}`);
    }
    const built = glue.harness_profile();
    if (built !== profile) throw new Error(`${base.pathname} holds a ${built} build, not ${profile}`);
    return new Harness(glue, glueUrl, wasmUrl, workerUrl, framework);
  }

  /** Subscribes to scenario events; returns the unsubscribe function. */
  subscribe(listener: HarnessListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: HarnessEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        console.error('wasm-budgets: a harness listener threw', e);
      }
    }
  }

  /** Runs one (workload, seed) after any earlier call finished; resolves to the wire JSON string. */
  runScenario(opts: ScenarioOptions): Promise<string> {
    const run = this.queue.then(() => this.runNow(opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Like `runScenario`, with the wire JSON parsed. */
  async run(opts: ScenarioOptions): Promise<{ json: string; wire: WireResult }> {
    const json = await this.runScenario(opts);
    return { json, wire: JSON.parse(json) as WireResult };
  }

  /** Per-probe per-op p95 of one wire result, with metric IDs for `environment` (default: this browser's). */
  summarize(wire: string | WireResult, environment: Environment = this.environment): ProbeSummary[] {
    const json = typeof wire === 'string' ? wire : JSON.stringify(wire);
    return JSON.parse(this.glue.summarize_wire(json, environment)) as ProbeSummary[];
  }

  private async runNow(opts: ScenarioOptions): Promise<string> {
    const raw = (opts ?? {}) as Partial<ScenarioOptions>;
    const workload = raw.workload as Workload;
    if (!this.workloads.includes(workload)) {
      throw new Error(`unknown workload "${String(workload)}"; expected one of ${this.workloads.join(', ')}`);
    }
    const seed = nonNegativeInt(raw.seed, undefined, 'seed');
    if (seed === undefined) throw new Error('seed is required');
    const iterations = nonNegativeInt(raw.iterations, this.minIterations, 'iterations') as number;
    const warmup = nonNegativeInt(raw.warmup, this.defaultWarmup, 'warmup') as number;
    const framework = raw.framework ?? this.defaultFramework;
    if (!FRAMEWORKS.includes(framework)) {
      throw new Error(`unknown framework "${String(framework)}"; expected one of ${FRAMEWORKS.join(', ')}`);
    }
    this.emit({ type: 'start', workload, seed });
    try {
      let json: string;
      if (workload === 'cold-start') {
        json = await this.runCold(seed, iterations, warmup, framework);
      } else if (workload === 'memory-pressure') {
        json = await this.runFresh(workload, seed, iterations, warmup, framework);
      } else {
        // Let the page (and its framework) render before a synchronous measurement blocks the main thread.
        await new Promise((r) => setTimeout(r, 0));
        json = this.glue.run_scenario(workload, seed, iterations, warmup, framework, navigator.userAgent);
      }
      this.emit({ type: 'result', workload, seed, json, wire: JSON.parse(json) as WireResult });
      return json;
    } catch (e) {
      const error = new Error(`${workload} seed ${seed} (${this.info.profile}): ${message(e)}`);
      this.emit({ type: 'error', workload, seed, error });
      throw error;
    }
  }

  /** Posts `msg` to a new fresh-instance worker; resolves to its one reply, then terminates it. */
  private inFreshWorker<T>(msg: Record<string, unknown>, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const w = new Worker(this.workerUrl, { type: 'module' });
      const done = (f: () => void) => {
        w.terminate();
        f();
      };
      w.onmessage = ({ data }: MessageEvent) =>
        done(() => (data.error ? reject(new Error(`${what}: ${data.error}`)) : resolve(data as T)));
      w.onerror = (e: ErrorEvent) =>
        done(() => reject(new Error(`${what} worker: ${e.message || 'failed to start'}`)));
      w.postMessage(msg);
    });
  }

  /** Memory-pressure in a fresh module instance, so earlier scenarios' growth is not counted. */
  private async runFresh(workload: Workload, seed: number, iterations: number, warmup: number, framework: Framework): Promise<string> {
    const reply = await this.inFreshWorker<{ wire: string }>(
      { kind: 'scenario', glueUrl: this.glueUrl, wasmUrl: this.wasmUrl, tag: uniqueTag(), workload, seed, iterations, warmup, framework },
      workload,
    );
    return reply.wire;
  }

  /** Cold start: every sample instantiates a never-compiled module in a fresh glue state (in workers). */
  private async runCold(seed: number, iterations: number, warmup: number, framework: Framework): Promise<string> {
    const nonce = uniqueTag();
    const warm = Math.min(warmup, COLD_MAX_WARMUP);
    const total = warm + iterations;
    const all: ColdSample[] = [];
    for (let first = 0; first < total; first += COLD_SAMPLES_PER_WORKER) {
      const count = Math.min(COLD_SAMPLES_PER_WORKER, total - first);
      const reply = await this.inFreshWorker<{ samples: ColdSample[] }>(
        { glueUrl: this.glueUrl, wasmUrl: this.wasmUrl, seed, first, count, nonce },
        'cold-start sample',
      );
      all.push(...reply.samples);
      this.emit({ type: 'progress', workload: 'cold-start', seed, done: all.length, total });
    }
    const timed = all.slice(warm);
    if (timed.length === 0 || !timed[0]) throw new Error('cold-start: no timed samples (iterations is 0)');
    const components: Record<string, number[]> = {};
    for (const key of Object.keys(timed[0])) {
      components[key.replace(/_ms$/, '_ns')] = timed.map((s) => Math.max(0, s[key] ?? 0) * 1e6);
    }
    const parts = Object.values(components);
    const samples = timed.map((_, i) => parts.reduce((sum, c) => sum + (c[i] ?? 0), 0));
    return this.glue.cold_start_wire(seed, iterations, warm, framework, navigator.userAgent, JSON.stringify({ samples, components }));
  }
}

/** Loads a profile build (see `Harness.load`). */
export function loadHarness(opts: HarnessOptions = {}): Promise<Harness> {
  return Harness.load(opts);
}
