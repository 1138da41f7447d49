// www/react-host/src/main.tsx: entry of the react host: installs window.wasmBudget before React renders, then mounts <App>.
import { createRoot } from 'react-dom/client';
import { installHostApi } from '@wasm-budgets/sdk';
import { App } from './App';

// Installed at once so the collector finds it on page load; `ready` resolves once <App> has mounted
// and loaded the profile build in its effect.
const host = installHostApi('react');
createRoot(document.getElementById('root') as HTMLElement).render(<App host={host} />);
