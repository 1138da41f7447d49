// www/react-ui/src/useHarnessHost.ts: the React lifecycle of a host page: load the profile build once mounted,
// bind it to window.wasmBudget, follow every scenario it runs into a live table, and run the page's matrix.
import { type Dispatch, type RefObject, type SetStateAction, useCallback, useEffect, useRef, useState } from 'react';
import {
  type Budgets,
  describe,
  followLive,
  formatNumber,
  type Framework,
  type Harness,
  type HostApi,
  LiveTable,
  loadBudgets,
  loadHarness,
  message,
  type PageParams,
  pageParams,
  planFrom,
  runMatrix,
} from '@wasm-budgets/sdk';

/** A loaded page: its query string, profile build and budgets file. */
interface Loaded {
  params: PageParams;
  harness: Harness;
  budgets: Budgets | null;
}

/** What a host renders. */
export interface HarnessHostState {
  framework: Framework;
  /** The profile asked for, once the query string was read. */
  profile: string | null;
  /** Harness, tick, isolation and environment, or why the page could not load. */
  envLine: string;
  loaded: boolean;
  table: LiveTable | null;
  status: string;
  log: string[];
  running: boolean;
  run: () => Promise<void>;
  /** Where the live view (progress, budget bars, distribution plots) is drawn, outside React's renders. */
  liveRef: RefObject<HTMLDivElement | null>;
}

/** Reads the query string (only known in the browser), loads the profile build and the budgets, binds them. */
function useLoad(host: HostApi | null, framework: Framework) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [profile, setProfile] = useState<string | null>(null);
  const [envLine, setEnvLine] = useState('loading harness…');
  useEffect(() => {
    if (!host) return;
    let live = true;
    let params: PageParams;
    try {
      params = pageParams();
    } catch (e) {
      host.fail(e);
      setEnvLine(message(e));
      return;
    }
    setProfile(params.profile);
    Promise.all([loadHarness({ profile: params.profile, framework }), loadBudgets()]).then(
      ([harness, budgets]) => {
        host.attach(harness);
        if (!live) return;
        setLoaded({ params, harness, budgets });
        setEnvLine(describe(harness, budgets !== null, formatNumber));
      },
      (e: unknown) => {
        host.fail(e);
        if (live) setEnvLine(message(e));
      },
    );
    return () => {
      live = false;
    };
  }, [host, framework]);
  return { loaded, profile, envLine };
}

/** Follows every scenario the harness runs (the collector's or the run button's). */
function useScenarioEvents(loaded: Loaded | null) {
  const [table, setTable] = useState<LiveTable | null>(null);
  const [status, setStatus] = useState('');
  const [log, setLog] = useState<string[]>([]);
  useEffect(() => {
    if (!loaded) return;
    const { harness, budgets } = loaded;
    setTable(LiveTable.empty(harness, budgets));
    return harness.subscribe((ev) => {
      if (ev.type === 'start') setStatus(`running ${ev.workload} seed ${ev.seed}…`);
      else if (ev.type === 'progress') setStatus(`running ${ev.workload} seed ${ev.seed}: ${ev.done}/${ev.total}`);
      else if (ev.type === 'error') setLog((l) => [...l, ev.error.message]);
      else {
        const summaries = harness.summarize(ev.json);
        setStatus(`${ev.workload} seed ${ev.seed} done`);
        setTable((t) => (t ?? LiveTable.empty(harness, budgets)).with(summaries));
      }
    });
  }, [loaded]);
  return { table, status, setStatus, log, setLog };
}

/** The live view, drawn straight into `liveRef`'s element between the engine's batches (throttled by the SDK):
 * React would schedule its own render after the engine resumed. Returns how to announce a matrix. */
function useLive(loaded: Loaded | null) {
  const liveRef = useRef<HTMLDivElement | null>(null);
  const planRef = useRef<(runs: number) => void>(() => undefined);
  useEffect(() => {
    const root = liveRef.current;
    if (!loaded || !root) return;
    const live = followLive(loaded.harness, loaded.budgets, root);
    planRef.current = live.plan;
    return live.dispose;
  }, [loaded]);
  return { liveRef, planRef };
}

/** The run button: the page's workload × seed matrix; started at once with `?autorun=1`. */
function useRun(
  loaded: Loaded | null,
  setStatus: Dispatch<SetStateAction<string>>,
  setLog: Dispatch<SetStateAction<string[]>>,
  planRef: RefObject<(runs: number) => void>,
) {
  const [running, setRunning] = useState(false);
  const run = useCallback(async () => {
    if (!loaded) return;
    setRunning(true);
    setLog([]);
    const plan = planFrom(loaded.harness, loaded.params);
    planRef.current(plan.workloads.length * plan.seeds.length);
    await runMatrix(loaded.harness, plan);
    setStatus('done');
    setRunning(false);
  }, [loaded, setStatus, setLog, planRef]);
  useEffect(() => {
    if (loaded?.params.autorun) void run();
  }, [loaded, run]);
  return { running, run };
}

/** The whole host page's state, for `framework` (whose `window.wasmBudget` is `host`; null while prerendering). */
export function useHarnessHost(host: HostApi | null, framework: Framework): HarnessHostState {
  const { loaded, profile, envLine } = useLoad(host, framework);
  const { table, status, setStatus, log, setLog } = useScenarioEvents(loaded);
  const { liveRef, planRef } = useLive(loaded);
  const { running, run } = useRun(loaded, setStatus, setLog, planRef);
  return { framework, profile, envLine, loaded: loaded !== null, table, status, log, running, run, liveRef };
}
