import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, newCounters } from '../../engine/base/counters';
import { compareCounters, formatRel, relative, sortRows, verdictOf } from './counter-compare';

describe('counter comparison', () => {
  it('gives other − base, the relative change and a verdict for every counter', () => {
    const a = { ...newCounters(), iommuMapCalls: 8, pteWrites: 100, pagesPinned: 64, batchRuns: 4 };
    const b = {
      ...newCounters(),
      iommuMapCalls: 2,
      pteWrites: 150,
      pagesPinned: 32,
      warnings: 1,
      batchRuns: 4,
    };
    const rows = compareCounters(a, b);
    expect(rows.map((r) => r.name)).toEqual([...COUNTER_NAMES]);
    const row = (n: string) => rows.find((r) => r.name === n);
    expect(row('iommuMapCalls')).toMatchObject({ base: 8, other: 2, abs: -6, rel: -0.75, verdict: 'better' });
    expect(row('pteWrites')).toMatchObject({ abs: 50, rel: 0.5, verdict: 'worse' });
    expect(row('pagesPinned')).toMatchObject({ abs: -32, rel: -0.5, verdict: 'neutral' });
    expect(row('warnings')).toMatchObject({ abs: 1, rel: Infinity, verdict: 'worse' });
    expect(row('batchRuns')).toMatchObject({ abs: 0, rel: 0, verdict: 'same' });
  });

  it('relative change: zero base is ±Infinity, equal is 0, negative base by magnitude', () => {
    expect(relative(0, 0)).toBe(0);
    expect(relative(0, 3)).toBe(Infinity);
    expect(relative(0, -3)).toBe(-Infinity);
    expect(relative(-4, -2)).toBe(0.5);
    expect(verdictOf('rwBytes', 10)).toBe('neutral');
  });

  it('sorts by magnitude of the change, ties in counter order, and filters equal rows', () => {
    const a = { ...newCounters(), pinCalls: 10, pteWrites: 1, iommuMapCalls: 100 };
    const b = { ...newCounters(), pinCalls: 20, pteWrites: 3, iommuMapCalls: 90 };
    const rows = compareCounters(a, b);
    expect(sortRows(rows, 'abs', true).map((r) => r.name)).toEqual([
      'iommuMapCalls',
      'pinCalls',
      'pteWrites',
    ]);
    expect(sortRows(rows, 'rel', true).map((r) => r.name)).toEqual([
      'pteWrites',
      'pinCalls',
      'iommuMapCalls',
    ]);
    expect(sortRows(rows, 'name', false)).toHaveLength(COUNTER_NAMES.length);
    expect(sortRows(rows, 'name', true).map((r) => r.name)).toEqual([
      'iommuMapCalls',
      'pteWrites',
      'pinCalls',
    ]);
  });

  it('formats relative changes with a sign and a percent', () => {
    expect(formatRel(0)).toBe('');
    expect(formatRel(0.125)).toBe('+12.5 %');
    expect(formatRel(-0.03)).toBe('−3 %');
    expect(formatRel(2)).toBe('+200 %');
    expect(formatRel(Infinity)).toBe('new');
  });
});
