// www/sdk/src/table.js: the page core's live table: keeps each seed's summary and asks the glue for the rows
// (per-seed values, median and the gate's status are computed and judged in Rust: page-tools' `live_rows`).

/** @import { PageToolsGlue } from './glue.js' */
/** @import { Environment, LiveRow, Profile, SeedSummary } from './wire.js' */

/**
 * `ci/wasm_perf_budgets.json` as served; page-tools reads and judges with it.
 * @typedef {Record<string, unknown>} Budgets
 */

/**
 * Reads the budgets policy (served at `/ci/`); `null` when it is not there or not JSON.
 * @param {string | URL} [url]
 * @returns {Promise<Budgets | null>}
 */
export async function loadBudgets(url = '/ci/wasm_perf_budgets.json') {
  try {
    const r = await fetch(new URL(url, location.href));
    if (!r.ok) return null;
    return await r.json();
  } catch {
    return null;
  }
}

/**
 * A number for the page (e.g. the timer tick): integers above 1000, three significant figures below.
 * @param {number} v
 */
export function formatNumber(v) {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(3);
}

/** The live results table: immutable (`with` returns a new table), so framework state can hold it. */
export class LiveTable {
  /** @type {LiveRow[] | undefined} */
  #rows;

  /**
   * @param {{ tools: PageToolsGlue, budgets: Budgets | null, profile: Profile, environment: Environment }} at
   * @param {readonly SeedSummary[]} [results]
   */
  constructor(at, results = []) {
    this.at = at;
    this.results = results;
  }

  /**
   * An empty table of a loaded harness.
   * @param {{ tools: PageToolsGlue, info: { profile: Profile }, environment: Environment }} harness
   * @param {Budgets | null} budgets
   */
  static empty(harness, budgets) {
    return new LiveTable({ tools: harness.tools, budgets, profile: harness.info.profile, environment: harness.environment });
  }

  /**
   * A new table with one result's summaries added (`Harness.summarize`).
   * @param {readonly SeedSummary[]} summaries
   */
  with(summaries) {
    return new LiveTable(this.at, [...this.results, ...summaries]);
  }

  /** The column headings, in `LiveRow.cells` order. */
  get headings() {
    return this.at.tools.live_headings();
  }

  /**
   * One row per (workload, probe), as the glue computed and judged it.
   * @returns {LiveRow[]}
   */
  rows() {
    if (!this.#rows) {
      const { budgets, profile, environment } = this.at;
      const request = JSON.stringify({ budgets, profile, environment, results: this.results });
      this.#rows = /** @type {LiveRow[]} */ (JSON.parse(this.at.tools.live_rows(request)));
    }
    return this.#rows;
  }
}
