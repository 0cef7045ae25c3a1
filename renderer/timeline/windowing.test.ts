import { describe, expect, it } from 'vitest';
import { atEnd, contentHeight, MAX_SCROLL_PX, revealScroll, rowAt, rowWindow } from './windowing';

const H = 22;

describe('rowWindow', () => {
  it('renders only the rows on screen plus the overscan', () => {
    const w = rowWindow(0, 220, H, 100_000, 5);
    expect(w).toEqual({ first: 0, end: 15, top: 0, height: 2_200_000 });
    const mid = rowWindow(22 * 5000 + 11, 220, H, 100_000, 5);
    expect(mid.first).toBe(4995);
    expect(mid.end).toBe(5016);
    // Row `first` sits at its own offset: the rows line up with the scroll position.
    expect(mid.top).toBe(4995 * H);
  });

  it('stops at the ends', () => {
    const w = rowWindow(1e12, 220, H, 1000, 5);
    expect(w.end).toBe(1000);
    expect(w.first).toBe(1000 - 10 - 5);
    expect(rowWindow(-50, 220, H, 1000, 5).first).toBe(0);
    expect(rowWindow(0, 220, H, 0)).toEqual({ first: 0, end: 0, top: 0, height: 0 });
    expect(rowWindow(0, 220, H, 3, 5)).toMatchObject({ first: 0, end: 3 });
  });

  it('keeps the DOM small whatever the run length', () => {
    for (const n of [10, 1000, 100_000, 5_000_000]) {
      for (const frac of [0, 0.3, 0.999, 1]) {
        const h = contentHeight(n, H);
        const w = rowWindow(frac * (h - 400), 400, H, n);
        expect(w.end - w.first).toBeLessThanOrEqual(Math.ceil(400 / H) + 1 + 12);
        expect(w.end).toBeLessThanOrEqual(n);
      }
    }
  });

  it('compresses a list taller than the browser allows and still reaches the last row', () => {
    const n = 5_000_000;
    expect(contentHeight(n, H)).toBe(MAX_SCROLL_PX);
    const viewport = 400;
    const bottom = rowWindow(MAX_SCROLL_PX - viewport, viewport, H, n, 0);
    expect(bottom.end).toBe(n);
    // The last row's bottom meets the viewport's bottom.
    expect(bottom.top + (n - bottom.first) * H).toBeCloseTo(MAX_SCROLL_PX, 6);
    const half = rowWindow((MAX_SCROLL_PX - viewport) / 2, viewport, H, n, 0);
    expect(Math.abs(half.first - (n - viewport / H) / 2)).toBeLessThan(2);
  });
});

describe('rowAt', () => {
  it('finds the row under a point', () => {
    expect(rowAt(0, 0, 220, H, 100)).toBe(0);
    expect(rowAt(23, 0, 220, H, 100)).toBe(1);
    expect(rowAt(5, 22 * 40, 220, H, 100)).toBe(40);
    expect(rowAt(5, 0, 220, H, 0)).toBe(-1);
    expect(rowAt(22 * 3, 0, 220, H, 3)).toBe(-1);
  });
});

describe('revealScroll', () => {
  it('leaves a visible row alone', () => {
    expect(revealScroll(5, 0, 220, H, 1000)).toBe(0);
    expect(revealScroll(45, 22 * 40, 220, H, 1000)).toBe(22 * 40);
  });

  it('scrolls a row just out of view by the least, keeping a row of context', () => {
    // Below: row 10 is just under a 220 px viewport at the top.
    expect(revealScroll(10, 0, 220, H, 1000)).toBe(11 * H + H - 220);
    // Above.
    expect(revealScroll(39, 22 * 40, 220, H, 1000)).toBe(38 * H);
  });

  it('centres a row far away and clamps at the ends', () => {
    const top = revealScroll(5000, 0, 220, H, 10_000);
    expect(top).toBe(Math.round(5000 * H - (220 - H) / 2));
    expect(revealScroll(9999, 0, 220, H, 10_000)).toBe(10_000 * H - 220);
    expect(revealScroll(0, 22 * 500, 220, H, 10_000)).toBe(0);
    expect(revealScroll(-1, 77, 220, H, 10)).toBe(77);
  });

  it('reveals rows of a compressed list', () => {
    const n = 5_000_000;
    const top = revealScroll(n - 1, 0, 400, H, n);
    expect(top).toBe(MAX_SCROLL_PX - 400);
    const w = rowWindow(revealScroll(2_500_000, 0, 400, H, n), 400, H, n, 0);
    expect(w.first).toBeLessThanOrEqual(2_500_000);
    expect(w.end).toBeGreaterThan(2_500_000);
  });
});

describe('atEnd', () => {
  it('is true within a row of the end', () => {
    expect(atEnd(22 * 100 - 220, 220, H, 100)).toBe(true);
    expect(atEnd(22 * 100 - 220 - 10, 220, H, 100)).toBe(true);
    expect(atEnd(0, 220, H, 100)).toBe(false);
    expect(atEnd(0, 220, H, 3)).toBe(true);
  });
});
