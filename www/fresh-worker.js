// www/fresh-worker.js: module worker that runs a scenario in a fresh module instance, for scenarios that
// need a clean linear memory (memory-pressure). Cold start runs on the page's main thread
// (www/cold-frame.html), where an app pays it.

import { pacer } from './sdk/src/pause.js';

/** A whole scenario (a `scenario_request` JSON) in a fresh instance: its linear memory holds nothing from earlier runs. */
async function scenario({ glueUrl, wasmUrl, tag, request }) {
  const glue = await import(`${glueUrl}?fresh=${encodeURIComponent(tag)}`);
  await glue.default({ module_or_path: wasmUrl });
  return glue.run_scenario(request, pacer());
}

self.onmessage = async ({ data }) => {
  if (data.kind === 'scenario') {
    try {
      self.postMessage({ wire: await scenario(data) });
    } catch (e) {
      self.postMessage({ error: String((e && e.message) || e) });
    }
    return;
  }
  self.postMessage({ error: `unknown message kind ${String(data && data.kind)}` });
};
