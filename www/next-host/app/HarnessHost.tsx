// www/next-host/app/HarnessHost.tsx: the nextjs host's client component: after hydration loads the harness in useEffect, binds window.wasmBudget, and renders a live p95 table.
'use client';
import { useCallback, useEffect, useState } from 'react';
import {
  type Budgets,
  formatNumber,
  type Harness,
  type HostApi,
  installHostApi,
  LiveTable,
  loadBudgets,
  loadHarness,
  type PageParams,
  pageParams,
  rowCells,
  runMatrix,
  TABLE_HEADINGS,
} from '@wasm-budgets/sdk';

const FRAMEWORK = 'nextjs';

// Installed when this chunk first runs in the browser (before hydration), so the collector finds it
// on page load; `ready` resolves once the component has hydrated and loaded the profile build.
const host: HostApi | null = typeof window === 'undefined' ? null : installHostApi(FRAMEWORK);

export function HarnessHost() {
  const [params, setParams] = useState<PageParams | null>(null);
  const [harness, setHarness] = useState<Harness | null>(null);
  const [budgets, setBudgets] = useState<Budgets | null>(null);
  const [message, setMessage] = useState('loading harness…');
  const [table, setTable] = useState<LiveTable | null>(null);
  const [status, setStatus] = useState('');
  const [log, setLog] = useState<string[]>([]);
  const [running, setRunning] = useState(false);

  // The query string is only known in the browser: read it, load the profile build, bind it.
  useEffect(() => {
    if (!host) return;
    let live = true;
    let p: PageParams;
    try {
      p = pageParams();
    } catch (e) {
      host.fail(e);
      setMessage(e instanceof Error ? e.message : String(e));
      return;
    }
    setParams(p);
    Promise.all([loadHarness({ profile: p.profile, framework: FRAMEWORK }), loadBudgets()]).then(
      ([h, b]) => {
        host.attach(h);
        if (!live) return;
        setHarness(h);
        setBudgets(b);
        setTable(LiveTable.empty(b, h.info.profile));
        setMessage(
          `harness ${h.info.harness_version} · ${h.adapter} · tick ${formatNumber(h.info.tick_ns / 1000)} µs · ` +
            `cross-origin isolated: ${h.info.cross_origin_isolated} · ${h.environment}` +
            (b ? '' : ' · no /ci/wasm_perf_budgets.json: showing raw values'),
        );
      },
      (e: unknown) => {
        host.fail(e);
        if (live) setMessage(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, []);

  // Every scenario the harness runs (from the collector or the run button) updates state.
  useEffect(() => {
    if (!harness) return;
    return harness.subscribe((ev) => {
      if (ev.type === 'start') setStatus(`running ${ev.workload} seed ${ev.seed}…`);
      else if (ev.type === 'progress') setStatus(`running ${ev.workload} seed ${ev.seed}: ${ev.done}/${ev.total}`);
      else if (ev.type === 'error') setLog((l) => [...l, ev.error.message]);
      else {
        const summaries = harness.summarize(ev.json);
        setStatus(`${ev.workload} seed ${ev.seed} done`);
        setTable((t) => (t ?? LiveTable.empty(budgets, harness.info.profile)).with(ev.workload, ev.seed, summaries));
      }
    });
  }, [harness, budgets]);

  const run = useCallback(async () => {
    if (!harness || !params) return;
    setRunning(true);
    setLog([]);
    await runMatrix(harness, {
      workloads: params.workloads ?? harness.workloads,
      seeds: params.seeds ?? harness.seedSet,
      iterations: params.iterations,
      warmup: params.warmup,
    });
    setStatus('done');
    setRunning(false);
  }, [harness, params]);

  useEffect(() => {
    if (harness && params?.autorun) void run();
  }, [harness, params, run]);

  return (
    <>
      <p id="env">
        {params ? `${params.profile} · ` : ''}
        {message}
      </p>
      <p>
        <button id="run" type="button" disabled={!harness || running} onClick={() => void run()}>
          run
        </button>{' '}
        <span id="status">{status}</span>
      </p>
      <table id="results">
        <thead>
          <tr>
            {TABLE_HEADINGS.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table?.rows().map((r) => (
            <tr key={r.key} className={r.status}>
              {rowCells(r).map((c, i) => (
                <td key={i}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <pre id="log">{log.join('\n')}</pre>
    </>
  );
}
