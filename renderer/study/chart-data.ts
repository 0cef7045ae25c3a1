/**
 * The chart's data: one group per value of the group-by axis (operation by
 * default; or backing, size, domains), one bar per strategy inside it. A bar
 * stands for every shown cell of that group and strategy (the other axes as
 * filtered): its height is their median,
 * its whisker their min–max, `n` how many cells; cells without a value
 * (skipped, error, no iommufd baseline) are counted in `missing`.
 */
import { axisOf, type AxisKey, type CellView } from './cells';
import type { MetricDef } from './metrics';

export interface BarDatum {
  strategy: string;
  /** null: no cell of this strategy and group has a value. */
  median: number | null;
  min: number;
  max: number;
  n: number;
  missing: number;
}

/** What the chart can group by (the bars inside a group are always the strategies). */
export type GroupKey = Exclude<AxisKey, 'strategy'>;

export interface GroupDatum {
  /** The axis value (as text) this group stands for. */
  key: string;
  label: string;
  bars: BarDatum[];
}

export interface ChartData {
  groups: GroupDatum[];
  strategies: string[];
  /** Smallest positive and largest value over all bars (whiskers included); NaN when none. */
  minPositive: number;
  max: number;
}

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function buildChart(
  views: readonly CellView[],
  metric: MetricDef,
  groupValues: readonly string[],
  strategies: readonly string[],
  groupBy: GroupKey = 'operation',
  label: (v: string) => string = (v) => v,
): ChartData {
  const buckets = new Map<string, { values: number[]; missing: number }>();
  const key = (op: string, s: string): string => `${op}\u0000${s}`;
  for (const v of views) {
    const k = key(String(axisOf(v.cell, groupBy)), v.cell.strategy);
    let b = buckets.get(k);
    if (!b) buckets.set(k, (b = { values: [], missing: 0 }));
    const x = metric.value(v);
    if (x === null || !Number.isFinite(x)) b.missing++;
    else b.values.push(x);
  }
  // only groups and strategies that have shown cells
  const ops = groupValues.filter((op) => strategies.some((s) => buckets.has(key(op, s))));
  const strats = strategies.filter((s) => ops.some((op) => buckets.has(key(op, s))));
  let minPositive = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const groups = ops.map((g) => ({
    key: g,
    label: label(g),
    bars: strats.map((strategy): BarDatum => {
      const b = buckets.get(key(g, strategy));
      const values = (b?.values ?? []).slice().sort((x, y) => x - y);
      if (values.length === 0)
        return { strategy, median: null, min: Number.NaN, max: Number.NaN, n: 0, missing: b?.missing ?? 0 };
      const lo = values[0] as number;
      const hi = values[values.length - 1] as number;
      const firstPos = values.find((x) => x > 0);
      if (firstPos !== undefined) minPositive = Math.min(minPositive, firstPos);
      max = Math.max(max, hi);
      return {
        strategy,
        median: median(values),
        min: lo,
        max: hi,
        n: values.length,
        missing: b?.missing ?? 0,
      };
    }),
  }));
  return {
    groups,
    strategies: strats,
    minPositive: Number.isFinite(minPositive) ? minPositive : Number.NaN,
    max: Number.isFinite(max) ? max : Number.NaN,
  };
}

/** A log scale pays when the values span two decades or more (and all are ≥ 0). */
export function spansDecades(d: ChartData): boolean {
  return Number.isFinite(d.minPositive) && Number.isFinite(d.max) && d.max / d.minPositive >= 100;
}
