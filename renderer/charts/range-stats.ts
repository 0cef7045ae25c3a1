/**
 * Lookups on the full-resolution series (never the decimated display data):
 * the event nearest to an x value (a click on a chart), and the statistics
 * of each series over the events of an x range (a drag on a chart).
 */

/** First index i with xs[i] >= x (xs ascending); xs.length when none. */
export function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with xs[i] > x; xs.length when none. */
export function upperBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Index of the point nearest to x (a tie: the later one); of points with the
 * same x (events within one timer tick), the last: the state at that time.
 * -1 for no points.
 */
export function nearestIndex(xs: Float64Array, x: number): number {
  const n = xs.length;
  if (n === 0) return -1;
  const i = lowerBound(xs, x);
  const k = i === 0 ? 0 : i === n ? n - 1 : x - (xs[i - 1] as number) < (xs[i] as number) - x ? i - 1 : i;
  return upperBound(xs, xs[k] as number) - 1;
}

export interface SeriesStats {
  min: number;
  max: number;
  /** Sum of the increases event by event (gross work; equals delta for a counter that only grows). */
  sum: number;
  /** Net change over the range: value after the last event − value before the first. */
  delta: number;
}

export interface RangeStats {
  /** First and last event (sequence numbers = point indexes) inside the range. */
  first: number;
  last: number;
  rows: SeriesStats[];
}

/**
 * Statistics of `ys` over the events whose x lies in [x0, x1] (point 0, the
 * state before the first event, is never an event). Null when the range
 * holds no event.
 */
export function rangeStats(
  xs: Float64Array,
  ys: readonly Float64Array[],
  x0: number,
  x1: number,
): RangeStats | null {
  const lo = Math.min(x0, x1);
  const hi = Math.max(x0, x1);
  const first = Math.max(1, lowerBound(xs, lo));
  const last = upperBound(xs, hi) - 1;
  if (last < first) return null;
  const rows = ys.map((y): SeriesStats => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let prev = y[first - 1] as number;
    for (let i = first; i <= last; i++) {
      const v = y[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v > prev) sum += v - prev;
      prev = v;
    }
    return { min, max, sum, delta: (y[last] as number) - (y[first - 1] as number) };
  });
  return { first, last, rows };
}
