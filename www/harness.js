// www/harness.js: loads a harness profile build, exposes `window.wasmBudget` to the collector, and
// drives the page's controls and live p95 table.

const PROFILES = ['core-min', 'core-trace', 'full-dev'];
const COLD_SAMPLES_PER_WORKER = 25;
const COLD_MAX_WARMUP = 10;
const params = new URLSearchParams(location.search);
const requestedProfile = params.get('profile') || 'core-min';
const base = new URL(`/dist/${requestedProfile}/`, location.href);
const glueUrl = new URL('harness.js', base).href;
const wasmUrl = new URL('harness_bg.wasm', base).href;

let glue = null;

function environment() {
  const ua = navigator.userAgent;
  if (/Android/i.test(ua)) return 'mobile-android';
  if (/Firefox\//.test(ua)) return 'desktop-firefox';
  return 'desktop-chromium';
}

/** Integer from `v`, or `fallback` when absent; throws on garbage. */
function int(v, fallback, what) {
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${v}`);
  return n;
}

const ready = (async () => {
  if (!PROFILES.includes(requestedProfile)) {
    throw new Error(`unknown profile "${requestedProfile}"; expected one of ${PROFILES.join(', ')}`);
  }
  try {
    glue = await import(glueUrl);
    await glue.default({ module_or_path: wasmUrl });
  } catch (e) {
    throw new Error(`cannot load ${glueUrl} (was \`collector build\` run for ${requestedProfile}?): ${e.message || e}`);
  }
  const built = glue.harness_profile();
  if (built !== requestedProfile) {
    throw new Error(`/dist/${requestedProfile}/ holds a ${built} build`);
  }
  const clock = JSON.parse(glue.clock_info());
  return {
    profile: built,
    harness_version: glue.harness_version(),
    tick_ns: clock.tick_ns,
    cross_origin_isolated: clock.cross_origin_isolated,
    user_agent: navigator.userAgent,
  };
})();

/** Posts `msg` to a new fresh-instance worker; resolves to its one reply, then terminates it. */
function inFreshWorker(msg, what) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('/fresh-worker.js', location.href), { type: 'module' });
    const done = (f) => { w.terminate(); f(); };
    w.onmessage = ({ data }) => done(() => (data.error ? reject(new Error(`${what}: ${data.error}`)) : resolve(data)));
    w.onerror = (e) => done(() => reject(new Error(`${what} worker: ${e.message || 'failed to start'}`)));
    w.postMessage(msg);
  });
}

/** One cold-start worker batch: resolves to per-sample phase timings (ms). */
async function coldBatch(seed, first, count, nonce) {
  const reply = await inFreshWorker({ glueUrl, wasmUrl, seed, first, count, nonce }, 'cold-start sample');
  return reply.samples;
}

/** Memory-pressure in a fresh module instance, so earlier scenarios' growth is not counted. */
async function runFresh(workload, seed, iterations, warmup, framework) {
  const tag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const reply = await inFreshWorker(
    { kind: 'scenario', glueUrl, wasmUrl, tag, workload, seed, iterations, warmup, framework }, workload);
  return reply.wire;
}

/** Cold start: every sample instantiates a never-compiled module in a fresh glue state. */
async function runCold(seed, iterations, warmup, framework) {
  const nonce = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const warm = Math.min(warmup, COLD_MAX_WARMUP);
  const all = [];
  for (let i = 0; i < warm + iterations; i += COLD_SAMPLES_PER_WORKER) {
    all.push(...await coldBatch(seed, i, Math.min(COLD_SAMPLES_PER_WORKER, warm + iterations - i), nonce));
  }
  const timed = all.slice(warm);
  const components = {};
  for (const key of Object.keys(timed[0])) {
    components[key.replace(/_ms$/, '_ns')] = timed.map((s) => Math.max(0, s[key]) * 1e6);
  }
  const samples = timed.map((_, i) => Object.values(components).reduce((sum, c) => sum + c[i], 0));
  return glue.cold_start_wire(seed, iterations, warm, framework, navigator.userAgent,
    JSON.stringify({ samples, components }));
}

/** Runs one (workload, seed); resolves to the wire JSON string. */
async function runScenario(opts = {}) {
  await ready;
  const workload = opts.workload;
  if (!glue.workloads().includes(workload)) {
    throw new Error(`unknown workload "${workload}"; expected one of ${glue.workloads().join(', ')}`);
  }
  const seed = int(opts.seed, undefined, 'seed');
  if (seed === undefined) throw new Error('seed is required');
  const iterations = int(opts.iterations, glue.min_iterations(), 'iterations');
  const warmup = int(opts.warmup, glue.default_warmup(), 'warmup');
  const framework = opts.framework || 'vanilla-js';
  try {
    if (workload === 'cold-start') return await runCold(seed, iterations, warmup, framework);
    if (workload === 'memory-pressure') return await runFresh(workload, seed, iterations, warmup, framework);
    // Let the page paint before a synchronous measurement blocks the main thread.
    await new Promise((r) => setTimeout(r, 0));
    return glue.run_scenario(workload, seed, iterations, warmup, framework, navigator.userAgent);
  } catch (e) {
    throw new Error(`${workload} seed ${seed} (${requestedProfile}): ${e.message || e}`);
  }
}

window.wasmBudget = { ready, runScenario };

// ---- page UI -------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const rows = new Map(); // "workload/probe" -> { seeds: Map(seed -> summary), tr }
let budgets = null;

async function loadBudgets() {
  try {
    const r = await fetch('/ci/wasm_perf_budgets.json');
    if (!r.ok) return null;
    const b = await r.json();
    return new Map((b.metrics || []).map((m) => [m.id, m]));
  } catch {
    return null;
  }
}

const UNIT_SCALE = { ms: 1e6, us: 1e3, bytes: 1, percent: 1 };

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** [value in the metric's unit, budget text, status] for a median p95. */
function judge(metric, valueRaw, isPercent) {
  const m = budgets && budgets.get(metric);
  const unit = m ? m.unit : (isPercent ? 'percent' : 'ns');
  const value = isPercent || !m ? valueRaw : valueRaw / (UNIT_SCALE[m.unit] || 1);
  if (!m) return [value, unit, 'no budget file', ''];
  if (m.thresholds) {
    const t = m.thresholds[requestedProfile];
    if (t === undefined) return [value, unit, '—', ''];
    return [value, unit, `≤ ${t} ${unit}`, value <= t ? 'pass' : 'fail'];
  }
  const status = value > m.hard ? 'fail' : value > m.warn ? 'warn' : 'pass';
  return [value, unit, `≤ ${m.target} (hard ${m.hard}) ${unit}`, status];
}

function fmt(v) {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(3);
}

function render(workload, s) {
  const key = `${workload}/${s.probe}`;
  let row = rows.get(key);
  if (!row) {
    const tr = document.createElement('tr');
    $('results').tBodies[0].appendChild(tr);
    row = { seeds: new Map(), tr };
    rows.set(key, row);
  }
  row.seeds.set(s.seed, s);
  const relative = s.overhead_pct !== undefined;
  const perSeed = [...row.seeds.values()].map((x) => (relative ? x.overhead_pct : x.p95));
  const [value, unit, budget, status] = judge(s.metric, median(perSeed), relative);
  const seedText = [...row.seeds.entries()]
    .map(([seed, x]) => `${seed}: ${fmt(relative ? x.overhead_pct : x.p95)}`).join(', ');
  const cells = [workload, s.probe, s.metric, s.batch_size, `${seedText} (${relative ? '%' : s.unit})`,
    `${fmt(value)} ${unit}`, budget, status];
  row.tr.className = status;
  row.tr.replaceChildren(...cells.map((c) => Object.assign(document.createElement('td'), { textContent: String(c) })));
}

async function runFromForm(ev) {
  ev.preventDefault();
  $('run').disabled = true;
  $('log').textContent = '';
  try {
    const chosen = [...document.querySelectorAll('#workloads input:checked')].map((i) => i.value);
    const seeds = $('seeds').value.split(/[\s,]+/).filter(Boolean).map((s) => int(s, 0, 'seed'));
    const iterations = int($('iterations').value, undefined, 'iterations');
    const warmup = int($('warmup').value, undefined, 'warm-up');
    for (const workload of chosen) {
      for (const seed of seeds) {
        $('status').textContent = `running ${workload} seed ${seed}…`;
        try {
          const wire = await runScenario({ workload, seed, iterations, warmup });
          for (const s of JSON.parse(glue.summarize_wire(wire, environment()))) render(workload, { ...s, seed });
        } catch (e) {
          $('log').textContent += `${e.message}\n`;
        }
      }
    }
    $('status').textContent = 'done';
  } catch (e) {
    $('log').textContent += `${e.message}\n`;
    $('status').textContent = 'stopped';
  } finally {
    $('run').disabled = false;
  }
}

async function initPage() {
  budgets = await loadBudgets();
  try {
    const info = await ready;
    $('profile-name').textContent = info.profile;
    $('env').textContent = `harness ${info.harness_version} · tick ${fmt(info.tick_ns / 1000)} µs · ` +
      `cross-origin isolated: ${info.cross_origin_isolated} · ${environment()}` +
      (budgets ? '' : ' · no /ci/wasm_perf_budgets.json: showing raw values');
  } catch (e) {
    $('env').textContent = e.message;
    return;
  }
  for (const w of glue.workloads()) {
    const label = document.createElement('label');
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: w, checked: true });
    label.append(box, ` ${w} `);
    $('workloads').appendChild(label);
  }
  const only = params.get('workloads');
  if (only) {
    const want = only.split(',');
    document.querySelectorAll('#workloads input').forEach((i) => { i.checked = want.includes(i.value); });
  }
  $('seeds').value = params.get('seeds') || glue.seed_set().join(' ');
  $('iterations').value = params.get('iterations') || glue.min_iterations();
  $('warmup').value = params.get('warmup') || glue.default_warmup();
  $('controls').addEventListener('submit', runFromForm);
  $('run').disabled = false;
  if (params.get('autorun') === '1') $('run').click();
}

if (typeof document !== 'undefined') initPage();
