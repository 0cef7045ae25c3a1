import { describe, expect, it } from 'vitest';
import { Rng } from './rng';
import { diffCounters, newCounters } from './counters';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    const sb = Array.from({ length: 8 }, () => b.nextU32());
    const sc = Array.from({ length: 8 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('stays in range and is roughly uniform', () => {
    const r = new Rng(1);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]++;
    }
    for (const n of buckets) expect(Math.abs(n - 10000)).toBeLessThan(600);
  });
});

describe('counters', () => {
  it('diffs field by field, keeping peaks as the later value', () => {
    const before = newCounters();
    const after = newCounters();
    after.iommuMapCalls = 5;
    before.iommuMapCalls = 2;
    after.tempMemoryPeakBytes = 4096;
    before.tempMemoryPeakBytes = 1024;
    const d = diffCounters(after, before);
    expect(d.iommuMapCalls).toBe(3);
    expect(d.tempMemoryPeakBytes).toBe(4096);
  });
});
