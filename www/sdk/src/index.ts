// www/sdk/src/index.ts: the public surface of @wasm-budgets/sdk: the page core (plain ES modules, JSDoc-typed)
// with its TypeScript types. The vanilla page imports the same modules directly, without a build.

export type * from './wire.js';
export type { HarnessGlue, PageToolsGlue } from './glue.js';
export { FRAMEWORKS, PROFILES } from './ids.js';
export {
  Harness,
  loadHarness,
  detectEnvironment,
  importAtRuntime,
  message,
  type HarnessOptions,
  type HarnessEvent,
  type HarnessListener,
  type ScenarioRequest,
} from './runner.js';
export { LiveTable, loadBudgets, formatNumber, type Budgets } from './table.js';
export { LiveView, LivePanel, followLive, throttled, RENDERS_PER_SECOND, type LivePictures, type LiveSamples } from './live.js';
export { pacer, yieldToEventLoop } from './pause.js';
export { Turns, checkPattern, type Side, type TurnEnd } from './pair.js';
export {
  pageParams,
  parseSeeds,
  nonNegativeInt,
  installHostApi,
  planFrom,
  runMatrix,
  describe,
  type PageParams,
  type HostApi,
} from './host.js';
