// www/sdk/src/index.ts: the public surface of @wasm-budgets/sdk.

export * from './wire.js';
export type { HarnessGlue } from './glue.js';
export {
  Harness,
  loadHarness,
  detectEnvironment,
  nonNegativeInt,
  type HarnessOptions,
  type HarnessEvent,
  type HarnessListener,
} from './harness.js';
export {
  LiveTable,
  loadBudgets,
  judge,
  median,
  formatNumber,
  rowCells,
  TABLE_HEADINGS,
  type Budgets,
  type BudgetMetric,
  type Status,
  type TableRow,
} from './table.js';
export { pageParams, installHostApi, runMatrix, type PageParams, type HostApi } from './host.js';
