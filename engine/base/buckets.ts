/**
 * How an index range [start, end) is cut into B buckets — shared by the
 * engine that counts a summary and the views that draw it, so both sides
 * agree on which indexes a bucket holds. Bucket b covers
 * [start + ceil(b·n/B), start + ceil((b+1)·n/B)): page i falls in bucket
 * floor((i - start)·B / n). Exact integer arithmetic for b·n < 2^53.
 */

/** Buckets actually used: never more than pages, so no bucket is empty. */
export function effectiveBuckets(start: number, end: number, buckets: number): number {
  const n = end - start;
  return n <= 0 ? 0 : Math.max(1, Math.min(Math.floor(buckets), n));
}

/** bounds[b] = first index of bucket b; bounds[B] = end. */
export function bucketBounds(start: number, end: number, buckets: number): Float64Array {
  const n = end - start;
  const out = new Float64Array(buckets + 1);
  for (let b = 0; b <= buckets; b++) {
    const x = b * n;
    const r = x % buckets;
    out[b] = start + (x - r) / buckets + (r === 0 ? 0 : 1);
  }
  return out;
}
