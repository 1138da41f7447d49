// www/react-host/src/App.tsx: the react host's UI: the shared host hook (load in useEffect, bind window.wasmBudget, live table) and view.
import type { HostApi } from '@wasm-budgets/sdk';
import { HarnessView, useHarnessHost } from '@wasm-budgets/react-ui';

export const FRAMEWORK = 'react';

export function App({ host }: { host: HostApi }) {
  return <HarnessView state={useHarnessHost(host, FRAMEWORK)} />;
}
