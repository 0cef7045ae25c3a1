import { describe, expect, it } from 'vitest';
import { clampView, fullView, indexAtFrac, MIN_SPAN, panBy, rangeBetween, xOfIndex, zoomAt } from './view';

describe('zoom math', () => {
  it('keeps the index under the pointer in place when zooming', () => {
    const v = fullView(1 << 20);
    const frac = 0.3;
    const anchor = v.start + frac * (v.end - v.start);
    const z = zoomAt(v, 1 << 20, frac, 0.5);
    expect(z.end - z.start).toBeCloseTo((1 << 20) / 2);
    expect(z.start + frac * (z.end - z.start)).toBeCloseTo(anchor);
  });

  it('zooms in repeatedly down to MIN_SPAN pages and no further', () => {
    let v = fullView(16 << 20);
    for (let i = 0; i < 100; i++) v = zoomAt(v, 16 << 20, 0.77, 0.5);
    expect(v.end - v.start).toBe(MIN_SPAN);
    expect(v.start).toBeGreaterThan(0);
  });

  it('never zooms out past the whole object and stays inside it', () => {
    const v = zoomAt({ start: 900, end: 1000 }, 1000, 1, 50);
    expect(v).toEqual({ start: 0, end: 1000 });
    const w = zoomAt({ start: 0, end: 10 }, 1000, 0, 4);
    expect(w.start).toBe(0);
    expect(w.end).toBe(40);
  });

  it('a pages object smaller than MIN_SPAN shows all of it', () => {
    expect(clampView({ start: 0.5, end: 1 }, 2)).toEqual({ start: 0, end: 2 });
  });

  it('pans by a fraction of the width, clamped at the ends', () => {
    expect(panBy({ start: 100, end: 200 }, 1000, 0.5)).toEqual({ start: 150, end: 250 });
    expect(panBy({ start: 100, end: 200 }, 1000, -5)).toEqual({ start: 0, end: 100 });
    expect(panBy({ start: 100, end: 200 }, 1000, 50)).toEqual({ start: 900, end: 1000 });
  });

  it('a dragged range zooms to whole pages in either direction', () => {
    const v = { start: 0, end: 1000 };
    expect(rangeBetween(v, 1000, 0.655, 0.2)).toEqual({ start: 200, end: 655 });
    // A tiny drag still shows at least MIN_SPAN pages.
    const r = rangeBetween(v, 1000, 0.5, 0.5);
    expect(r.end - r.start).toBe(MIN_SPAN);
  });

  it('maps indexes to x and back', () => {
    const v = { start: 10, end: 20 };
    expect(xOfIndex(v, 15, 100, 200)).toBe(150);
    expect(indexAtFrac(v, 0.55)).toBe(15);
  });
});
