import { describe, expect, it } from 'vitest';
import type { PhysAnswer } from '../../engine/base/inspect-types';
import { FRAME_COLORS, rgb } from '../theme/palette';
import { bucketAtPfn, bucketInfo, mixColor, physTotals, segmentWidths } from './frames';

/** A 2-bucket answer over frames [0, 10): bucket 0 = [0,5), bucket 1 = [5,10). */
export function answer(over: Partial<PhysAnswer> = {}): PhysAnswer {
  return {
    kind: 'phys',
    nframes: 10,
    start: 0,
    end: 10,
    buckets: 2,
    counts: new Uint32Array([1, 2, 2, 5, 0, 0]),
    thp: new Uint32Array([2, 0]),
    hugetlb: new Uint32Array([0, 3]),
    highlight: new Uint32Array([1, 0]),
    highlightRuns: 1,
    highlightFrames: 1,
    ...over,
  };
}

describe('bucket figures', () => {
  it('reads a bucket and its frame range', () => {
    expect(bucketInfo(answer(), 0)).toEqual({ start: 0, end: 5, free: 1, used: 2, pinned: 2, thp: 2, hugetlb: 0, highlight: 1 });
    expect(bucketInfo(answer(), 1)?.start).toBe(5);
    expect(bucketInfo(answer(), 2)).toBeNull();
  });
  it('the e2e hook finds the bucket of a frame', () => {
    expect(bucketAtPfn(answer(), 7)).toEqual({ free: 5, used: 0, pinned: 0, thp: 0, hugetlb: 3, highlight: 0 });
    expect(bucketAtPfn(answer(), 10)).toBeNull();
    expect(bucketAtPfn(null, 0)).toBeNull();
  });
  it('totals every bucket', () => {
    expect(physTotals(answer())).toEqual({ frames: 10, free: 6, used: 2, pinned: 2, thp: 2, hugetlb: 3, highlight: 1 });
  });
});

describe('colour of a cell', () => {
  it('splits a cell in proportion, summing to its width', () => {
    expect(segmentWidths(5, 3, 2, 10)).toEqual([2, 3, 5]);
    const [p, u, f] = segmentWidths(1000, 0, 0, 12);
    expect([p, u, f]).toEqual([0, 0, 12]);
  });
  it('keeps a rare state visible (at least 1 px)', () => {
    const [p, u, f] = segmentWidths(8191, 0, 1, 12);
    expect(p).toBe(1);
    expect(u).toBe(0);
    expect(p + u + f).toBeCloseTo(12);
    const [p2, u2, f2] = segmentWidths(1, 8190, 1, 12);
    expect(p2).toBe(1);
    expect(f2).toBeGreaterThanOrEqual(1);
    expect(p2 + u2 + f2).toBeCloseTo(12);
  });
  it('mixes pure states to their own colour and tints a cell with a single pinned frame', () => {
    expect(mixColor(10, 0, 0)).toEqual(rgb(FRAME_COLORS[0]));
    expect(mixColor(0, 0, 4)).toEqual(rgb(FRAME_COLORS[2]));
    const free = rgb(FRAME_COLORS[0]);
    const tinted = mixColor(8191, 0, 1);
    // √ weighting: 1 pinned frame in 8192 moves red by > 1 % of the gap
    expect(tinted[0] - free[0]).toBeGreaterThan(1);
    const half = mixColor(1, 0, 1);
    expect(half[0]).toBe(Math.round((rgb(FRAME_COLORS[0])[0] + rgb(FRAME_COLORS[2])[0]) / 2));
  });
});
