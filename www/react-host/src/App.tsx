// www/react-host/src/App.tsx: the react host's UI: loads the harness in useEffect, binds it to window.wasmBudget, and re-renders a live p95 table as results arrive.
import { useCallback, useEffect, useState } from 'react';
import {
  type Budgets,
  formatNumber,
  type Harness,
  type HostApi,
  LiveTable,
  loadBudgets,
  loadHarness,
  pageParams,
  rowCells,
  runMatrix,
  TABLE_HEADINGS,
} from '@wasm-budgets/sdk';

export const FRAMEWORK = 'react';

export function App({ host }: { host: HostApi }) {
  const [params] = useState(() => {
    try {
      return pageParams();
    } catch (e) {
      host.fail(e);
      return null;
    }
  });
  const [harness, setHarness] = useState<Harness | null>(null);
  const [budgets, setBudgets] = useState<Budgets | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [table, setTable] = useState<LiveTable | null>(null);
  const [status, setStatus] = useState('');
  const [log, setLog] = useState<string[]>([]);
  const [running, setRunning] = useState(false);

  // Load the profile build once the component mounted; bind it to window.wasmBudget.
  useEffect(() => {
    if (!params) return;
    let live = true;
    Promise.all([loadHarness({ profile: params.profile, framework: FRAMEWORK }), loadBudgets()]).then(
      ([h, b]) => {
        host.attach(h);
        if (!live) return;
        setHarness(h);
        setBudgets(b);
        setTable(LiveTable.empty(b, h.info.profile));
      },
      (e: unknown) => {
        host.fail(e);
        if (live) setLoadError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [host, params]);

  // Every scenario the harness runs (from the collector or the run button) updates state.
  useEffect(() => {
    if (!harness) return;
    return harness.subscribe((ev) => {
      switch (ev.type) {
        case 'start':
          setStatus(`running ${ev.workload} seed ${ev.seed}…`);
          break;
        case 'progress':
          setStatus(`running ${ev.workload} seed ${ev.seed}: ${ev.done}/${ev.total}`);
          break;
        case 'error':
          setLog((l) => [...l, ev.error.message]);
          break;
        case 'result': {
          const summaries = harness.summarize(ev.json);
          setStatus(`${ev.workload} seed ${ev.seed} done`);
          setTable((t) => (t ?? LiveTable.empty(null, harness.info.profile)).with(ev.workload, ev.seed, summaries));
          break;
        }
      }
    });
  }, [harness]);

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

  const info = harness?.info;
  return (
    <>
      <h1>
        wasm budgets <small>react · {params?.profile ?? 'bad query string'}</small>
      </h1>
      <p id="env">
        {loadError ??
          (info
            ? `harness ${info.harness_version} · ${harness.adapter} · tick ${formatNumber(info.tick_ns / 1000)} µs · ` +
              `cross-origin isolated: ${info.cross_origin_isolated} · ${harness.environment}` +
              (budgets ? '' : ' · no /ci/wasm_perf_budgets.json: showing raw values')
            : 'loading harness…')}
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
