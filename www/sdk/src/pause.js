// www/sdk/src/pause.js: how the page hands the event loop back when the engine yields between timed
// batches (the engine decides when: at most every ~100 ms, never inside a batch).

/**
 * Resolves after the event loop ran: `scheduler.yield()` where the browser has it, else a MessageChannel
 * macrotask (`setTimeout(0)` is clamped to ≥ 4 ms once nested, so it is not used).
 * @returns {Promise<void>}
 */
export function yieldToEventLoop() {
  const scheduler = /** @type {{ yield?: () => Promise<void> } | undefined} */ (
    /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (globalThis)).scheduler
  );
  if (scheduler && typeof scheduler.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * The `pause` callback `run_scenario` takes: passes the engine's progress report (JSON) on, then yields.
 * @param {(progressJson: string) => void} [onProgress]
 * @returns {(progressJson: string) => Promise<void>}
 */
export function pacer(onProgress) {
  return (progressJson) => {
    if (onProgress) {
      try {
        onProgress(progressJson);
      } catch (e) {
        console.error('wasm-budgets: a progress listener threw', e);
      }
    }
    return yieldToEventLoop();
  };
}
