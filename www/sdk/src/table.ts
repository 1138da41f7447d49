// www/sdk/src/table.ts: budgets file loading, judging a median p95 against it, and the live results table model the hosts render.

import type { Profile, ProbeSummary, Workload } from './wire.js';

/** One metric of `ci/wasm_perf_budgets.json` (the fields the live table uses). */
export interface BudgetMetric {
  id: string;
  name?: string;
  unit: 'bytes' | 'ms' | 'us' | 'percent';
  gate: 'hard' | 'operational';
  thresholds?: Partial<Record<Profile, number>>;
  target?: number;
  warn?: number;
  hard?: number;
}

export type Budgets = Map<string, BudgetMetric>;

/** Reads the budgets policy (served at `/ci/`); `null` when it is not there. */
export async function loadBudgets(url: string | URL = '/ci/wasm_perf_budgets.json'): Promise<Budgets | null> {
  try {
    const r = await fetch(new URL(url, location.href));
    if (!r.ok) return null;
    const b = (await r.json()) as { metrics?: BudgetMetric[] };
    return new Map((b.metrics ?? []).map((m) => [m.id, m]));
  } catch {
    return null;
  }
}

const UNIT_SCALE: Record<string, number> = { ms: 1e6, us: 1e3, bytes: 1, percent: 1 };

export type Status = 'pass' | 'warn' | 'fail' | '';

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** A number for a table cell: integers above 1000, three significant figures below. */
export function formatNumber(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(3);
}

/** A median p95 in the metric's unit, the budget as text, and the status (same rules as the collector's gate, per row). */
export function judge(
  budgets: Budgets | null,
  profile: Profile,
  metric: string,
  valueRaw: number,
  isPercent: boolean,
): { value: number; unit: string; budget: string; status: Status } {
  const m = budgets?.get(metric);
  const unit = m ? m.unit : isPercent ? 'percent' : 'ns';
  const value = isPercent || !m ? valueRaw : valueRaw / (UNIT_SCALE[m.unit] ?? 1);
  if (!m) return { value, unit, budget: 'no budget file', status: '' };
  if (m.thresholds) {
    const t = m.thresholds[profile];
    if (t === undefined) return { value, unit, budget: '—', status: '' };
    return { value, unit, budget: `≤ ${t} ${unit}`, status: value <= t ? 'pass' : 'fail' };
  }
  const hard = m.hard ?? Infinity;
  const warn = m.warn ?? hard;
  const status: Status = value > hard ? 'fail' : value > warn ? 'warn' : 'pass';
  return { value, unit, budget: `≤ ${m.target} (hard ${m.hard}) ${unit}`, status };
}

/** One rendered row: a (workload, probe) over the seeds seen so far. */
export interface TableRow {
  key: string;
  workload: Workload;
  probe: string;
  metric: string;
  batchSize: number;
  /** e.g. `11: 3.20, 29: 3.41 (ns)` */
  perSeed: string;
  median: string;
  budget: string;
  status: Status;
}

/** Accumulates per-seed summaries and renders rows; immutable updates so frameworks can diff it. */
export class LiveTable {
  private constructor(
    private readonly budgets: Budgets | null,
    private readonly profile: Profile,
    private readonly cells: ReadonlyMap<string, { workload: Workload; seeds: ReadonlyMap<number, ProbeSummary> }>,
  ) {}

  static empty(budgets: Budgets | null, profile: Profile): LiveTable {
    return new LiveTable(budgets, profile, new Map());
  }

  /** A new table with one (workload, seed) result's summaries added. */
  with(workload: Workload, seed: number, summaries: readonly ProbeSummary[]): LiveTable {
    const cells = new Map(this.cells);
    for (const s of summaries) {
      const key = `${workload}/${s.probe}`;
      const seeds = new Map(cells.get(key)?.seeds ?? []);
      seeds.set(seed, s);
      cells.set(key, { workload, seeds });
    }
    return new LiveTable(this.budgets, this.profile, cells);
  }

  /** A new table with another budgets file (e.g. once it loaded). */
  withBudgets(budgets: Budgets | null): LiveTable {
    return new LiveTable(budgets, this.profile, this.cells);
  }

  get size(): number {
    return this.cells.size;
  }

  rows(): TableRow[] {
    return [...this.cells.entries()].map(([key, { workload, seeds }]) => {
      const all = [...seeds.entries()];
      const first = all[0]![1];
      const relative = first.overhead_pct !== undefined;
      const pick = (x: ProbeSummary) => (relative ? (x.overhead_pct as number) : x.p95);
      const j = judge(this.budgets, this.profile, first.metric, median(all.map(([, x]) => pick(x))), relative);
      return {
        key,
        workload,
        probe: first.probe,
        metric: first.metric,
        batchSize: first.batch_size,
        perSeed: `${all.map(([seed, x]) => `${seed}: ${formatNumber(pick(x))}`).join(', ')} (${relative ? '%' : first.unit})`,
        median: `${formatNumber(j.value)} ${j.unit}`,
        budget: j.budget,
        status: j.status,
      };
    });
  }
}

/** Column headings matching `TableRow`, in order. */
export const TABLE_HEADINGS = ['workload', 'probe', 'metric', 'batch', 'per-seed p95', 'median p95', 'budget', 'status'] as const;

/** The cells of a row, in `TABLE_HEADINGS` order. */
export function rowCells(r: TableRow): string[] {
  return [r.workload, r.probe, r.metric, String(r.batchSize), r.perSeed, r.median, r.budget, r.status];
}
