// www/sdk-host/src/main.ts: the typescript-sdk host: window.wasmBudget, a run button and a live p95 table, all through @wasm-budgets/sdk only.

import {
  type Budgets,
  formatNumber,
  type Harness,
  installHostApi,
  LiveTable,
  loadBudgets,
  loadHarness,
  pageParams,
  rowCells,
  runMatrix,
  TABLE_HEADINGS,
} from '@wasm-budgets/sdk';

const FRAMEWORK = 'typescript-sdk';
const host = installHostApi(FRAMEWORK);
const $ = (id: string) => document.getElementById(id) as HTMLElement;

function cell(tag: 'td' | 'th', text: string): HTMLElement {
  return Object.assign(document.createElement(tag), { textContent: text });
}

async function main(): Promise<void> {
  $('headings').replaceChildren(...TABLE_HEADINGS.map((h) => cell('th', h)));
  let harness: Harness;
  let budgets: Budgets | null;
  const params = (() => {
    try {
      return pageParams();
    } catch (e) {
      host.fail(e);
      throw e;
    }
  })();
  $('profile-name').textContent = params.profile;
  try {
    [harness, budgets] = await Promise.all([loadHarness({ profile: params.profile, framework: FRAMEWORK }), loadBudgets()]);
  } catch (e) {
    host.fail(e);
    $('env').textContent = e instanceof Error ? e.message : String(e);
    return;
  }
  host.attach(harness);
  const { info } = harness;
  $('env').textContent =
    `harness ${info.harness_version} · ${harness.adapter} · tick ${formatNumber(info.tick_ns / 1000)} µs · ` +
    `cross-origin isolated: ${info.cross_origin_isolated} · ${harness.environment}` +
    (budgets ? '' : ' · no /ci/wasm_perf_budgets.json: showing raw values');

  let table = LiveTable.empty(budgets, info.profile);
  const tbody = ($('results') as HTMLTableElement).tBodies[0] as HTMLTableSectionElement;
  const rowsByKey = new Map<string, HTMLTableRowElement>();
  harness.subscribe((ev) => {
    if (ev.type === 'start') $('status').textContent = `running ${ev.workload} seed ${ev.seed}…`;
    if (ev.type === 'progress') $('status').textContent = `running ${ev.workload} seed ${ev.seed}: ${ev.done}/${ev.total}`;
    if (ev.type === 'error') $('log').textContent += `${ev.error.message}\n`;
    if (ev.type !== 'result') return;
    $('status').textContent = `${ev.workload} seed ${ev.seed} done`;
    table = table.with(ev.workload, ev.seed, harness.summarize(ev.json));
    for (const r of table.rows()) {
      let tr = rowsByKey.get(r.key);
      if (!tr) {
        tr = tbody.insertRow();
        rowsByKey.set(r.key, tr);
      }
      tr.className = r.status;
      tr.replaceChildren(...rowCells(r).map((c) => cell('td', c)));
    }
  });

  const button = $('run') as HTMLButtonElement;
  button.addEventListener('click', async () => {
    button.disabled = true;
    $('log').textContent = '';
    await runMatrix(
      harness,
      {
        workloads: params.workloads ?? harness.workloads,
        seeds: params.seeds ?? harness.seedSet,
        iterations: params.iterations,
        warmup: params.warmup,
      },
      () => undefined, // shown through the 'error' event
    );
    $('status').textContent = 'done';
    button.disabled = false;
  });
  button.disabled = false;
  if (params.autorun) button.click();
}

main().catch((e) => {
  $('log').textContent += `${e instanceof Error ? e.message : String(e)}\n`;
});
