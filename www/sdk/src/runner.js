// www/sdk/src/runner.js: the page core's runner: loads a profile build and runs scenarios (in-page, cold-start
// and fresh-instance workers), one at a time. Plain ES module (JSDoc types): every host runs it, the
// no-build vanilla page included. Every rule (options, defaults, cold-start arithmetic) is the glue's.

/** @import { HarnessGlue, PageToolsGlue } from './glue.js' */
/** @import { Environment, Framework, Phase, Probe, Profile, ReadyInfo, ScenarioOptions, SeedSummary, WireResult, Workload } from './wire.js' */

import { FRAMEWORKS, PROFILES } from './ids.js';
import { checkPattern, Turns } from './pair.js';
import { pacer } from './pause.js';

/** @import { Side, TurnEnd } from './pair.js' */

/**
 * A candidate's and its base's answers to one question, measured taking turns in one page.
 * @typedef {{ candidate: string, base: string, turns: TurnEnd[] }} PairedAnswer
 */

/** Cold-start samples per frame: the frame is removed after them, so their modules can be collected. */
const COLD_SAMPLES_PER_FRAME = 25;

/**
 * After a cold-start frame is removed: one macrotask, so the frame's realm detaches, then a full
 * collection where the page may force one (Chromium started with `--js-flags=--expose-gc`). Without
 * it the next frame's samples pay, at random, for collecting the last frame's ~25 dead instances
 * (each with its own linear memory) — garbage an app that starts its runtime once never has.
 * @returns {Promise<boolean>} whether a collection was forced
 */
async function collectFrame() {
  await new Promise((r) => setTimeout(r, 0));
  const gc = /** @type {any} */ (globalThis).gc;
  if (typeof gc !== 'function') return false;
  gc();
  return true;
}

/**
 * @typedef {object} HarnessOptions
 * @property {Profile} [profile] The profile build to load (default `core-min`).
 * @property {string | URL} [distBase] Where the profile builds are served (default `/dist/` on this origin).
 * @property {string | URL} [freshWorkerUrl] The fresh-instance worker (default `/fresh-worker.js` on this origin).
 * @property {string | URL} [coldFrameUrl] The cold-start frame (default `/cold-frame.html` on this origin).
 * @property {Framework} [framework] The framework recorded in wire results (default `vanilla-js`).
 */

/**
 * The engine's announcement that a probe's timed samples restarted: the batch doubled after too many
 * short batches and every value reported before belongs to a discarded set (`attempt` − 1).
 * @typedef {{ reason: 'short-batches', batch_size: number, discarded: number }} Restart
 */

/**
 * What a harness reports while it runs scenarios; hosts re-render from these.
 * @typedef {{ type: 'start', workload: Workload, seed: number }
 *   | { type: 'progress', workload: Workload, seed: number, done: number, total: number, probe?: Probe, phase?: Phase, values_ns?: number[], attempt?: number, restart?: Restart }
 *   | { type: 'result', workload: Workload, seed: number, json: string, wire: WireResult }
 *   | { type: 'error', workload: Workload, seed: number, error: Error }} HarnessEvent
 */

/** @typedef {(event: HarnessEvent) => void} HarnessListener */

/**
 * A scenario as the glue checked and completed it (`scenario_request`).
 * @typedef {{ workload: Workload, seed: number, iterations: number, warmup: number, framework: Framework, user_agent: string }} ScenarioRequest
 */

/**
 * The browser environment this page runs in, as the contract names it.
 * @param {string} [userAgent]
 * @returns {Environment}
 */
export function detectEnvironment(userAgent = navigator.userAgent) {
  if (/Android/i.test(userAgent)) return 'mobile-android';
  if (/Firefox\//.test(userAgent)) return 'desktop-firefox';
  return 'desktop-chromium';
}

/** @param {unknown} e */
export function message(e) {
  return e instanceof Error ? e.message : String(e);
}

function uniqueTag() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Imports an ES module by runtime URL, untouched by bundlers (webpack, Vite, esbuild keep
 * `import(variable)` as a native dynamic import with these hints).
 * @template T
 * @param {string} url
 * @returns {Promise<T>}
 */
export function importAtRuntime(url) {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ url);
}

/**
 * @param {unknown} framework
 * @returns {asserts framework is Framework}
 */
function checkFramework(framework) {
  if (!FRAMEWORKS.includes(/** @type {Framework} */ (framework))) {
    throw new Error(`unknown framework "${String(framework)}"; expected one of ${FRAMEWORKS.join(', ')}`);
  }
}

/** A loaded profile build. Scenarios run one at a time, in call order. */
export class Harness {
  /** @type {Set<HarnessListener>} */
  #listeners = new Set();
  /** @type {Promise<unknown>} */
  #queue = Promise.resolve();

  /**
   * @param {HarnessGlue} glue
   * @param {PageToolsGlue} tools
   * @param {{ glueUrl: string, wasmUrl: string, workerUrl: string, coldFrameUrl: string, framework: Framework }} at
   */
  constructor(glue, tools, at) {
    /** The glue of this build (the measured module). */
    this.glue = glue;
    /** The page tools beside it: the live table, progress line and charts (never in the measured module). */
    this.tools = tools;
    this.glueUrl = at.glueUrl;
    this.wasmUrl = at.wasmUrl;
    this.workerUrl = at.workerUrl;
    this.coldFrameUrl = at.coldFrameUrl;
    /** @type {Framework} */
    this.defaultFramework = at.framework;
    const clock = /** @type {{ tick_ns: number, cross_origin_isolated: boolean }} */ (JSON.parse(glue.clock_info()));
    /** @type {ReadyInfo} */
    this.info = {
      profile: /** @type {Profile} */ (glue.harness_profile()),
      harness_version: glue.harness_version(),
      tick_ns: clock.tick_ns,
      cross_origin_isolated: clock.cross_origin_isolated,
      user_agent: navigator.userAgent,
    };
    /** @type {readonly Workload[]} */
    this.workloads = /** @type {Workload[]} */ (glue.workloads());
    /** @type {readonly number[]} */
    this.seedSet = Array.from(glue.seed_set());
    this.minIterations = glue.min_iterations();
    this.defaultWarmup = glue.default_warmup();
    this.traceEnabled = glue.trace_enabled();
    this.adapter = glue.adapter_name();
    /** @type {Environment} */
    this.environment = detectEnvironment();
  }

  /**
   * Imports `/dist/<profile>/harness.js`, instantiates `harness_bg.wasm`, and checks the build is that profile.
   * @param {HarnessOptions} [opts]
   * @returns {Promise<Harness>}
   */
  static async load(opts = {}) {
    const profile = opts.profile ?? 'core-min';
    if (!PROFILES.includes(profile)) {
      throw new Error(`unknown profile "${String(profile)}"; expected one of ${PROFILES.join(', ')}`);
    }
    const framework = opts.framework ?? 'vanilla-js';
    checkFramework(framework);
    const base = new URL(`${profile}/`, new URL(opts.distBase ?? '/dist/', location.href));
    const glueUrl = new URL('harness.js', base).href;
    const wasmUrl = new URL('harness_bg.wasm', base).href;
    const workerUrl = new URL(opts.freshWorkerUrl ?? '/fresh-worker.js', location.href).href;
    const coldFrameUrl = new URL(opts.coldFrameUrl ?? '/cold-frame.html', location.href).href;
    /** @type {HarnessGlue} */
    let glue;
    try {
      glue = await importAtRuntime(glueUrl);
      await glue.default({ module_or_path: wasmUrl });
    } catch (e) {
      throw new Error(`cannot load ${glueUrl} (was \`collector build\` run for ${profile}?): ${message(e)}`);
    }
    const built = glue.harness_profile();
    if (built !== profile) throw new Error(`${base.pathname} holds a ${built} build, not ${profile}`);
    const toolsBase = new URL('page-tools/', new URL(opts.distBase ?? '/dist/', location.href));
    /** @type {PageToolsGlue} */
    let tools;
    try {
      tools = await importAtRuntime(new URL('page_tools.js', toolsBase).href);
      await tools.default({ module_or_path: new URL('page_tools_bg.wasm', toolsBase).href });
    } catch (e) {
      throw new Error(`cannot load ${toolsBase.pathname} (was \`collector build\` run?): ${message(e)}`);
    }
    return new Harness(glue, tools, { glueUrl, wasmUrl, workerUrl, coldFrameUrl, framework });
  }

  /**
   * Subscribes to scenario events; returns the unsubscribe function.
   * @param {HarnessListener} listener
   * @returns {() => void}
   */
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** @param {HarnessEvent} event */
  #emit(event) {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (e) {
        console.error('wasm-budgets: a harness listener threw', e);
      }
    }
  }

  /**
   * Runs one (workload, seed) after any earlier call finished; resolves to the wire JSON string.
   * @param {ScenarioOptions} opts
   * @returns {Promise<string>}
   */
  runScenario(opts) {
    return this.#enqueue(() => this.#runNow(opts));
  }

  /**
   * The adapter conformance suite (`harness_wasm::conformance`) for each seed, after any earlier call
   * finished; resolves to each seed's report JSON, in order.
   * @param {number[]} seeds
   * @returns {Promise<string[]>}
   */
  conformance(seeds) {
    return this.#enqueue(async () => {
      // The suite lives in the profile's conformance module beside the measured one (same adapter,
      // source and features): linked into the measured module it would change the code being timed.
      const base = new URL('conformance/', this.glueUrl);
      /** @type {HarnessGlue} */
      let glue;
      try {
        glue = await importAtRuntime(new URL('harness.js', base).href);
        await glue.default({ module_or_path: new URL('harness_bg.wasm', base).href });
      } catch (e) {
        throw new Error(`cannot load the conformance module ${base.pathname} (rebuild with \`collector build\`, which writes it beside each profile): ${message(e)}`);
      }
      const check = glue.conformance;
      if (!check) throw new Error(`${base.pathname} has no conformance export: its adapter crate must call harness_wasm::export_harness!`);
      if (glue.harness_profile() !== this.info.profile) throw new Error(`${base.pathname} is a ${glue.harness_profile()} build, not ${this.info.profile}`);
      /** @type {string[]} */
      const out = [];
      for (const seed of seeds) out.push(await check(seed));
      return out;
    });
  }

  /**
   * Cold start of several seeds in one go, after any earlier call finished: their frames of samples
   * interleaved round-robin (the first frame of each seed, then the second of each, …), so every seed
   * samples the same stretch of the session and a browser that runs slower in its first minutes moves
   * every seed alike instead of the first one. Resolves to each seed's wire JSON, in `opts` order.
   * @param {ScenarioOptions[]} optsList
   * @returns {Promise<string[]>}
   */
  runColdStart(optsList) {
    return this.#enqueue(async () => {
      const reqs = this.#coldRequests(optsList);
      return this.#reported(reqs, () => this.#runCold(reqs));
    });
  }

  /**
   * Cold-start requests of distinct seeds, checked.
   * @param {ScenarioOptions[]} optsList
   * @returns {ScenarioRequest[]}
   */
  #coldRequests(optsList) {
    const reqs = optsList.map((opts) => this.#request(opts));
    const notCold = reqs.find((r) => r.workload !== 'cold-start');
    if (notCold) throw new Error(`runColdStart runs cold-start only, not ${notCold.workload}`);
    const seeds = reqs.map((r) => r.seed);
    if (new Set(seeds).size !== seeds.length) {
      throw new Error(`runColdStart: seeds ${seeds.join(', ')} repeat one (each seed's samples must compile bytes no other sample compiled)`);
    }
    return reqs;
  }

  /**
   * One (workload, seed) of this build (the candidate) and of `base` in this page, taking turns in
   * `pattern`'s order, a turn lasting until the side's engine yields (between timed batches). Heap
   * (memory-pressure) runs each side in its own fresh worker, candidate first. Cold start: use
   * `runColdStartPaired`. Events are the candidate's.
   * `turnMs` (the collector's) sets both engines' yield interval for the call where both builds can
   * (a base built before `set_yield_every_ms` keeps its 100 ms, and so does the candidate then);
   * each wire result records the interval it ran with.
   * @param {Harness} base
   * @param {ScenarioOptions} opts
   * @param {readonly Side[]} pattern
   * @param {number} [turnMs]
   * @returns {Promise<PairedAnswer>}
   */
  runPaired(base, opts, pattern, turnMs) {
    return this.#enqueue(async () => {
      const turns = new Turns(checkPattern(pattern));
      const req = this.#request(opts);
      const baseReq = base.#request(opts);
      if (req.workload === 'cold-start') throw new Error('runPaired: cold start pairs its frames in runColdStartPaired');
      let baseJson = '';
      const [candidate = ''] = await this.#reported([req], async () => {
        if (req.workload === 'memory-pressure') {
          const c = await this.#runFresh(req);
          baseJson = await base.#runFresh(baseReq);
          return [c];
        }
        /** @type {(side: Side, h: Harness, r: ScenarioRequest) => Promise<string>} */
        const run = async (side, h, r) => {
          await turns.wait(side);
          try {
            /** @param {string} json */
            const pause = (json) => {
              const p = JSON.parse(json);
              if (side === 'candidate') this.#emit({ type: 'progress', ...p });
              return turns.ended(side, { probe: p.probe, phase: p.phase, attempt: p.attempt, done: p.done });
            };
            return await h.glue.run_scenario(JSON.stringify(r), pause);
          } finally {
            turns.finish(side);
          }
        };
        const sides = [this.glue, base.glue];
        const settable = turnMs !== undefined && sides.every((g) => typeof g.set_yield_every_ms === 'function');
        const before = settable ? sides.map((g) => /** @type {number} */ (g.set_yield_every_ms?.(turnMs))) : [];
        /** @type {PromiseSettledResult<string>[]} */
        let settled;
        try {
          settled = await Promise.allSettled([run('candidate', this, req), run('base', base, baseReq)]);
        } finally {
          before.forEach((ms, i) => sides[i]?.set_yield_every_ms?.(ms));
        }
        const [c, b] = /** @type {[PromiseSettledResult<string>, PromiseSettledResult<string>]} */ (settled);
        if (c.status === 'rejected') throw c.reason;
        if (b.status === 'rejected') throw new Error(`the base build: ${message(b.reason)}`);
        baseJson = b.value;
        return [c.value];
      });
      return { candidate, base: baseJson, turns: turns.log };
    });
  }

  /**
   * Cold start of several seeds for this build (the candidate) and `base`: one frame of samples of each
   * (seed, side) in turn — candidate then base for each seed — so every frame of one side sits between
   * two frames of the other. Resolves to each seed's answers, in `optsList` order.
   * @param {Harness} base
   * @param {ScenarioOptions[]} optsList
   * @returns {Promise<PairedAnswer[]>}
   */
  runColdStartPaired(base, optsList) {
    return this.#enqueue(async () => {
      const reqs = this.#coldRequests(optsList);
      /** @type {TurnEnd[]} */
      const log = [];
      /** @type {string[]} */
      let baseJsons = [];
      const jsons = await this.#reported(reqs, async () => {
        const items = reqs.flatMap((req, i) => [
          { h: /** @type {Harness} */ (this), req, side: /** @type {Side} */ ('candidate') },
          { h: base, req: base.#request(/** @type {ScenarioOptions} */ (optsList[i])), side: /** @type {Side} */ ('base') },
        ]);
        const all = await this.#runColdItems(items, reqs.length, log);
        baseJsons = all.filter((_, i) => i % 2 === 1);
        return all.filter((_, i) => i % 2 === 0);
      });
      return jsons.map((candidate, i) => ({
        candidate,
        base: /** @type {string} */ (baseJsons[i]),
        turns: log.filter((t) => t.seed === reqs[i]?.seed),
      }));
    });
  }

  /**
   * @template T
   * @param {() => Promise<T>} f
   * @returns {Promise<T>}
   */
  #enqueue(f) {
    const run = this.#queue.then(f);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Like `runScenario`, with the wire JSON parsed.
   * @param {ScenarioOptions} opts
   * @returns {Promise<{ json: string, wire: WireResult }>}
   */
  async run(opts) {
    const json = await this.runScenario(opts);
    return { json, wire: JSON.parse(json) };
  }

  /**
   * Each probe of one wire result reduced as the collector reduces a seed, with metric IDs for
   * `environment` (default: this browser's).
   * @param {string | WireResult} wire
   * @param {Environment} [environment]
   * @returns {SeedSummary[]}
   */
  summarize(wire, environment = this.environment) {
    const json = typeof wire === 'string' ? wire : JSON.stringify(wire);
    return JSON.parse(this.tools.summarize_wire(json, environment));
  }

  /**
   * The glue's checked and completed request for `opts` (framework defaulted and checked).
   * @param {ScenarioOptions} opts
   * @returns {ScenarioRequest}
   */
  #request(opts) {
    const framework = opts?.framework ?? this.defaultFramework;
    checkFramework(framework);
    const options = { ...opts, framework, user_agent: navigator.userAgent };
    return JSON.parse(this.glue.scenario_request(JSON.stringify(options)));
  }

  /**
   * Runs `f` for `reqs`, emitting their start, then each result or each error.
   * @param {ScenarioRequest[]} reqs
   * @param {() => Promise<string[]>} f
   * @returns {Promise<string[]>}
   */
  async #reported(reqs, f) {
    for (const { workload, seed } of reqs) this.#emit({ type: 'start', workload, seed });
    try {
      const jsons = await f();
      if (jsons.length !== reqs.length) throw new Error(`${jsons.length} results for ${reqs.length} seeds`);
      reqs.forEach(({ workload, seed }, i) => {
        const json = /** @type {string} */ (jsons[i]);
        this.#emit({ type: 'result', workload, seed, json, wire: JSON.parse(json) });
      });
      return jsons;
    } catch (e) {
      const seeds = reqs.map((r) => r.seed).join(', ');
      const error = new Error(`${reqs[0]?.workload} seed ${seeds} (${this.info.profile}): ${message(e)}`);
      for (const { workload, seed } of reqs) this.#emit({ type: 'error', workload, seed, error });
      throw error;
    }
  }

  /**
   * @param {ScenarioOptions} opts
   * @returns {Promise<string>}
   */
  async #runNow(opts) {
    const req = this.#request(opts);
    const [json = ''] = await this.#reported([req], async () => {
      if (req.workload === 'cold-start') return this.#runCold([req]);
      if (req.workload === 'memory-pressure') return [await this.#runFresh(req)];
      // The engine yields between timed batches (every ~100 ms) through `pacer`, reporting progress.
      const pause = pacer((progress) => this.#emit({ type: 'progress', ...JSON.parse(progress) }));
      return [await this.glue.run_scenario(JSON.stringify(req), pause)];
    });
    return json;
  }

  /**
   * Posts `msg` to a new fresh-instance worker; resolves to its one reply, then terminates it.
   * @template T
   * @param {Record<string, unknown>} msg
   * @param {string} what
   * @returns {Promise<T>}
   */
  #inFreshWorker(msg, what) {
    return new Promise((resolve, reject) => {
      const w = new Worker(this.workerUrl, { type: 'module' });
      /** @param {() => void} f */
      const done = (f) => {
        w.terminate();
        f();
      };
      w.onmessage = ({ data }) =>
        done(() => (data.error ? reject(new Error(`${what}: ${data.error}`)) : resolve(data)));
      w.onerror = (e) => done(() => reject(new Error(`${what} worker: ${e.message || 'failed to start'}`)));
      w.postMessage(msg);
    });
  }

  /**
   * Memory-pressure in a fresh module instance, so earlier scenarios' growth is not counted.
   * @param {ScenarioRequest} req
   * @returns {Promise<string>}
   */
  async #runFresh(req) {
    /** @type {{ wire: string }} */
    const reply = await this.#inFreshWorker(
      { kind: 'scenario', glueUrl: this.glueUrl, wasmUrl: this.wasmUrl, tag: uniqueTag(), request: JSON.stringify(req) },
      req.workload,
    );
    return reply.wire;
  }

  /**
   * Cold start where an app pays it: on this page's main thread (same-origin frames share it, and its
   * CPU throttle), after the host's own start-up; every sample fetches the bytes, imports a fresh glue
   * copy and compiles bytes no earlier sample compiled. The glue says how many samples each seed takes
   * and turns their phases into its wire result. Seeds take turns, one frame of samples each.
   * @param {ScenarioRequest[]} reqs distinct seeds
   * @returns {Promise<string[]>}
   */
  async #runCold(reqs) {
    return this.#runColdItems(
      reqs.map((req) => ({ h: /** @type {Harness} */ (this), req, side: /** @type {Side} */ ('candidate') })),
      reqs.length,
      [],
    );
  }

  /**
   * The cold-start turns of `items` (a build and a seed each): one frame of samples of each item in
   * turn until every item has its samples; each item's wire result by its own build's glue. A frame's
   * end is logged in `log` (side, seed, samples so far).
   * @param {{ h: Harness, req: ScenarioRequest, side: Side }[]} items
   * @param {number} seedsInTurn distinct seeds sharing the session's stretch
   * @param {TurnEnd[]} log
   * @returns {Promise<string[]>}
   */
  async #runColdItems(items, seedsInTurn, log) {
    const nonce = uniqueTag();
    const runs = items.map(({ h, req, side }, k) => {
      const request = JSON.stringify(req);
      /** @type {{ warmup: number, samples: number }} */
      const plan = JSON.parse(h.glue.cold_start_plan(request));
      /** @type {Record<string, number>[]} */
      const phases = [];
      return { h, req, side, request, plan, phases, tag: `${nonce}-${k}-${req.seed}` };
    });
    let collected = true;
    for (let first = 0; runs.some((r) => first < r.plan.samples); first += COLD_SAMPLES_PER_FRAME) {
      for (const { h, req, side, plan, phases, tag } of runs) {
        if (first >= plan.samples) continue;
        const count = Math.min(COLD_SAMPLES_PER_FRAME, plan.samples - first);
        const frame = await this.#coldFrame();
        try {
          const sample = /** @type {ColdSample} */ (/** @type {any} */ (frame.contentWindow).coldSample);
          for (let i = 0; i < count; i++) {
            const at = { glueUrl: h.glueUrl, wasmUrl: h.wasmUrl, seed: req.seed, tag: `${tag}-${first + i}` };
            // Copied into this realm, so nothing here keeps the frame's realm alive.
            phases.push({ ...(await sample(at)) });
          }
        } finally {
          frame.remove();
        }
        collected = (await collectFrame()) && collected;
        log.push({ side, seed: req.seed, done: phases.length });
        if (h === this) this.#emit({ type: 'progress', workload: 'cold-start', seed: req.seed, done: phases.length, total: plan.samples });
      }
    }
    return runs.map((r) => r.h.glue.cold_start_wire(r.request, JSON.stringify(r.phases), collected, seedsInTurn));
  }

  /**
   * A new cold-start frame, loaded (its `coldSample` defined).
   * @returns {Promise<HTMLIFrameElement>}
   */
  #coldFrame() {
    return new Promise((resolve, reject) => {
      const frame = document.createElement('iframe');
      frame.hidden = true;
      frame.title = 'wasm-budgets cold start';
      frame.onload = () => {
        const w = /** @type {any} */ (frame.contentWindow);
        if (w && typeof w.coldSample === 'function') resolve(frame);
        else {
          frame.remove();
          reject(new Error(`${this.coldFrameUrl} loaded without coldSample: is it served beside the page core (sdk/src/cold.js)?`));
        }
      };
      frame.onerror = () => {
        frame.remove();
        reject(new Error(`cannot load the cold-start frame ${this.coldFrameUrl}`));
      };
      frame.src = this.coldFrameUrl;
      document.body.append(frame);
    });
  }
}

/** @typedef {(at: { glueUrl: string, wasmUrl: string, seed: number, tag: string }) => Promise<Record<string, number>>} ColdSample */

/**
 * Loads a profile build (see `Harness.load`).
 * @param {HarnessOptions} [opts]
 */
export function loadHarness(opts = {}) {
  return Harness.load(opts);
}
