import { describe, expect, it } from 'vitest';
import { matchStrips } from './changes';
import { barHeightFor, layoutHeight, layoutStrips, MAX_BAR, METRICS, packLanes } from './layout';
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

  it('gives few strips taller bars, never past MAX_BAR, many strips the base height', () => {
    const one = matchStrips([makeAnswer({ key: 'a', npages: 8 })], null);
    const h = layoutHeight(layoutStrips(one, 800));
    expect(barHeightFor(one, 800, h + 20)).toBe(METRICS.bar + 20);
    expect(barHeightFor(one, 800, 5000)).toBe(MAX_BAR);
    const many = matchStrips(
      Array.from({ length: 30 }, (_, i) => makeAnswer({ key: `k${i}`, npages: 8 })),
      null,
    );
    expect(barHeightFor(many, 800, 600)).toBe(METRICS.bar);
  });
});

describe('ruler', () => {
  it('spaces ticks 1-2-5 and labels them precisely enough', async () => {
    const { rulerLabel, rulerStep } = await import('./overlays');
    expect(rulerStep(32, 800)).toBe(5);
    expect(rulerStep(1 << 20, 800)).toBe(200000);
    expect(rulerStep(30, 880)).toBe(5);
    expect(rulerLabel(299995, 5)).toBe('299\u2009995');
    expect(rulerLabel(300000, 200000)).toBe('300k');
    expect(rulerLabel(299400, 200)).toBe('299\u2009400');
    expect(rulerLabel(299400, 2000)).toBe('299.4k');
    expect(rulerLabel(12, 2)).toBe('12');
    expect(rulerLabel(3500000, 500000)).toBe('3.5M');
    expect(rulerLabel(3501000, 1000)).toBe('3.501M');
    expect(rulerLabel(3500500, 500)).toBe('3\u2009500\u2009500');
  });
});

describe('bracket labels', () => {
  it('never overlap in a lane: overlapping accesses keep the first label', async () => {
    const { drawAccesses } = await import('./overlays');
    const { recordingCtx } = await import('./test-fixtures');
    const accesses = Array.from({ length: 12 }, (_, i) => ({ start: i * 3, last: i * 3 + 40, users: 1 }));
    const a = makeAnswer({ key: 'a', npages: 4096, accesses });
    const [l] = layoutStrips(matchStrips([a], null), 900);
    const ctx = recordingCtx();
    drawAccesses(ctx, l!, { start: 0, end: 4096 }, 1);
    const labels = ctx.ops.filter((o) => o.op === 'fillText');
    // Per lane (y), label extents (centred, 6 px per char in the fake) do not intersect.
    const byLane = new Map<number, [number, number][]>();
    for (const t of labels) {
      const w = String(t.args[0]).length * 6;
      const x = t.args[1] as number;
      const lane = byLane.get(t.args[2] as number) ?? [];
      lane.push([x - w / 2, x + w / 2]);
      byLane.set(t.args[2] as number, lane);
    }
    for (const spans of byLane.values())
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.length).toBeLessThan(12);
  });
});
