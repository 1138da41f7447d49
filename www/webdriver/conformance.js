// Executed by the collector through WebDriver executeAsync: runs the adapter conformance suite for each
// seed (arguments[0], an array) and returns the reports' JSON strings, in seed order.
// The last argument is WebDriver's callback; it receives {ok: [json, …]} or {err: message}.
const done = arguments[arguments.length - 1];
const seeds = arguments[0];
Promise.resolve()
  .then(() => window.wasmBudget.conformance(seeds))
  .then(
    (reports) => done({ ok: reports }),
    (e) => done({ err: String((e && (e.stack || e.message)) || e) }),
  );
