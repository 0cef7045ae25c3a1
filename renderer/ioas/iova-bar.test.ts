import { describe, expect, it } from 'vitest';
import {
  fitView,
  hexLabel,
  iovaAt,
  panView,
  segment,
  ticks,
  viewOfPixels,
  xOf,
  zoomView,
  IOVA_END,
  MIN_SPAN,
  U64_MAX,
  WHOLE,
} from './iova-bar';

describe('IOVA bar math (bigint)', () => {
  it('places IOVAs of the whole 64-bit space exactly', () => {
    expect(xOf(WHOLE, 0n, 1000)).toBe(0);
    expect(xOf(WHOLE, 1n << 63n, 1000)).toBe(500);
    expect(xOf(WHOLE, IOVA_END, 1000)).toBe(1000);
    // a double would lose this: 2^64 - 4096 is not 2^64
    expect(xOf({ lo: U64_MAX - 8191n, hi: IOVA_END }, U64_MAX - 4095n, 800)).toBe(400);
  });

  it('maps a pixel back to the IOVA under it', () => {
    const v = { lo: 0x1000000n, hi: 0x2000000n };
    expect(iovaAt(v, 0, 1000)).toBe(0x1000000n);
    expect(iovaAt(v, 500, 1000)).toBe(0x1800000n);
    expect(iovaAt(v, 2000, 1000)).toBe(0x1ffffffn);
  });

  it('clips segments to the view and keeps tiny ones visible', () => {
    const v = { lo: 0n, hi: 1n << 32n };
    expect(segment(v, 1n << 31n, (1n << 32n) - 1n, 1000)).toEqual({ x: 500, w: 500 });
    expect(segment(v, 1n << 33n, 1n << 34n, 1000)).toBeNull();
    const clipped = segment({ lo: 100n, hi: 200n }, 0n, 149n, 100);
    expect(clipped).toEqual({ x: 0, w: 50 });
    const page = segment(WHOLE, 0x1000000n, 0x1000fffn, 1000);
    expect(page?.w).toBe(1);
    const atEnd = segment(WHOLE, U64_MAX, U64_MAX, 1000);
    expect(atEnd?.x).toBe(999);
  });

  it('zooms around the pointer and clamps to the space', () => {
    const v = { lo: 0n, hi: 1n << 32n };
    const z = zoomView(v, 1n << 31n, 4);
    expect(z).toEqual({ lo: (1n << 31n) - (1n << 29n), hi: (1n << 31n) + (1n << 29n) });
    expect(zoomView(WHOLE, 0n, 0.25)).toEqual(WHOLE);
    const deep = zoomView({ lo: 0n, hi: 8192n }, 4096n, 1e6);
    expect(deep.hi - deep.lo).toBe(MIN_SPAN);
    const top = zoomView({ lo: U64_MAX - 0xfffffn, hi: IOVA_END }, U64_MAX, 2);
    expect(top.hi).toBe(IOVA_END);
  });

  it('pans and drag-selects', () => {
    expect(panView({ lo: 0n, hi: 100000n }, 0.5)).toEqual({ lo: 50000n, hi: 150000n });
    expect(panView({ lo: 0n, hi: 100000n }, -1)).toEqual({ lo: 0n, hi: 100000n });
    const d = viewOfPixels({ lo: 0n, hi: 1n << 20n }, 750, 250, 1000);
    expect(d.lo).toBe(1n << 18n);
    expect(d.hi).toBe((3n << 18n) + 1n);
  });

  it('fits the mock aperture: reserved ranges to 0 and to the top count by their inner edge', () => {
    const v = fitView([
      { start: 0n, last: 0xffffffn },
      { start: 0x80000000n, last: U64_MAX },
      { start: 0x1000000n, last: 0x13fffffn },
    ]);
    expect(v.lo).toBeLessThan(0xffffffn);
    expect(v.hi).toBeGreaterThan(0x80000000n);
    expect(v.hi).toBeLessThan(0x90000000n);
    expect(fitView([])).toEqual({ lo: 0n, hi: 1n << 32n });
    const small = fitView([{ start: 0x1000000n, last: 0x1000fffn }]);
    expect(small.hi - small.lo).toBeGreaterThanOrEqual(0x10000n);
    expect(small.lo).toBeLessThanOrEqual(0x1000000n);
  });

  it('puts ticks on powers of two, far enough apart', () => {
    const t = ticks({ lo: 0n, hi: 1n << 32n }, 800, 96);
    expect(t.length).toBeGreaterThan(2);
    expect(t.length).toBeLessThanOrEqual(8);
    const step = (t[1] as { v: bigint }).v - (t[0] as { v: bigint }).v;
    expect(step & (step - 1n)).toBe(0n);
    for (let i = 1; i < t.length; i++) expect((t[i]?.x ?? 0) - (t[i - 1]?.x ?? 0)).toBeGreaterThanOrEqual(96);
    expect(ticks(WHOLE, 800).at(-1)?.v).toBe(7n << 61n);
    expect(hexLabel(0x80000000n)).toBe('0x80000000');
    expect(hexLabel(U64_MAX)).toBe('0xffff_ffff_ffff_ffff');
  });
});
