import { describe, expect, it } from 'vitest';
import { matchStrips } from './changes';
import { layoutHeight, layoutStrips, METRICS, packLanes } from './layout';
import { makeAnswer } from './test-fixtures';

describe('layout', () => {
  it('packs overlapping intervals into lanes, disjoint ones share a lane', () => {
    const { lane, lanes } = packLanes(
      [
        { start: 0, last: 9 },
        { start: 5, last: 7 },
        { start: 10, last: 20 },
        { start: 6, last: 12 },
      ],
      6,
    );
    expect(lane).toEqual([0, 1, 0, 2]);
    expect(lanes).toBe(3);
    expect(
      packLanes(
        [
          { start: 0, last: 1 },
          { start: 0, last: 1 },
          { start: 0, last: 1 },
        ],
        2,
      ).lanes,
    ).toBe(2);
  });

  it('stacks strips with room for their brackets', () => {
    const a = makeAnswer({ key: 'a', npages: 32, areas: [{}], accesses: [{ start: 0, last: 3, users: 1 }] });
    const b = makeAnswer({
      key: 'b',
      npages: 64,
      areas: [
        { index: 0, lastIndex: 31 },
        { index: 16, lastIndex: 63, ioas: 2 },
      ],
    });
    const l = layoutStrips(matchStrips([a, b], null), 800);
    expect(l).toHaveLength(2);
    expect(l[0]?.accessLanes).toBe(1);
    expect(l[1]?.areaLanes).toBe(2);
    expect(l[1]?.top).toBe((l[0]?.top ?? 0) + (l[0]?.height ?? 0));
    expect(l[0]?.barTop).toBeGreaterThan(l[0]?.accessTop ?? 0);
    expect(l[0]?.x1).toBe(800 - METRICS.marginX);
    expect(layoutHeight(l)).toBe((l[1]?.top ?? 0) + (l[1]?.height ?? 0));
    // Scrolled: the same layout shifted.
    expect(layoutStrips(matchStrips([a, b], null), 800, -50)[1]?.barTop).toBe((l[1]?.barTop ?? 0) - 50);
  });
});
