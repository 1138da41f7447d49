// www/page.js: the vanilla-js host page (no build step): `window.wasmBudget` for the collector, the run
// form, the live progress line, per-seed distribution plots, budget bars and p95 table, all through the
// page core in sdk/src/ (the modules every host runs) and the page tools it loads.

import { describe, installHostApi, nonNegativeInt, pageParams, parseSeeds, planFrom, runMatrix } from './sdk/src/host.js';
import { loadHarness, message } from './sdk/src/runner.js';
import { formatNumber, LiveTable, loadBudgets } from './sdk/src/table.js';
import { followLive } from './sdk/src/live.js';

/** @import { Harness } from './sdk/src/runner.js' */
/** @import { PageParams } from './sdk/src/host.js' */

const host = installHostApi('vanilla-js');
const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {'td' | 'th'} tag @param {string} text */
function cell(tag, text) {
  return Object.assign(document.createElement(tag), { textContent: text });
}

/** Re-renders the table's rows (one `<tr>` per (workload, probe), in arrival order). @param {LiveTable} table */
function render(table) {
  const tbody = /** @type {HTMLTableElement} */ ($('results')).tBodies[0];
  tbody.replaceChildren(...table.rows().map((r) => {
    const tr = document.createElement('tr');
    tr.className = r.status ?? '';
    tr.replaceChildren(...r.cells.map((c) => cell('td', c)));
    return tr;
  }));
}

/** The workload checkboxes and the seed / iteration / warm-up fields, filled from the query string. */
function fillForm(/** @type {Harness} */ harness, /** @type {PageParams} */ params) {
  const plan = planFrom(harness, params);
  for (const w of harness.workloads) {
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: w, checked: plan.workloads.includes(w) });
    const label = document.createElement('label');
    label.append(box, ` ${w} `);
    $('workloads').appendChild(label);
  }
  /** @type {HTMLInputElement} */ ($('seeds')).value = plan.seeds.join(' ');
  /** @type {HTMLInputElement} */ ($('iterations')).value = String(plan.iterations ?? harness.minIterations);
  /** @type {HTMLInputElement} */ ($('warmup')).value = String(plan.warmup ?? harness.defaultWarmup);
}

/** Runs what the form says; every error goes to the log and the matrix goes on. @param {Harness} harness */
async function runFromForm(harness, /** @type {ReturnType<typeof followLive>} */ live) {
  const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id)).value;
  const run = /** @type {HTMLButtonElement} */ ($('run'));
  run.disabled = true;
  $('log').textContent = '';
  try {
    const workloads = [...document.querySelectorAll('#workloads input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value);
    const plan = {
      workloads: /** @type {import('./sdk/src/wire.js').Workload[]} */ (workloads),
      seeds: parseSeeds(value('seeds')),
      iterations: nonNegativeInt(value('iterations'), 'iterations'),
      warmup: nonNegativeInt(value('warmup'), 'warm-up'),
    };
    live.plan(plan.workloads.length * plan.seeds.length);
    await runMatrix(harness, plan, () => undefined); // shown through the 'error' event
    $('status').textContent = 'done';
  } catch (e) {
    $('log').textContent += `${message(e)}\n`;
    $('status').textContent = 'stopped';
  } finally {
    run.disabled = false;
  }
}

async function main() {
  /** @type {PageParams} */
  let params;
  /** @type {Harness} */
  let harness;
  /** @type {import('./sdk/src/table.js').Budgets | null} */
  let budgets;
  try {
    params = pageParams();
    $('profile-name').textContent = params.profile;
    [harness, budgets] = await Promise.all([loadHarness({ profile: params.profile, framework: 'vanilla-js' }), loadBudgets()]);
  } catch (e) {
    host.fail(e);
    $('env').textContent = message(e);
    return;
  }
  host.attach(harness);
  $('env').textContent = describe(harness, budgets !== null, formatNumber);
  let table = LiveTable.empty(harness, budgets);
  $('headings').replaceChildren(...table.headings.map((h) => cell('th', h)));
  const live = followLive(harness, budgets, $('live'));
  harness.subscribe((ev) => {
    if (ev.type === 'error') $('log').textContent += `${ev.error.message}\n`;
    if (ev.type !== 'result') return;
    table = table.with(harness.summarize(ev.json));
    render(table);
  });
  fillForm(harness, params);
  $('controls').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void runFromForm(harness, live);
  });
  const run = /** @type {HTMLButtonElement} */ ($('run'));
  run.disabled = false;
  if (params.autorun) run.click();
}

main().catch((e) => {
  $('log').textContent += `${message(e)}\n`;
});
