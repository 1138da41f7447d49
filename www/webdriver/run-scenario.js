// Executed by the collector through WebDriver executeAsync: runs one (workload, seed) and returns its wire JSON.
// arguments[0] is {workload, seed, iterations, warmup, framework}; the last argument is WebDriver's callback.
const done = arguments[arguments.length - 1];
const config = arguments[0];
Promise.resolve()
  .then(() => window.wasmBudget.runScenario(config))
  .then(
    (wire) => done({ ok: wire }),
    (e) => done({ err: String((e && (e.stack || e.message)) || e) }),
  );
