// www/react-ui/src/HarnessView.tsx: the view of a React host page: title, environment line, run button, the live
// view (progress, budget bars, distribution plots; drawn by the SDK) and the live table.
import type { LiveTable } from '@wasm-budgets/sdk';
import type { HarnessHostState } from './useHarnessHost';

/** The live table: headings and rows as the glue computed and judged them. */
function ResultsTable({ table }: { table: LiveTable | null }) {
  return (
    <table id="results">
      <thead>
        <tr>
          {(table?.headings ?? []).map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table?.rows().map((r) => (
          <tr key={r.key} className={r.status ?? ''}>
            {r.cells.map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HarnessView({ state }: { state: HarnessHostState }) {
  return (
    <>
      <h1>
        wasm budgets{' '}
        <small>
          {state.framework} · {state.profile ?? '…'}
        </small>
      </h1>
      <p id="env">{state.envLine}</p>
      <p>
        <button id="run" type="button" disabled={!state.loaded || state.running} onClick={() => void state.run()}>
          run
        </button>{' '}
        <span id="status">{state.status}</span>
      </p>
      <div id="live" ref={state.liveRef} />
      <ResultsTable table={state.table} />
      <pre id="log">{state.log.join('\n')}</pre>
    </>
  );
}
