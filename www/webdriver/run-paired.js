// Executed by the collector through WebDriver executeAsync (`collector run --against`): runs one
// (workload, seed) of the candidate and of the base build served at /base/, taking turns in one page.
// arguments[0] is {config: {workload, seed, iterations, warmup, framework}, pattern: ["base", "candidate", …],
// turn_ms: the engines' yield interval for the call};
// the last argument is WebDriver's callback. Returns {candidate, base, turns}.
const done = arguments[arguments.length - 1];
const { config, pattern, turn_ms: turnMs } = arguments[0];
Promise.resolve()
  .then(() => window.wasmBudget.runPaired(config, pattern, turnMs))
  .then(
    (answer) => done({ ok: answer }),
    (e) => done({ err: String((e && (e.stack || e.message)) || e) }),
  );
