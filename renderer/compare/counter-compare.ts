/**
 * The counters table of the Compare tab: per engine counter the base and
 * the other run's value, the absolute difference (other − base) and the
 * relative one, and whether the change is better, worse or neither. A cost
 * (calls, page-table writes, flushes, faults, temporary memory, warnings)
 * is better lower; workload figures (pages mapped or pinned, bytes copied,
 * frames allocated) are neither: more of them is what the scenario asked.
 */
import { COUNTER_NAMES, type CounterName, type Counters } from '../../engine/base/counters';

export type Verdict = 'better' | 'worse' | 'neutral' | 'same';

/** Counters whose lower value is the better outcome (work done for the same result). */
const COSTS: ReadonlySet<CounterName> = new Set<CounterName>([
  'iommuMapCalls',
  'iommuUnmapCalls',
  'iovaToPhysCalls',
  'pteWrites',
  'iotlbFlushes',
  'pinCalls',
  'pageFaults',
  'cowBreaks',
  'xarrayStores',
  'xarrayErases',
  'batchRuns',
  'tempMemoryPeakBytes',
  'warnings',
]);

export function isCost(name: CounterName): boolean {
  return COSTS.has(name);
}

export interface CompareRow {
  name: CounterName;
  base: number;
  other: number;
  /** other − base. */
  abs: number;
  /** (other − base) / |base|; ±Infinity when base is 0 and other is not; 0 when both are equal. */
  rel: number;
  verdict: Verdict;
}

export function relative(base: number, other: number): number {
  if (other === base) return 0;
  if (base === 0) return other > 0 ? Infinity : -Infinity;
  return (other - base) / Math.abs(base);
}

export function verdictOf(name: CounterName, abs: number): Verdict {
  if (abs === 0) return 'same';
  if (!isCost(name)) return 'neutral';
  return abs < 0 ? 'better' : 'worse';
}

export function compareCounters(base: Counters, other: Counters): CompareRow[] {
  return COUNTER_NAMES.map((name) => {
    const b = base[name] ?? 0;
    const o = other[name] ?? 0;
    const abs = o - b;
    return { name, base: b, other: o, abs, rel: relative(b, o), verdict: verdictOf(name, abs) };
  });
}

export type SortKey = 'name' | 'abs' | 'rel';

/**
 * Rows in the chosen order: 'name' keeps the engine's counter order (grouped
 * by layer); 'abs' / 'rel' put the largest changes (by magnitude) first,
 * ties in counter order. `onlyDiff` drops the equal rows.
 */
export function sortRows(rows: readonly CompareRow[], key: SortKey, onlyDiff: boolean): CompareRow[] {
  const list = onlyDiff ? rows.filter((r) => r.abs !== 0) : [...rows];
  if (key === 'name') return list;
  const order = new Map(COUNTER_NAMES.map((n, i) => [n, i]));
  const mag = (r: CompareRow): number => Math.abs(key === 'abs' ? r.abs : r.rel);
  return list.sort(
    (a, b) => mag(b) - mag(a) || (order.get(a.name) as number) - (order.get(b.name) as number),
  );
}

/** "+12.5 %", "−3 %", "new" (base 0), "" (equal). */
export function formatRel(rel: number): string {
  if (rel === 0) return '';
  if (!Number.isFinite(rel)) return rel > 0 ? 'new' : 'gone';
  const pct = rel * 100;
  const a = Math.abs(pct);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  const text = a.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
  return `${pct > 0 ? '+' : '−'}${text} %`;
}
