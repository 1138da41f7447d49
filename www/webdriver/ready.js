// Executed by the collector through WebDriver executeAsync: waits for the page's harness to load.
// arguments[0] is WebDriver's callback; it receives {ok: info} or {err: message}.
const done = arguments[arguments.length - 1];
const api = window.wasmBudget;
if (!api || !api.ready) {
  done({ err: 'window.wasmBudget is missing: this page does not expose the harness JS API' });
} else {
  api.ready.then(
    (info) => done({ ok: info }),
    (e) => done({ err: String((e && e.message) || e) }),
  );
}
