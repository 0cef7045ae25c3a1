import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  bucketStart,
  bucketsFor,
  cellAt,
  cellRect,
  gibMarks,
  gridLayout,
  pan,
  rangeOfCells,
  zoomAround,
  GUTTER,
  MAX_ASPECT,
  MAX_BUCKETS,
  MAX_CELL,
  MIN_ZOOM_FRAMES,
  FRAMES_PER_GIB,
} from './grid';

describe('grid layout', () => {
  it('fits every bucket in the box with a power-of-two column count and square cells', () => {
    for (const [w, h, b] of [
      [800, 300, 2048],
      [400, 600, 1024],
      [1600, 500, 4096],
      [500, 200, 100],
      [300, 300, 7],
    ] as const) {
      const l = gridLayout(w, h, b);
      expect(Math.log2(l.cols) % 1).toBe(0);
      expect(l.cols * l.rows).toBeGreaterThanOrEqual(b);
      expect(l.x0 + l.cols * l.cw).toBeLessThanOrEqual(w);
      expect(l.y0 + l.rows * l.ch).toBeLessThanOrEqual(h);
      expect(l.ch).toBeLessThanOrEqual(MAX_CELL);
      expect(Math.max(l.cw / l.ch, l.ch / l.cw)).toBeLessThanOrEqual(MAX_ASPECT + 1e-9);
    }
  });

  it('picks the column count that gives the largest cell', () => {
    // 2048 cells in 516+GUTTER × 258: 64 columns × 32 rows of 8 px
    const l = gridLayout(GUTTER + 4 + 512, 2 + 256, 2048);
    expect(l.cols).toBe(64);
    expect(l.rows).toBe(32);
    expect(l.cw).toBe(8);
    expect(l.iw).toBe(7);
  });

  it('stretches cells to fill a wide box, within the aspect limit', () => {
    // 64 × 32 cells in 800 × 258: 12 px wide, 8 px high
    const l = gridLayout(GUTTER + 4 + 800, 2 + 256, 2048);
    expect([l.cols, l.cw, l.ch]).toEqual([64, 12, 8]);
    const tall = gridLayout(GUTTER + 4 + 64, 2 + 1000, 16);
    expect(tall.ch / tall.cw).toBeLessThanOrEqual(MAX_ASPECT);
  });

  it('hit-tests cells and misses the gutter and the empty tail', () => {
    const l = gridLayout(GUTTER + 4 + 512, 258, 2040);
    expect(cellAt(l, 5, 5)).toBe(-1);
    const r = cellRect(l, 70);
    expect(cellAt(l, r.x + 1, r.y + 1)).toBe(70);
    expect(cellAt(l, r.x + l.cw - 0.01, r.y + l.ch - 0.01)).toBe(70);
    // last row has 2040 - 31*64 = 56 cells: column 60 of it is empty
    const tail = cellRect(l, 31 * 64 + 55);
    expect(cellAt(l, tail.x + l.cw * 5 + 1, tail.y + 1)).toBe(-1);
  });

  it('asks for more buckets on a bigger canvas, within [256, MAX_BUCKETS]', () => {
    expect(bucketsFor(200, 100)).toBe(256);
    expect(bucketsFor(800, 300)).toBeGreaterThan(bucketsFor(400, 200));
    expect(bucketsFor(4000, 3000)).toBe(MAX_BUCKETS);
  });
});

describe('bucket arithmetic (the engine rule)', () => {
  it('bucket bounds and bucket of a frame agree for uneven sizes', () => {
    for (const [s, e, B] of [
      [0, 1000, 7],
      [123, 16 * 1024 * 1024, 2048],
      [5, 37, 32],
    ] as const) {
      expect(bucketStart(s, e, B, 0)).toBe(s);
      expect(bucketStart(s, e, B, B)).toBe(e);
      for (let b = 0; b < Math.min(B, 50); b++) {
        const lo = bucketStart(s, e, B, b);
        const hi = bucketStart(s, e, B, b + 1);
        expect(hi).toBeGreaterThan(lo);
        expect(bucketOf(s, e, B, lo)).toBe(b);
        expect(bucketOf(s, e, B, hi - 1)).toBe(b);
      }
    }
    expect(bucketOf(0, 10, 2, 10)).toBe(-1);
    expect(bucketOf(5, 10, 2, 4)).toBe(-1);
  });

  it('a drag over cells a..b covers their frames, either direction', () => {
    const view = { start: 0, end: 4096 };
    expect(rangeOfCells(view, 256, 10, 3)).toEqual({ start: 48, end: 176 });
    expect(rangeOfCells(view, 256, 3, 10)).toEqual({ start: 48, end: 176 });
  });
});

describe('zoom and pan', () => {
  const N = 16 * 1024 * 1024;
  it('zooms in around a frame, keeping it at the same relative place', () => {
    const v = zoomAround({ start: 0, end: N }, N / 2, 4, N);
    expect(v.end - v.start).toBe(N / 4);
    expect(v.start).toBe(N / 2 - N / 8);
  });
  it('clamps to the machine and to the smallest range', () => {
    expect(zoomAround({ start: 0, end: N }, 0, 4, N).start).toBe(0);
    expect(zoomAround({ start: 100, end: 200 }, 150, 1e-9, N)).toEqual({ start: 0, end: N });
    const tiny = zoomAround({ start: 0, end: 32 }, 10, 100, N);
    expect(tiny.end - tiny.start).toBe(MIN_ZOOM_FRAMES);
    expect(zoomAround({ start: 0, end: 8 }, 2, 4, 8)).toEqual({ start: 0, end: 8 });
  });
  it('pans by a share of the range and stops at the ends', () => {
    expect(pan({ start: 100, end: 200 }, 0.5, 1000)).toEqual({ start: 150, end: 250 });
    expect(pan({ start: 100, end: 200 }, -5, 1000)).toEqual({ start: 0, end: 100 });
    expect(pan({ start: 800, end: 900 }, 5, 1000)).toEqual({ start: 900, end: 1000 });
  });
  it('marks each GiB boundary inside the range', () => {
    expect(gibMarks(0, 4 * FRAMES_PER_GIB)).toEqual([1, 2, 3].map((g) => g * FRAMES_PER_GIB));
    expect(gibMarks(10, 1000)).toEqual([]);
    expect(gibMarks(0, 1024 * FRAMES_PER_GIB, 64)).toHaveLength(64);
  });
});
