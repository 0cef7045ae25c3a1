import { describe, expect, it } from 'vitest';
import { TIER_BOTH, TIER_DOMAIN, TIER_NONE, TIER_XARRAY } from '../../engine/base/inspect-types';
import { CHANGE_COLOR, TIER_COLORS } from '../theme/palette';
import { compareAnswers } from './changes';
import { drawLayer, STACK, stackHeights, type BarBox } from './tier-strip';
import { makeAnswer, recordingCtx } from './test-fixtures';

const box = (X1 = 1000): BarBox => ({ X0: 0, X1, Y: 20, H: 30, tickY: 14, tickH: 4, dpr: 1 });
const color = (t: number): string => TIER_COLORS[t] as string;

describe('stack heights', () => {
  it('sum to the bar height in stack order', () => {
    const h = stackHeights([10, 20, 30, 40], 30);
    expect([...h].reduce((s, x) => s + x, 0)).toBe(30);
    // STACK = domain, both, xarray, none.
    expect(STACK).toEqual([TIER_DOMAIN, TIER_BOTH, TIER_XARRAY, TIER_NONE]);
    expect([...h]).toEqual([6, 12, 9, 3]);
  });

  it('keep one pixel for a tier present in a tiny share', () => {
    const h = stackHeights([8191, 0, 1, 0], 30);
    expect(h[2]).toBe(1); // the one xarray page
    expect(h[3]).toBe(29);
  });
});

describe('lone pinned pages', () => {
  it('get minPinned px of height when asked', () => {
    const h = stackHeights([1_000_000, 0, 7, 0], 30, new Int32Array(4), 3);
    expect(h[2]).toBe(3);
    expect([...h].reduce((s, x) => s + x, 0)).toBe(30);
  });

  it('are drawn three columns wide when only one column holds them', () => {
    // 1 M pages over 800 px: page 300000 alone in xarray.
    const a = makeAnswer({ npages: 1 << 20, buckets: 2048, runs: [[300000, 300001, TIER_XARRAY]] });
    const ctx = recordingCtx();
    drawLayer(ctx, { answer: a, changes: null }, { start: 0, end: 1 << 20 }, box(800));
    const orange = ctx.rects(color(TIER_XARRAY));
    const col = Math.floor((300000 / (1 << 20)) * 800);
    expect(orange.some((r) => r.args[0] === col - 1 && r.args[2] === 3 && (r.args[3] as number) >= 3)).toBe(
      true,
    );
  });
});

describe('drawing a layer', () => {
  it('draws per-page cells at page level with the tier colours', () => {
    const a = makeAnswer({
      npages: 10,
      runs: [
        [2, 4, TIER_DOMAIN],
        [7, 8, TIER_XARRAY],
      ],
    });
    const ctx = recordingCtx();
    expect(drawLayer(ctx, { answer: a, changes: null }, { start: 0, end: 10 }, box())).toBe(true);
    const at = (x: number) =>
      ctx
        .rects()
        .filter(
          (r) =>
            (r.args[0] as number) <= x &&
            (r.args[0] as number) + (r.args[2] as number) > x &&
            r.args[1] === 20,
        );
    expect(at(250).map((r) => r.fillStyle)).toContain(color(TIER_DOMAIN));
    expect(at(750).map((r) => r.fillStyle)).toContain(color(TIER_XARRAY));
    expect(at(50).map((r) => r.fillStyle)).toContain(color(TIER_NONE));
    // Gaps between cells.
    const cells = ctx.rects(color(TIER_NONE)).filter((r) => r.args[1] === 20);
    expect(cells.length).toBe(7);
    expect(cells[0]?.args[2]).toBeLessThan(100);
  });

  it('draws a 16 M-page summary in O(pixels) fillRects', () => {
    const runs: [number, number, number][] = [];
    for (let i = 0; i < 2048; i++) runs.push([i * 8192, i * 8192 + ((i * 37) % 8192), (i % 3) + 1]);
    const a = makeAnswer({ npages: 16 << 20, buckets: 2048, runs });
    const ctx = recordingCtx();
    expect(drawLayer(ctx, { answer: a, changes: null }, { start: 0, end: 16 << 20 }, box(800))).toBe(false);
    expect(ctx.ops.length).toBeLessThan(800 * 4 + 10);
    // Every column is filled top to bottom.
    const cover = new Float64Array(800);
    for (const r of ctx.rects()) {
      if ((r.args[1] as number) < 20) continue;
      for (let x = r.args[0] as number; x < (r.args[0] as number) + (r.args[2] as number); x++)
        cover[x] = (cover[x] as number) + (r.args[3] as number);
    }
    // bar background (30) + stacked tiers (30)
    expect([...cover].every((c) => c === 60)).toBe(true);
  });

  it('merges identical neighbouring columns into one rect', () => {
    const a = makeAnswer({ npages: 1 << 20, buckets: 2048, runs: [[0, 1 << 20, TIER_DOMAIN]] });
    const ctx = recordingCtx();
    drawLayer(ctx, { answer: a, changes: null }, { start: 0, end: 1 << 20 }, box(700));
    expect(ctx.rects(color(TIER_DOMAIN))).toHaveLength(1);
  });

  it('ticks the changed buckets in CHANGE_COLOR and outlines changed cells', () => {
    const before = makeAnswer({ npages: 1 << 20, buckets: 1000, runs: [] });
    const after = makeAnswer({ npages: 1 << 20, buckets: 1000, runs: [[524288, 524289, TIER_XARRAY]] });
    const ctx = recordingCtx();
    drawLayer(
      ctx,
      { answer: after, changes: compareAnswers(after, before) },
      { start: 0, end: 1 << 20 },
      box(1000),
    );
    const ticks = ctx.rects(CHANGE_COLOR);
    expect(ticks).toHaveLength(1);
    expect(ticks[0]?.args[0]).toBeGreaterThanOrEqual(498);
    expect(ticks[0]?.args[0]).toBeLessThanOrEqual(501);
    expect(ticks[0]?.args[1]).toBe(14);

    const p0 = makeAnswer({ npages: 8, runs: [] });
    const p1 = makeAnswer({ npages: 8, runs: [[3, 4, TIER_DOMAIN]] });
    const c2 = recordingCtx();
    drawLayer(c2, { answer: p1, changes: compareAnswers(p1, p0) }, { start: 0, end: 8 }, box(800));
    const outlines = c2.ops.filter((o) => o.op === 'strokeRect' && o.fillStyle === CHANGE_COLOR);
    expect(outlines).toHaveLength(1);
    expect(outlines[0]?.args[0]).toBeGreaterThan(300);
    expect(outlines[0]?.args[0]).toBeLessThan(400);
  });

  it('writes each PFN in its cell at deep zoom, below the middle of the bar', () => {
    const a = makeAnswer({ npages: 64, runs: [[0, 64, TIER_DOMAIN]], pfnBase: 0x1000 });
    const ctx = recordingCtx();
    const tall = { ...box(800), H: 48 };
    drawLayer(ctx, { answer: a, changes: null }, { start: 2, end: 6 }, tall);
    const texts = ctx.ops.filter((o) => o.op === 'fillText');
    expect(texts.map((t) => t.args[0])).toEqual(['pfn 0x1002', 'pfn 0x1003', 'pfn 0x1004', 'pfn 0x1005']);
    expect(texts.every((t) => (t.args[2] as number) > tall.Y + tall.H / 2 + 10)).toBe(true);
    // Not at a zoom where cells are narrow.
    const c2 = recordingCtx();
    drawLayer(c2, { answer: a, changes: null }, { start: 0, end: 64 }, tall);
    expect(c2.ops.some((o) => o.op === 'fillText')).toBe(false);
  });

  it('draws a finer layer only over its own range', () => {
    const z = makeAnswer({ npages: 1 << 20, start: 1000, end: 1100, runs: [[1000, 1100, TIER_DOMAIN]] });
    const ctx = recordingCtx();
    drawLayer(ctx, { answer: z, changes: null }, { start: 900, end: 1200 }, box(300));
    const xs = ctx.rects().map((r) => r.args[0] as number);
    expect(Math.min(...xs)).toBe(100);
    expect(Math.max(...ctx.rects().map((r) => (r.args[0] as number) + (r.args[2] as number)))).toBe(200);
  });
});
