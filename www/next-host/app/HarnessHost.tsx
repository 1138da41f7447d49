// www/next-host/app/HarnessHost.tsx: the nextjs host's client component: the shared host hook and view (after hydration it loads the harness, binds window.wasmBudget and renders the live table).
'use client';
import { installHostApi, type HostApi } from '@wasm-budgets/sdk';
import { HarnessView, useHarnessHost } from '@wasm-budgets/react-ui';

const FRAMEWORK = 'nextjs';

// Installed when this chunk first runs in the browser (before hydration), so the collector finds it
// on page load; `ready` resolves once the component has hydrated and loaded the profile build.
const host: HostApi | null = typeof window === 'undefined' ? null : installHostApi(FRAMEWORK);

export function HarnessHost() {
  return <HarnessView state={useHarnessHost(host, FRAMEWORK)} />;
}
