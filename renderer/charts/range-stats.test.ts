import { describe, expect, it } from 'vitest';
import { lowerBound, nearestIndex, rangeStats, upperBound } from './range-stats';

const f = (a: number[]): Float64Array => Float64Array.from(a);

describe('nearest event', () => {
  it('finds the nearest point, the later one on a tie, clamped to the ends', () => {
    const xs = f([0, 1, 2, 3, 4]);
    expect(nearestIndex(xs, 2.4)).toBe(2);
    expect(nearestIndex(xs, 2.6)).toBe(3);
    expect(nearestIndex(xs, 2.5)).toBe(3);
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 99)).toBe(4);
    expect(nearestIndex(f([]), 1)).toBe(-1);
  });

  it('works on run times with repeated values', () => {
    const xs = f([0, 0.5, 0.5, 0.5, 3]);
    expect(nearestIndex(xs, 0.6)).toBe(3);
    expect(nearestIndex(xs, 0.4)).toBe(3);
    expect(nearestIndex(xs, 0.2)).toBe(0);
    expect(nearestIndex(xs, 2)).toBe(4);
    expect(lowerBound(xs, 0.5)).toBe(1);
    expect(upperBound(xs, 0.5)).toBe(4);
  });
});

describe('rangeStats', () => {
  const xs = f([0, 1, 2, 3, 4, 5]);
  const pinned = f([0, 10, 4, 9, 9, 2]);
  const calls = f([0, 1, 1, 3, 6, 6]);

  it('gives min, max, gross sum of the increases and the net delta over the events in range', () => {
    const s = rangeStats(xs, [pinned, calls], 1.5, 4.2);
    expect(s).not.toBeNull();
    expect(s!.first).toBe(2);
    expect(s!.last).toBe(4);
    // events 2..4: values 4, 9, 9 after a 10 before
    expect(s!.rows[0]).toEqual({ min: 4, max: 9, sum: 5, delta: -1 });
    expect(s!.rows[1]).toEqual({ min: 1, max: 6, sum: 5, delta: 5 });
  });

  it('accepts a range dragged right to left, and never counts point 0 as an event', () => {
    const s = rangeStats(xs, [calls], 3, -1);
    expect(s!.first).toBe(1);
    expect(s!.last).toBe(3);
    expect(s!.rows[0]).toEqual({ min: 1, max: 3, sum: 3, delta: 3 });
  });

  it('is null when no event lies in the range', () => {
    expect(rangeStats(xs, [calls], 1.2, 1.8)).toBeNull();
    expect(rangeStats(xs, [calls], -3, -1)).toBeNull();
  });
});
