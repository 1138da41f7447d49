// www/fresh-worker.js: module worker that runs harness code in fresh module instances: cold-start
// samples (each imports a fresh copy of the wasm-bindgen glue and compiles wasm bytes no earlier
// sample compiled, via a unique custom section) and scenarios that need a clean linear memory.

import { pacer } from './sdk/src/pause.js';

/** Unsigned LEB128 of a non-negative integer. */
function leb128(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** `bytes` with a custom section (id 0) named `name` carrying `payload` appended. */
export function withCustomSection(bytes, name, payload) {
  const enc = new TextEncoder();
  const nameBytes = enc.encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes, ...enc.encode(payload)];
  const header = [0, ...leb128(body.length)];
  const out = new Uint8Array(bytes.length + header.length + body.length);
  out.set(bytes, 0);
  out.set(header, bytes.length);
  out.set(body, bytes.length + header.length);
  return out;
}

async function sample(glueUrl, wasmUrl, seed, tag) {
  const t0 = performance.now();
  const glue = await import(`${glueUrl}?cold=${encodeURIComponent(tag)}`);
  const t1 = performance.now();
  const resp = await fetch(wasmUrl, { cache: 'no-store' });
  if (!resp.ok) throw new Error(`fetch ${wasmUrl}: HTTP ${resp.status}`);
  const bytes = new Uint8Array(await resp.arrayBuffer());
  const t2 = performance.now();
  const unique = withCustomSection(bytes, 'wasm-budget-cold-sample', tag); // untimed
  const t3 = performance.now();
  const module = await WebAssembly.compile(unique);
  const t4 = performance.now();
  await glue.default({ module_or_path: module });
  const t5 = performance.now();
  const [runtimeStartMs] = glue.cold_start_probe(seed);
  const t6 = performance.now();
  return {
    glue_import_ms: t1 - t0,
    fetch_ms: t2 - t1,
    compile_ms: t4 - t3,
    instantiate_ms: t5 - t4,
    runtime_start_ms: runtimeStartMs,
    // The rest of the probe call: the first task, plus the call itself.
    first_task_ms: t6 - t5 - runtimeStartMs,
  };
}

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
  const { glueUrl, wasmUrl, seed, first, count, nonce } = data;
  try {
    const samples = [];
    for (let i = 0; i < count; i++) {
      samples.push(await sample(glueUrl, wasmUrl, seed, `${nonce}-${seed}-${first + i}`));
    }
    self.postMessage({ samples });
  } catch (e) {
    self.postMessage({ error: String((e && e.stack) || e) });
  }
};
