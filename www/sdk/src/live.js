// www/sdk/src/live.js: the page core's live view: keeps the per-operation values the engine reports as a
// seed runs and asks page-tools for the pictures (progress line, per-seed distribution SVGs, budget
// bars). It holds no statistic and no rule: units, p95s, statuses and plots all come from page-tools.
// Rendering runs between the engine's batches on the measuring thread, so hosts throttle it (`throttled`).

/** @import { PageToolsGlue } from './glue.js' */
/** @import { Environment, Phase, Probe, Profile, SeedSummary, Workload } from './wire.js' */
/** @import { HarnessEvent } from './runner.js' */
/** @import { Budgets } from './table.js' */

/** At most this many renders a second while a seed runs (each one draws every SVG). */
export const RENDERS_PER_SECOND = 3;

/**
 * One seed's per-op values of one probe in the wire's sample unit: as the engine reported them so far
 * (ns), or all of them once the seed finished (page-tools' `finished_samples`).
 * `attempt` is the engine's set of timed samples the values belong to: a restart discards the earlier set.
 * @typedef {{ workload: Workload, probe: Probe, seed: number, values: number[], baseline?: number[], finished: boolean, attempt?: number }} LiveSamples
 */

/**
 * What a host shows.
 * @typedef {{ progress: string, plots: { key: string, svg: string }[], bars: string | null }} LivePictures
 */

/** The live view of one page: fed with harness events, drawn by page-tools. */
export class LiveView {
  /** @type {LiveSamples[]} */
  #samples = [];
  /** @type {SeedSummary[]} */
  #results = [];
  #progress = '';
  #phaseKey = '';
  #phaseStart = 0;
  #run = 0;
  #runStart = 0;
  #endedMs = 0;

  /**
   * @param {{ tools: PageToolsGlue, info: { profile: Profile }, environment: Environment }} harness
   * @param {Budgets | null} budgets
   */
  constructor(harness, budgets) {
    this.tools = harness.tools;
    this.budgets = budgets;
    this.profile = harness.info.profile;
    this.environment = harness.environment;
    /** (workload, seed) runs planned on this page; set by the host before a matrix. */
    this.runs = 0;
  }

  /** Forgets what was shown; `runs` (workload × seed) runs follow. @param {number} runs */
  plan(runs) {
    this.#samples = [];
    this.#results = [];
    this.#progress = '';
    this.#run = 0;
    this.#endedMs = 0;
    this.runs = runs;
  }

  /**
   * Takes one harness event; true when the pictures changed.
   * @param {HarnessEvent} ev
   * @param {readonly SeedSummary[]} [summaries] a `result` event's summaries (`Harness.summarize`)
   */
  take(ev, summaries = []) {
    if (ev.type === 'start') {
      this.#run += 1;
      this.#runStart = performance.now();
      this.#progress = this.#line({ workload: ev.workload, seed: ev.seed, done: 0, total: 0 });
    } else if (ev.type === 'progress') {
      if (ev.probe && ev.values_ns) this.#add(ev.workload, ev.probe, ev.seed, ev.values_ns, ev.attempt ?? 0);
      this.#progress = this.#line(ev);
    } else if (ev.type === 'result') {
      this.#endedMs += performance.now() - this.#runStart;
      this.#finish(ev.workload, ev.seed, ev.json);
      this.#results = [...this.#results, ...summaries];
      this.#progress = `${ev.workload} seed ${ev.seed}: done (run ${this.#run} of ${this.runs})`;
    } else {
      return false;
    }
    return true;
  }

  /**
   * Adds a report's values to its set; a report of a later set (the engine announced a restart)
   * replaces the discarded values, so the running p95 never mixes two sets.
   * @param {Workload} workload @param {Probe} probe @param {number} seed @param {number[]} values
   * @param {number} attempt
   */
  #add(workload, probe, seed, values, attempt) {
    let s = this.#samples.find((x) => x.workload === workload && x.probe === probe && x.seed === seed);
    if (!s) {
      s = { workload, probe, seed, values: [], finished: false, attempt };
      this.#samples.push(s);
    }
    if ((s.attempt ?? 0) !== attempt) {
      s.values = [];
      s.attempt = attempt;
    }
    for (const v of values) s.values.push(v);
  }

  /**
   * A finished seed: its reported values are replaced by all of them, as the report plots them.
   * @param {Workload} workload @param {number} seed @param {string} wireJson
   */
  #finish(workload, seed, wireJson) {
    /** @type {LiveSamples[]} */
    const all = JSON.parse(this.tools.finished_samples(wireJson));
    for (const f of all) {
      const i = this.#samples.findIndex((x) => x.workload === workload && x.probe === f.probe && x.seed === seed);
      if (i >= 0) this.#samples[i] = f;
      else this.#samples.push(f);
    }
  }

  /**
   * The progress line of an engine report, by page-tools.
   * @param {{ workload: Workload, seed: number, probe?: Probe, phase?: Phase, done: number, total: number, attempt?: number }} p
   */
  #line(p) {
    // A restart (next attempt) starts the phase's clock over: its time left counts from the new set.
    const key = `${p.workload}/${p.seed}/${p.probe ?? ''}/${p.phase ?? ''}/${p.attempt ?? 0}`;
    const now = performance.now();
    if (key !== this.#phaseKey) {
      this.#phaseKey = key;
      this.#phaseStart = now;
    }
    const request = {
      workload: p.workload,
      seed: p.seed,
      probe: p.probe,
      phase: p.phase,
      done: p.done,
      total: p.total,
      attempt: p.attempt ?? 0,
      elapsed_ms: now - this.#phaseStart,
      run: Math.max(this.#run, 1),
      runs: Math.max(this.runs, this.#run, 1),
      ended_runs_ms: this.#endedMs,
      run_elapsed_ms: now - this.#runStart,
    };
    return this.tools.progress_line(JSON.stringify(request));
  }

  /** The progress line (cheap: hosts may show it on every event). */
  get progress() {
    return this.#progress;
  }

  /** @returns {LivePictures} */
  pictures() {
    const { budgets, profile, environment } = this;
    const request = JSON.stringify({ budgets, profile, environment, results: this.#results, samples: this.#samples });
    /** @type {{ distributions: { key: string, svg: string }[], bars: string | null }} */
    const drawn = JSON.parse(this.tools.live_charts(request));
    return { progress: this.#progress, plots: drawn.distributions, bars: drawn.bars };
  }
}

/**
 * `render` at most `perSecond` times a second; a call in between is deferred to the next slot, and
 * `flush` renders at once (e.g. when a seed completes).
 * @param {() => void} render
 * @param {number} [perSecond]
 * @returns {{ request: () => void, flush: () => void }}
 */
export function throttled(render, perSecond = RENDERS_PER_SECOND) {
  const gap = 1000 / perSecond;
  let last = -Infinity;
  let pending = false;
  const run = () => {
    pending = false;
    last = performance.now();
    try {
      render();
    } catch (e) {
      console.error('wasm-budgets: rendering the live view failed', e);
    }
  };
  return {
    request() {
      if (performance.now() - last >= gap) run();
      else pending = true;
    },
    flush: run,
  };
}

/** The live view's DOM: a progress line, the budget bars and the distribution plots under `root`. */
export class LivePanel {
  /** @param {HTMLElement} root */
  constructor(root) {
    const el = (/** @type {string} */ tag, /** @type {string} */ id) => Object.assign(document.createElement(tag), { id });
    this.progressLine = el('p', 'live-progress');
    this.progressLine.setAttribute('aria-live', 'polite');
    this.bars = el('div', 'live-bars');
    this.plots = el('div', 'live-plots');
    root.replaceChildren(this.progressLine, this.bars, this.plots);
  }

  /** @param {string} text */
  progress(text) {
    this.progressLine.textContent = text;
  }

  /** One figure per (workload, probe), in arrival order, and the bars. @param {LivePictures} p */
  show(p) {
    this.progress(p.progress);
    for (const { key, svg } of p.plots) {
      let box = /** @type {HTMLElement | null} */ (this.plots.querySelector(`[data-key="${CSS.escape(key)}"]`));
      if (!box) {
        box = Object.assign(document.createElement('figure'), { className: 'plot' });
        box.dataset.key = key;
        this.plots.appendChild(box);
      }
      box.innerHTML = svg;
    }
    this.bars.innerHTML = p.bars ?? '';
  }

  clear() {
    this.progressLine.textContent = '';
    this.bars.replaceChildren();
    this.plots.replaceChildren();
  }
}

/**
 * Follows every scenario `harness` runs into a live view drawn under `root` (progress line at every
 * event, pictures throttled to `RENDERS_PER_SECOND`, at once when a seed completes).
 * @param {import('./runner.js').Harness} harness
 * @param {Budgets | null} budgets
 * @param {HTMLElement} root
 * @returns {{ view: LiveView, plan: (runs: number) => void, dispose: () => void }}
 */
export function followLive(harness, budgets, root) {
  const view = new LiveView(harness, budgets);
  const panel = new LivePanel(root);
  const draw = throttled(() => panel.show(view.pictures()));
  const dispose = harness.subscribe((ev) => {
    const summaries = ev.type === 'result' ? harness.summarize(ev.json) : [];
    if (!view.take(ev, summaries)) return;
    panel.progress(view.progress);
    if (ev.type === 'result') draw.flush();
    else draw.request();
  });
  return {
    view,
    plan(runs) {
      view.plan(runs);
      panel.clear();
    },
    dispose,
  };
}
