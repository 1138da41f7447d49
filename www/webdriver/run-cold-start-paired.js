// Executed by the collector through WebDriver executeAsync (`collector run --against`): cold start of
// several seeds of the candidate and of the base build served at /base/, frame by frame in turns.
// arguments[0] is a list of {workload: "cold-start", seed, iterations, warmup, framework}; the last
// argument is WebDriver's callback. Returns one {candidate, base, turns} per seed, in order.
const done = arguments[arguments.length - 1];
const configs = arguments[0];
Promise.resolve()
  .then(() => window.wasmBudget.runColdStartPaired(configs))
  .then(
    (answers) => done({ ok: answers }),
    (e) => done({ err: String((e && (e.stack || e.message)) || e) }),
  );
