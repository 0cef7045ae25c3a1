import { describe, expect, it } from 'vitest';
import { alignRuns } from './chart-data';

describe('alignRuns', () => {
  it('puts two runs of different lengths on one x axis, null where a run has no point', () => {
    const a = { x: [0, 1, 2], ys: [[0, 5, 6]] };
    const b = { x: [0, 1, 2, 3, 4], ys: [[0, 1, 2, 3, 4]] };
    expect(alignRuns(a, b)).toEqual({
      x: [0, 1, 2, 3, 4],
      ys: [
        [0, 5, 6, null, null],
        [0, 1, 2, 3, 4],
      ],
    });
  });

  it('merges decimated x positions of both runs in order, each value at its own x', () => {
    const a = {
      x: [0, 2, 4],
      ys: [
        [1, 2, 3],
        [9, 8, 7],
      ],
    };
    const b = { x: [0, 1.5, 4, 6], ys: [[10, 20, 30, 40]] };
    const r = alignRuns(a, b);
    expect(r.x).toEqual([0, 1.5, 2, 4, 6]);
    expect(r.ys[0]).toEqual([1, null, 2, 3, null]);
    expect(r.ys[1]).toEqual([9, null, 8, 7, null]);
    expect(r.ys[2]).toEqual([10, 20, null, 30, 40]);
    expect(alignRuns({ x: [], ys: [[]] }, { x: [], ys: [[]] })).toEqual({ x: [], ys: [[], []] });
  });
});
