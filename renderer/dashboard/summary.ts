/**
 * Reading a TierAnswer's buckets: which indexes each bucket covers (the
 * engine's rule: bucket b covers [start + ceil(b·n/B), start + ceil((b+1)·n/B))),
 * cumulative tier counts for O(1) sums over any index range (a pixel column
 * spanning many buckets or a fraction of one), and the tier of one index when
 * the data knows it. Prepared once per answer (WeakMap), so a frame costs
 * O(buckets + pixels), never O(pages).
 */
import { TIER_COUNT, type TierAnswer } from '../../engine/base/inspect-types';
import { bucketBounds } from '../../engine/base/buckets';

export interface Prepared {
  start: number;
  end: number;
  buckets: number;
  /** bounds[b] = first index of bucket b; bounds[buckets] = end. */
  bounds: Float64Array;
  /** cum[b·TIER_COUNT + t] = pages of tier t in buckets < b. */
  cum: Float64Array;
  /** Tier of bucket b when all its pages share one, else -1. */
  pure: Int8Array;
}

const cache = new WeakMap<TierAnswer, Prepared>();

export { bucketBounds };

export function prepare(a: TierAnswer): Prepared {
  const hit = cache.get(a);
  if (hit) return hit;
  const B = a.buckets;
  const cum = new Float64Array((B + 1) * TIER_COUNT);
  const pure = new Int8Array(B);
  for (let b = 0; b < B; b++) {
    let only = -1;
    let kinds = 0;
    for (let t = 0; t < TIER_COUNT; t++) {
      const c = a.counts[b * TIER_COUNT + t] ?? 0;
      cum[(b + 1) * TIER_COUNT + t] = (cum[b * TIER_COUNT + t] as number) + c;
      if (c > 0) {
        kinds++;
        only = t;
      }
    }
    pure[b] = kinds === 1 ? only : -1;
  }
  const p: Prepared = {
    start: a.start,
    end: a.end,
    buckets: B,
    bounds: bucketBounds(a.start, a.end, B),
    cum,
    pure,
  };
  cache.set(a, p);
  return p;
}

/** Bucket holding index (or fractional position) x, clamped to [0, buckets - 1]. */
export function bucketOf(p: Prepared, x: number): number {
  const n = p.end - p.start;
  if (p.buckets === 0 || n <= 0) return 0;
  let b = Math.floor(((x - p.start) * p.buckets) / n);
  b = Math.max(0, Math.min(p.buckets - 1, b));
  while (b > 0 && (p.bounds[b] as number) > x) b--;
  while (b < p.buckets - 1 && (p.bounds[b + 1] as number) <= x) b++;
  return b;
}

/** Pages of tier t before position x (interpolated inside a bucket). */
export function cumAt(p: Prepared, x: number, t: number): number {
  if (x <= p.start || p.buckets === 0) return 0;
  if (x >= p.end) return p.cum[p.buckets * TIER_COUNT + t] as number;
  const b = bucketOf(p, x);
  const lo = p.bounds[b] as number;
  const hi = p.bounds[b + 1] as number;
  const base = p.cum[b * TIER_COUNT + t] as number;
  const inB = (p.cum[(b + 1) * TIER_COUNT + t] as number) - base;
  return base + (inB * (x - lo)) / (hi - lo);
}

/** Tier counts over [a, b) into out (length TIER_COUNT), interpolated at fractional edges. */
export function rangeCounts(p: Prepared, a: number, b: number, out: Float64Array): Float64Array {
  for (let t = 0; t < TIER_COUNT; t++) out[t] = cumAt(p, b, t) - cumAt(p, a, t);
  return out;
}

/** Tier of page `index` if the answer knows it exactly (detail, a one-page or single-tier bucket), else null. */
export function tierAtIndex(a: TierAnswer, index: number): number | null {
  if (!Number.isInteger(index) || index < a.start || index >= a.end) return null;
  if (a.detail && index >= a.detail.start && index < a.detail.end)
    return a.detail.tier[index - a.detail.start] ?? null;
  const p = prepare(a);
  const t = p.pure[bucketOf(p, index)] as number;
  return t < 0 ? null : t;
}

/** Pages per bucket (average) of an answer. */
export function bucketSize(a: TierAnswer): number {
  return a.buckets > 0 ? (a.end - a.start) / a.buckets : Infinity;
}

/** Whether every bucket is one page (the counts are per-page tiers). */
export function isPerPage(a: TierAnswer): boolean {
  return a.buckets > 0 && a.end - a.start === a.buckets;
}
