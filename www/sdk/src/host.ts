// www/sdk/src/host.ts: what every host page shares: page parameters, the `window.wasmBudget` API bound to a harness that loads later, and running a workload × seed matrix.

import { type Harness, nonNegativeInt } from './harness.js';
import type { Framework, Profile, ReadyInfo, ScenarioOptions, WasmBudgetApi, Workload } from './wire.js';

/** The page's query string: `?profile=&workloads=a,b&seeds=11,29&iterations=&warmup=&autorun=1`. */
export interface PageParams {
  profile: Profile;
  workloads: Workload[] | null;
  seeds: number[] | null;
  iterations: number | undefined;
  warmup: number | undefined;
  autorun: boolean;
}

export function pageParams(search: string = location.search): PageParams {
  const p = new URLSearchParams(search);
  const list = (k: string) => (p.get(k) ? (p.get(k) as string).split(/[\s,]+/).filter(Boolean) : null);
  return {
    profile: (p.get('profile') || 'core-min') as Profile,
    workloads: list('workloads') as Workload[] | null,
    seeds: list('seeds')?.map((s) => nonNegativeInt(s, 0, 'seed') as number) ?? null,
    iterations: nonNegativeInt(p.get('iterations'), undefined, 'iterations'),
    warmup: nonNegativeInt(p.get('warmup'), undefined, 'warmup'),
    autorun: p.get('autorun') === '1',
  };
}

/** The page API of a host, installed before its framework renders, and bound once the harness loaded. */
export interface HostApi {
  api: WasmBudgetApi;
  /** Binds the loaded harness (first call wins). */
  attach(harness: Harness): void;
  /** Fails `ready` (first call wins) — e.g. the profile build is missing. */
  fail(error: unknown): void;
  /** The harness, once attached. */
  harness: Promise<Harness>;
}

/**
 * Installs `window.wasmBudget = { ready, runScenario }` for `framework` at once, so the collector finds
 * it as soon as the page loaded; `ready` resolves when the host attaches its harness. `runScenario`
 * records `framework` and refuses another one (the collector opened the wrong host page).
 */
export function installHostApi(framework: Framework): HostApi {
  let attach!: (h: Harness) => void;
  let fail!: (e: unknown) => void;
  const harness = new Promise<Harness>((resolve, reject) => {
    attach = resolve;
    fail = (e) => reject(e instanceof Error ? e : new Error(String(e)));
  });
  const ready: Promise<ReadyInfo> = harness.then((h) => {
    if (h.defaultFramework !== framework) {
      throw new Error(`the ${framework} host attached a harness that records ${h.defaultFramework}`);
    }
    return { ...h.info };
  });
  ready.catch(() => undefined); // reported to whoever awaits it; not an unhandled rejection
  const api: WasmBudgetApi = {
    ready,
    async runScenario(opts: ScenarioOptions): Promise<string> {
      const h = await harness;
      const asked = opts?.framework;
      if (asked !== undefined && asked !== framework) {
        throw new Error(`this is the ${framework} host page; it cannot record framework "${String(asked)}" (open /dist/hosts/${String(asked)}/)`);
      }
      return h.runScenario({ ...opts, framework });
    },
  };
  window.wasmBudget = api;
  return { api, attach, fail, harness };
}

/** Runs every (workload, seed) in order; errors are reported and the matrix goes on. */
export async function runMatrix(
  harness: Harness,
  plan: { workloads: readonly Workload[]; seeds: readonly number[]; iterations?: number | undefined; warmup?: number | undefined },
  onError: (e: Error) => void = () => undefined,
): Promise<void> {
  for (const workload of plan.workloads) {
    for (const seed of plan.seeds) {
      try {
        await harness.runScenario({ workload, seed, iterations: plan.iterations, warmup: plan.warmup });
      } catch (e) {
        onError(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}
