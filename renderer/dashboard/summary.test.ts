import { describe, expect, it } from 'vitest';
import { TIER_DOMAIN, TIER_NONE, TIER_XARRAY } from '../../engine/base/inspect-types';
import { bucketBounds, bucketOf, isPerPage, prepare, rangeCounts, tierAtIndex } from './summary';
import { makeAnswer } from './test-fixtures';

describe('bucket summaries', () => {
  it('bucket b covers [ceil(b·n/B), ceil((b+1)·n/B)) as in the engine', () => {
    const b = bucketBounds(0, 10, 4);
    expect([...b]).toEqual([0, 3, 5, 8, 10]);
    const p = prepare(makeAnswer({ npages: 10, buckets: 4 }));
    for (let i = 0; i < 10; i++) {
      const k = bucketOf(p, i);
      expect(i).toBeGreaterThanOrEqual(p.bounds[k] as number);
      expect(i).toBeLessThan(p.bounds[k + 1] as number);
      expect(k).toBe(Math.floor((i * 4) / 10));
    }
  });

  it('sums tier counts over any range, interpolating inside buckets', () => {
    // 16 M pages, 2048 buckets of 8192; the first 3 buckets domain, a quarter of bucket 3 xarray.
    const a = makeAnswer({
      npages: 16 << 20,
      buckets: 2048,
      runs: [
        [0, 3 * 8192, TIER_DOMAIN],
        [3 * 8192, 3 * 8192 + 2048, TIER_XARRAY],
      ],
    });
    const p = prepare(a);
    const out = new Float64Array(4);
    rangeCounts(p, 0, 8192 * 4, out);
    expect([...out]).toEqual([6144, 3 * 8192, 2048, 0]);
    rangeCounts(p, 8192 * 2.5, 8192 * 3.5, out);
    expect(out[TIER_DOMAIN]).toBeCloseTo(4096);
    expect(out[TIER_XARRAY]).toBeCloseTo(1024);
    expect(out[TIER_NONE]).toBeCloseTo(3072);
  });

  it('knows the tier of an index only when the data does', () => {
    const a = makeAnswer({
      npages: 1 << 20,
      buckets: 2048,
      runs: [
        [0, 1024, TIER_DOMAIN],
        [1024, 1100, TIER_XARRAY],
      ],
    });
    expect(tierAtIndex(a, 10)).toBe(TIER_DOMAIN); // pure bucket
    expect(tierAtIndex(a, 1030)).toBeNull(); // bucket 2 mixes xarray and none
    expect(tierAtIndex(a, 5000)).toBe(TIER_NONE);
    expect(tierAtIndex(a, 1 << 20)).toBeNull();
    const small = makeAnswer({ npages: 32, runs: [[4, 5, TIER_XARRAY]] });
    expect(isPerPage(small)).toBe(true);
    expect(small.detail).toBeDefined();
    expect(tierAtIndex(small, 4)).toBe(TIER_XARRAY);
    expect(tierAtIndex(small, 5)).toBe(TIER_NONE);
  });
});
