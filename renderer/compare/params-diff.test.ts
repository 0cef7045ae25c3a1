import { describe, expect, it } from 'vitest';
import { diffParams, diffSource, lineRanges } from './params-diff';

describe('run parameter differences', () => {
  it('lists the file, seed and check that differ', () => {
    const a = { fileName: 'a.ts', source: '', seed: 1, check: true };
    expect(diffParams(a, { ...a })).toEqual([]);
    expect(diffParams(a, { ...a, seed: 2, check: false })).toEqual([
      { name: 'seed', base: '1', other: '2' },
      { name: 'check', base: 'on', other: 'off' },
    ]);
    // no strategy is the default one
    expect(diffParams(a, { ...a, strategy: 'iommufd' })).toEqual([]);
    expect(diffParams(a, { ...a, strategy: 'naive' })).toEqual([
      { name: 'strategy', base: 'iommufd', other: 'naive' },
    ]);
  });

  it('finds the changed, added and removed lines of the source', () => {
    const base = ['a', 'b', 'c', 'd', 'e'].join('\n');
    expect(diffSource(base, base)).toEqual({ changed: [], removed: 0, added: 0 });
    // c → C: one changed line (3)
    expect(diffSource(base, 'a\nb\nC\nd\ne')).toEqual({ changed: [3], removed: 0, added: 0 });
    // two lines inserted after b
    expect(diffSource(base, 'a\nb\nx\ny\nc\nd\ne')).toEqual({ changed: [3, 4], removed: 0, added: 2 });
    // d removed
    expect(diffSource(base, 'a\nb\nc\ne')).toEqual({ changed: [], removed: 1, added: 0 });
    // a change far from another: LCS keeps the middle
    expect(diffSource(base, 'A\nb\nc\nd\nE')).toEqual({ changed: [1, 5], removed: 0, added: 0 });
    expect(diffSource('a\r\nb', 'a\nb')).toEqual({ changed: [], removed: 0, added: 0 });
  });

  it('prints line numbers as ranges', () => {
    expect(lineRanges([1, 2, 3, 7, 9, 10])).toBe('1–3, 7, 9–10');
    expect(lineRanges([1, 3, 5], 2)).toBe('1, 3, …');
    expect(lineRanges([])).toBe('');
  });
});
