// www/sdk-host/src/main.ts: the typescript-sdk host: window.wasmBudget, a run button and a live p95 table, all through @wasm-budgets/sdk only.

import {
  type Budgets,
  describe,
  formatNumber,
  type Harness,
  installHostApi,
  LiveTable,
  followLive,
  loadBudgets,
  loadHarness,
  message,
  type PageParams,
  pageParams,
  planFrom,
  runMatrix,
} from '@wasm-budgets/sdk';

const FRAMEWORK = 'typescript-sdk';
const host = installHostApi(FRAMEWORK);
const $ = (id: string) => document.getElementById(id) as HTMLElement;

function cell(tag: 'td' | 'th', text: string): HTMLElement {
  return Object.assign(document.createElement(tag), { textContent: text });
}

/** Follows every scenario the harness runs: error log, the live table's rows, and the live view (progress, bars, plots). */
function follow(harness: Harness, budgets: Budgets | null): ReturnType<typeof followLive> {
  let table = LiveTable.empty(harness, budgets);
  $('headings').replaceChildren(...table.headings.map((h) => cell('th', h)));
  const tbody = ($('results') as HTMLTableElement).tBodies[0] as HTMLTableSectionElement;
  harness.subscribe((ev) => {
    if (ev.type === 'error') $('log').textContent += `${ev.error.message}\n`;
    if (ev.type !== 'result') return;
    table = table.with(harness.summarize(ev.json));
    tbody.replaceChildren(
      ...table.rows().map((r) => {
        const tr = document.createElement('tr');
        tr.className = r.status ?? '';
        tr.replaceChildren(...r.cells.map((c) => cell('td', c)));
        return tr;
      }),
    );
  });
  return followLive(harness, budgets, $('live'));
}

async function main(): Promise<void> {
  let params: PageParams;
  let harness: Harness;
  let budgets: Budgets | null;
  try {
    params = pageParams();
    $('profile-name').textContent = params.profile;
    [harness, budgets] = await Promise.all([loadHarness({ profile: params.profile, framework: FRAMEWORK }), loadBudgets()]);
  } catch (e) {
    host.fail(e);
    $('env').textContent = message(e);
    return;
  }
  host.attach(harness);
  $('env').textContent = describe(harness, budgets !== null, formatNumber);
  const live = follow(harness, budgets);

  const button = $('run') as HTMLButtonElement;
  button.addEventListener('click', async () => {
    button.disabled = true;
    $('log').textContent = '';
    const plan = planFrom(harness, params);
    live.plan(plan.workloads.length * plan.seeds.length);
    await runMatrix(harness, plan); // errors are shown through the 'error' event
    $('status').textContent = 'done';
    button.disabled = false;
  });
  button.disabled = false;
  if (params.autorun) button.click();
}

main().catch((e) => {
  $('log').textContent += `${message(e)}\n`;
});
