// www/sdk/src/host.js: what every host page shares: page parameters, the `window.wasmBudget` API bound to a
// harness that loads later, and running a workload × seed matrix.

/** @import { Harness } from './runner.js' */

import { loadHarness } from './runner.js';

/** Where the collector serves the base build of a paired run (`collector run --against`). */
const BASE_DIST = '/base/';
/** @import { Framework, Profile, ReadyInfo, ScenarioOptions, WasmBudgetApi, Workload } from './wire.js' */

/**
 * A non-negative integer from a text field or query parameter, or `undefined` when absent; throws on anything else.
 * @param {unknown} v
 * @param {string} what
 * @returns {number | undefined}
 */
export function nonNegativeInt(v, what) {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${String(v)}`);
  return n;
}

/**
 * Seeds from a text field or query parameter (`11,29` or `11 29`).
 * @param {string} text
 * @returns {number[]}
 */
export function parseSeeds(text) {
  return text.split(/[\s,]+/).filter(Boolean).map((s) => /** @type {number} */ (nonNegativeInt(s, 'seed')));
}

/**
 * The page's query string: `?profile=&workloads=a,b&seeds=11,29&iterations=&warmup=&autorun=1`.
 * @typedef {object} PageParams
 * @property {Profile} profile
 * @property {Workload[] | null} workloads
 * @property {number[] | null} seeds
 * @property {number | undefined} iterations
 * @property {number | undefined} warmup
 * @property {boolean} autorun
 */

/**
 * @param {string} [search]
 * @returns {PageParams}
 */
export function pageParams(search = location.search) {
  const p = new URLSearchParams(search);
  const workloads = p.get('workloads');
  const seeds = p.get('seeds');
  return {
    profile: /** @type {Profile} */ (p.get('profile') || 'core-min'),
    workloads: workloads ? /** @type {Workload[]} */ (workloads.split(/[\s,]+/).filter(Boolean)) : null,
    seeds: seeds ? parseSeeds(seeds) : null,
    iterations: nonNegativeInt(p.get('iterations'), 'iterations'),
    warmup: nonNegativeInt(p.get('warmup'), 'warmup'),
    autorun: p.get('autorun') === '1',
  };
}

/**
 * The page API of a host, installed before its framework renders, and bound once the harness loaded.
 * @typedef {object} HostApi
 * @property {WasmBudgetApi} api
 * @property {(harness: Harness) => void} attach Binds the loaded harness (first call wins).
 * @property {(error: unknown) => void} fail Fails `ready` (first call wins), e.g. the profile build is missing.
 * @property {Promise<Harness>} harness The harness, once attached.
 */

/**
 * Installs `window.wasmBudget = { ready, runScenario, runColdStart, runPaired, runColdStartPaired, conformance }` for `framework` at once, so the
 * collector finds it as soon as the page loaded; `ready` resolves when the host attaches its harness.
 * Both runs record `framework` and refuse another one (the collector opened the wrong host page).
 * @param {Framework} framework
 * @returns {HostApi}
 */
export function installHostApi(framework) {
  /** @type {(h: Harness) => void} */
  let attach = () => undefined;
  /** @type {(e: unknown) => void} */
  let fail = () => undefined;
  /** @type {Promise<Harness>} */
  const harness = new Promise((resolve, reject) => {
    attach = resolve;
    fail = (e) => reject(e instanceof Error ? e : new Error(String(e)));
  });
  /** @type {Promise<ReadyInfo>} */
  const ready = harness.then((h) => {
    if (h.defaultFramework !== framework) {
      throw new Error(`the ${framework} host attached a harness that records ${h.defaultFramework}`);
    }
    return { ...h.info };
  });
  ready.catch(() => undefined); // reported to whoever awaits it; not an unhandled rejection
  /**
   * @param {ScenarioOptions | undefined} opts
   * @returns {ScenarioOptions}
   */
  const withFramework = (opts) => {
    const asked = opts?.framework;
    if (asked !== undefined && asked !== framework) {
      throw new Error(`this is the ${framework} host page; it cannot record framework "${String(asked)}" (open /dist/hosts/${String(asked)}/)`);
    }
    return /** @type {ScenarioOptions} */ ({ ...opts, framework });
  };
  /** @type {Promise<Harness> | null} */
  let base = null;
  /** The base build of a paired run, loaded once, beside the candidate. @param {Harness} h */
  const baseOf = (h) => {
    base ??= loadHarness({ profile: h.info.profile, framework, distBase: BASE_DIST }).catch((e) => {
      throw new Error(`cannot load the base build from ${BASE_DIST}${h.info.profile}/ (was the run started with --against?): ${e instanceof Error ? e.message : String(e)}`);
    });
    return base;
  };
  /** @type {WasmBudgetApi} */
  const api = {
    ready,
    async runScenario(opts) {
      const h = await harness;
      return h.runScenario(withFramework(opts));
    },
    async runColdStart(optsList) {
      const h = await harness;
      return h.runColdStart(optsList.map(withFramework));
    },
    async runPaired(opts, pattern, turnMs) {
      const h = await harness;
      return h.runPaired(await baseOf(h), withFramework(opts), pattern, turnMs);
    },
    async runColdStartPaired(optsList) {
      const h = await harness;
      return h.runColdStartPaired(await baseOf(h), optsList.map(withFramework));
    },
    async conformance(seeds) {
      const h = await harness;
      return h.conformance(seeds);
    },
  };
  window.wasmBudget = api;
  return { api, attach, fail, harness };
}

/**
 * What a page runs: the workloads × seeds asked for in its query string, else all of them.
 * @param {Harness} harness
 * @param {PageParams} params
 */
export function planFrom(harness, params) {
  return {
    workloads: params.workloads ?? harness.workloads,
    seeds: params.seeds ?? harness.seedSet,
    iterations: params.iterations,
    warmup: params.warmup,
  };
}

/**
 * Runs every (workload, seed) in order; errors are reported and the matrix goes on.
 * @param {Harness} harness
 * @param {{ workloads: readonly Workload[], seeds: readonly number[], iterations?: number | undefined, warmup?: number | undefined }} plan
 * @param {(e: Error) => void} [onError]
 * @returns {Promise<void>}
 */
export async function runMatrix(harness, plan, onError = () => undefined) {
  for (const workload of plan.workloads) {
    /** @type {ScenarioOptions[]} */
    const asks = plan.seeds.map((seed) => {
      /** @type {ScenarioOptions} */
      const opts = { workload, seed };
      if (plan.iterations !== undefined) opts.iterations = plan.iterations;
      if (plan.warmup !== undefined) opts.warmup = plan.warmup;
      return opts;
    });
    // Cold start takes its seeds in turns (see `Harness.runColdStart`), as the collector runs it.
    const runs = workload === 'cold-start' ? [() => harness.runColdStart(asks)] : asks.map((opts) => () => harness.runScenario(opts));
    for (const run of runs) {
      try {
        await run();
      } catch (e) {
        onError(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
}

/**
 * The line a host shows under its title: harness, adapter, timer tick, isolation, environment.
 * @param {Harness} harness
 * @param {boolean} haveBudgets
 * @param {(v: number) => string} format
 */
export function describe(harness, haveBudgets, format) {
  const { info } = harness;
  return (
    `harness ${info.harness_version} · ${harness.adapter} · tick ${format(info.tick_ns / 1000)} µs · ` +
    `cross-origin isolated: ${info.cross_origin_isolated} · ${harness.environment}` +
    (haveBudgets ? '' : ' · no /ci/wasm_perf_budgets.json: showing raw values')
  );
}
