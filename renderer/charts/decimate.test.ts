import { describe, expect, it } from 'vitest';
import { DecimateBuffers, decimate } from './decimate';

function ramp(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

describe('decimate', () => {
  it('returns the input itself when it has no more than two points per column', () => {
    const xs = ramp(20);
    const ys = [ramp(20)];
    const d = decimate(xs, ys, 10, new DecimateBuffers());
    expect(d.x).toBe(xs);
    expect(d.ys[0]).toBe(ys[0]);
    expect(d.length).toBe(20);
  });

  it('keeps a one-event spike and a one-event dip of every series, and the last value', () => {
    const n = 100_000;
    const xs = ramp(n);
    const up = new Float64Array(n).fill(5);
    const down = new Float64Array(n).fill(5);
    up[54_321] = 1000;
    down[77_777] = -300;
    up[n - 1] = 7;
    const d = decimate(xs, [up, down], 400, new DecimateBuffers());
    expect(d.length).toBeLessThanOrEqual(3 * 400);
    expect(d.length).toBeGreaterThan(400);
    expect(Math.max(...d.ys[0]!)).toBe(1000);
    expect(Math.min(...d.ys[1]!)).toBe(-300);
    expect(Math.min(...d.ys[0]!)).toBe(5);
    expect(d.ys[0]![d.length - 1]).toBe(7);
    expect(d.x[0]).toBe(0);
    expect(d.x[d.length - 1]).toBe(n - 1);
    // x stays ascending (uPlot's aligned data)
    for (let i = 1; i < d.length; i++) expect(d.x[i]!).toBeGreaterThanOrEqual(d.x[i - 1]!);
  });

  it("orders a column's extremes as they happened (a drop after a peak stays a drop)", () => {
    const xs = ramp(1000);
    const y = new Float64Array(1000);
    for (let i = 0; i < 1000; i++) y[i] = i < 500 ? i : 1000 - i;
    const d = decimate(xs, [y], 1, new DecimateBuffers());
    expect(d.length).toBe(3);
    expect([...d.ys[0]!]).toEqual([0, 500, 1]);
  });

  it('places columns by x value (run time with uneven gaps)', () => {
    const n = 1000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = i < 999 ? i * 0.001 : 100; // everything early, one event late
    const y = ramp(n);
    const d = decimate(xs, [y], 100, new DecimateBuffers());
    // the early events share the first column; the late one has its own
    expect(d.length).toBe(4);
    expect(d.x[d.length - 1]).toBe(100);
    expect(d.ys[0]![d.length - 1]).toBe(999);
  });
});
