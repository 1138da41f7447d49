// Executed by the collector through WebDriver executeAsync: runs cold start for several seeds, their
// frames of samples taken in turns, and returns one wire JSON per seed, in order.
// arguments[0] is [{workload: 'cold-start', seed, iterations, warmup, framework}, …]; the last argument
// is WebDriver's callback.
const done = arguments[arguments.length - 1];
const configs = arguments[0];
Promise.resolve()
  .then(() => window.wasmBudget.runColdStart(configs))
  .then(
    (wires) => done({ ok: wires }),
    (e) => done({ err: String((e && (e.stack || e.message)) || e) }),
  );
