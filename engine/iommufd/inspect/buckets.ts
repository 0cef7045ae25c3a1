/**
 * Bucketing of an index range [start, end) into B buckets, and the tier-run
 * merge both the machine and the digest paths share. Bucket b covers
 * [start + ceil(b·n/B), start + ceil((b+1)·n/B)): page i falls in bucket
 * floor((i - start)·B / n). Exact integer arithmetic for b·n < 2^53.
 */
import { TIER_COUNT } from '../../base/inspect-types';
import { bucketBounds, effectiveBuckets } from '../../base/buckets';

export { bucketBounds, effectiveBuckets };

/**
 * Merge two sorted, disjoint, non-adjacent-or-adjacent span lists (flat
 * [start, last] pairs, inclusive) over [start, end) into tier runs and add
 * them to `counts` (TIER_COUNT × buckets). Tier = (in access ? 2 : 0) |
 * (in domains ? 1 : 0), which is TIER_DOMAIN / TIER_XARRAY / TIER_BOTH.
 * Runs of TIER_NONE are the remainder of each bucket. O(spans + buckets).
 * `onRun` (optional) sees every run, TIER_NONE included (per-page detail).
 */
export function tierCounts(
  access: readonly number[],
  domains: readonly number[],
  start: number,
  end: number,
  buckets: number,
  onRun?: (s: number, e: number, tier: number) => void,
): Uint32Array {
  const counts = new Uint32Array(buckets * TIER_COUNT);
  if (buckets === 0) return counts;
  const bounds = bucketBounds(start, end, buckets);
  let ia = 0;
  let id = 0;
  let b = 0;
  let cur = start;
  while (cur < end) {
    while (ia < access.length && (access[ia + 1] as number) < cur) ia += 2;
    while (id < domains.length && (domains[id + 1] as number) < cur) id += 2;
    const aS = ia < access.length ? (access[ia] as number) : Infinity;
    const dS = id < domains.length ? (domains[id] as number) : Infinity;
    const inA = aS <= cur;
    const inD = dS <= cur;
    const nextA = inA ? (access[ia + 1] as number) + 1 : aS;
    const nextD = inD ? (domains[id + 1] as number) + 1 : dS;
    const next = Math.min(nextA, nextD, end);
    const tier = (inA ? 2 : 0) | (inD ? 1 : 0);
    onRun?.(cur, next, tier);
    if (tier !== 0) {
      while ((bounds[b + 1] as number) <= cur) b++;
      for (;;) {
        const lo = Math.max(cur, bounds[b] as number);
        const be = bounds[b + 1] as number;
        const hi = Math.min(next, be);
        counts[b * TIER_COUNT + tier] += hi - lo;
        if (next <= be) break;
        b++;
      }
    }
    cur = next;
  }
  for (let k = 0; k < buckets; k++) {
    const size = (bounds[k + 1] as number) - (bounds[k] as number);
    const o = k * TIER_COUNT;
    counts[o] = size - (counts[o + 1] as number) - (counts[o + 2] as number) - (counts[o + 3] as number);
  }
  return counts;
}

/** Union of possibly overlapping [start, last] intervals sorted by start, clipped to [lo, hi]; flat pairs. */
export function unionSpans(sortedPairs: readonly number[], lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < sortedPairs.length; i += 2) {
    const s = Math.max(sortedPairs[i] as number, lo);
    const l = Math.min(sortedPairs[i + 1] as number, hi);
    if (s > l) continue;
    const n = out.length;
    if (n > 0 && s <= (out[n - 1] as number) + 1) {
      if (l > (out[n - 1] as number)) out[n - 1] = l;
    } else out.push(s, l);
  }
  return out;
}
