import { describe, expect, it } from 'vitest';
import type { PhysAnswer } from '../../engine/base/inspect-types';
import { FRAME_COLORS, HIGHLIGHT_COLOR, HUGETLB_COLOR, THP_COLOR } from '../theme/palette';
import { drawPhys } from './draw';
import { RecordingCtx } from './fake-ctx';
import { cellRect, gridLayout, FRAMES_PER_GIB } from './grid';

function phys(buckets: number, nframes: number, fill: (b: number) => [number, number, number, number, number, number]): PhysAnswer {
  const counts = new Uint32Array(buckets * 3);
  const thp = new Uint32Array(buckets);
  const hugetlb = new Uint32Array(buckets);
  const highlight = new Uint32Array(buckets);
  for (let b = 0; b < buckets; b++) {
    const [f, u, p, t, h, hl] = fill(b);
    counts.set([f, u, p], b * 3);
    thp[b] = t;
    hugetlb[b] = h;
    highlight[b] = hl;
  }
  return { kind: 'phys', nframes, start: 0, end: nframes, buckets, counts, thp, hugetlb, highlight, highlightRuns: 0, highlightFrames: 0 };
}

const inside = (r: [number, number, number, number], c: { x: number; y: number; w: number; h: number }): boolean =>
  r[0] >= c.x - 1e-6 && r[1] >= c.y - 1e-6 && r[0] + r[2] <= c.x + c.w + 1e-6 && r[1] + r[3] <= c.y + c.h + 1e-6;

describe('drawPhys', () => {
  const l = gridLayout(96 + 4 + 16 * 12, 2 + 4 * 12, 64); // 16 × 4 cells of 12 px
  const base = { layout: l, ruler: 'address' as const, dpr: 1, hover: -1, selection: null };

  it('paints each state in its colour inside its cell, pinned first', () => {
    const a = phys(64, 64 * 4, (b) => (b === 5 ? [0, 0, 4, 0, 0, 0] : b === 6 ? [2, 2, 0, 0, 0, 0] : [4, 0, 0, 0, 0, 0]));
    const ctx = new RecordingCtx();
    drawPhys(ctx, { ...base, answer: a });
    const pinned = ctx.rectsOf(FRAME_COLORS[2]);
    expect(pinned).toHaveLength(1);
    expect(inside(pinned[0]!, cellRect(l, 5))).toBe(true);
    expect(pinned[0]![2]).toBe(l.iw);
    const used = ctx.rectsOf(FRAME_COLORS[1]);
    expect(used).toHaveLength(1);
    expect(inside(used[0]!, cellRect(l, 6))).toBe(true);
    expect(used[0]![2]).toBeCloseTo(l.iw / 2);
    expect(ctx.rectsOf(FRAME_COLORS[0])).toHaveLength(63);
  });

  it('puts THP and hugetlb in a bottom band and outlines highlighted cells', () => {
    const a = phys(64, 64 * 4, (b) => (b === 2 ? [0, 4, 0, 4, 0, 0] : b === 3 ? [0, 4, 0, 0, 2, 3] : [4, 0, 0, 0, 0, 0]));
    const ctx = new RecordingCtx();
    drawPhys(ctx, { ...base, answer: a });
    const thp = ctx.rectsOf(THP_COLOR);
    expect(thp).toHaveLength(1);
    const c2 = cellRect(l, 2);
    expect(inside(thp[0]!, c2)).toBe(true);
    expect(thp[0]![1] + thp[0]![3]).toBeCloseTo(c2.y + c2.h); // at the bottom
    expect(thp[0]![3]).toBeLessThan(c2.h / 2);
    const huge = ctx.rectsOf(HUGETLB_COLOR);
    expect(huge).toHaveLength(1);
    expect(huge[0]![2]).toBeCloseTo(l.iw / 2);
    expect(inside(huge[0]!, cellRect(l, 3))).toBe(true);
    const outlines = ctx.rectsOf(HIGHLIGHT_COLOR, 'stroke');
    expect(outlines).toHaveLength(1);
    expect(inside(outlines[0]!, cellRect(l, 3))).toBe(true);
  });

  it('labels the rows with physical addresses or PFNs', () => {
    const a = phys(64, 64 * 4, () => [4, 0, 0, 0, 0, 0]);
    const ctx = new RecordingCtx();
    drawPhys(ctx, { ...base, answer: a });
    // 16 cells × 4 frames per row: row 1 starts at frame 64 = 0x40000
    expect(ctx.texts.map((t) => t.text)).toContain('0x40000');
    drawPhys(ctx, { ...base, ruler: 'pfn', answer: a });
    expect(ctx.texts.map((t) => t.text)).toContain('pfn 0x40');
  });

  it('ticks every GiB boundary and stays O(buckets) for a 64 GiB machine', () => {
    const nframes = 64 * FRAMES_PER_GIB;
    const big = gridLayout(1200, 500, 2048);
    const a = phys(2048, nframes, (b) => [b % 3, (b + 1) % 5, b % 7, b % 11 === 0 ? 1 : 0, 0, b % 13 === 0 ? 1 : 0]);
    const ctx = new RecordingCtx();
    drawPhys(ctx, { ...base, layout: big, answer: a });
    const rects = ctx.painted.reduce((n, p) => n + p.rects.length, 0);
    expect(rects).toBeLessThan(2048 * 8); // O(buckets)
    expect(ctx.texts.filter((t) => /^\d+G$/.test(t.text)).length).toBeGreaterThan(10);
    // rows of 2 GiB: the odd GiBs start mid-row (a notch each), the even ones start a row (a label, no notch)
    expect(big.cols * (nframes / 2048)).toBe(2 * FRAMES_PER_GIB);
    expect(ctx.rectsOf('#c9d1d9')).toHaveLength(32);
    expect(ctx.texts.map((t) => t.text)).toContain('2G');
    expect(ctx.texts.map((t) => t.text)).not.toContain('1G');
  });

  it('mixes the colour of cells too small to split', () => {
    const tiny = gridLayout(96 + 4 + 256 * 3, 2 + 16 * 3, 4096);
    expect(tiny.iw).toBeLessThan(6);
    const a = phys(4096, 4096 * 8, (b) => (b === 0 ? [4, 0, 4, 0, 0, 0] : [8, 0, 0, 0, 0, 0]));
    const ctx = new RecordingCtx();
    drawPhys(ctx, { ...base, layout: tiny, answer: a });
    const mixed = ctx.painted.filter((p) => p.style.startsWith('rgb('));
    expect(mixed.length).toBe(4096);
    expect(new Set(mixed.map((p) => p.style)).size).toBe(2); // the mixed cell and the all-free ones
  });
});
