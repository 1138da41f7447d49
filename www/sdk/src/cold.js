// www/sdk/src/cold.js: one cold-start sample as an app pays it, in whatever realm imports this module
// (the page's cold frame, a same-origin iframe on the host's main thread). Plain ES module.

/** Unsigned LEB128 of a non-negative integer. @param {number} n */
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

/**
 * `bytes` with a custom section (id 0) named `name` carrying `payload` appended: bytes no earlier
 * sample compiled, so the engine's compiled-module cache cannot serve them.
 * @param {Uint8Array} bytes
 * @param {string} name
 * @param {string} payload
 */
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

/**
 * One sample, phases in ms. Transfer first — the wasm bytes (`fetch`) and a fresh copy of the glue
 * (`glue_import`: fetched and evaluated, so its state is new) — then, from "bytes and glue available",
 * the phases the gate adds up: `compile` (never-compiled bytes), `instantiate` (the glue's init),
 * `runtime_start` and `first_task` (timed inside the module by `cold_start_probe`).
 * @param {{ glueUrl: string, wasmUrl: string, seed: number, tag: string }} at
 * @returns {Promise<Record<string, number>>}
 */
export async function coldSample({ glueUrl, wasmUrl, seed, tag }) {
  const t0 = performance.now();
  const resp = await fetch(wasmUrl, { cache: 'no-store' });
  if (!resp.ok) throw new Error(`fetch ${wasmUrl}: HTTP ${resp.status}`);
  const bytes = new Uint8Array(await resp.arrayBuffer());
  const t1 = performance.now();
  const glue = await import(/* webpackIgnore: true */ /* @vite-ignore */ `${glueUrl}?cold=${encodeURIComponent(tag)}`);
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
    fetch_ms: t1 - t0,
    glue_import_ms: t2 - t1,
    compile_ms: t4 - t3,
    instantiate_ms: t5 - t4,
    runtime_start_ms: runtimeStartMs,
    // The rest of the probe call: the first task, plus the call itself.
    first_task_ms: t6 - t5 - runtimeStartMs,
  };
}
