/**
 * Min/max decimation for display: when a series has more points than the
 * plot has pixel columns, each column keeps at most three points: its two
 * extremes in the order they happened (so a one-event spike stays visible)
 * and its last value (where the next column goes on from). All series of a
 * chart share the x values (uPlot's aligned data), so a column emits the same
 * three x positions (first, middle, last) for every series. O(points × series), no allocation per point.
 */

export interface Decimated {
  x: Float64Array;
  ys: Float64Array[];
  /** Points written. */
  length: number;
}

/** Reusable output buffers (one per chart), grown on demand. */
export class DecimateBuffers {
  x = new Float64Array(0);
  ys: Float64Array[] = [];
  private lo = new Float64Array(0);
  private hi = new Float64Array(0);
  private loAt = new Int32Array(0);
  private hiAt = new Int32Array(0);

  ensure(points: number, series: number): void {
    if (this.x.length < points) this.x = new Float64Array(points);
    while (this.ys.length < series) this.ys.push(new Float64Array(points));
    for (let s = 0; s < series; s++)
      if ((this.ys[s] as Float64Array).length < points) this.ys[s] = new Float64Array(points);
    if (this.lo.length < series) {
      this.lo = new Float64Array(series);
      this.hi = new Float64Array(series);
      this.loAt = new Int32Array(series);
      this.hiAt = new Int32Array(series);
    }
  }

  /** Per-series scratch of the current column. */
  scratch(): { lo: Float64Array; hi: Float64Array; loAt: Int32Array; hiAt: Int32Array } {
    return { lo: this.lo, hi: this.hi, loAt: this.loAt, hiAt: this.hiAt };
  }
}

/**
 * Decimate `ys` over `xs` (ascending, same length) to `columns` pixel
 * columns. With no more than 2 × columns points the input is returned as is.
 */
export function decimate(
  xs: Float64Array,
  ys: readonly Float64Array[],
  columns: number,
  buf: DecimateBuffers,
): Decimated {
  const n = xs.length;
  const cols = Math.max(1, Math.floor(columns));
  if (n <= 2 * cols) return { x: xs, ys: [...ys], length: n };
  const S = ys.length;
  buf.ensure(3 * cols + 3, S);
  const { lo, hi, loAt, hiAt } = buf.scratch();
  const outX = buf.x;
  const outY = buf.ys;
  const x0 = xs[0] as number;
  const span = (xs[n - 1] as number) - x0;
  const scale = span > 0 ? cols / span : 0;
  let out = 0;
  let col = -1;
  let first = 0;
  let last = 0;

  const flush = (): void => {
    outX[out] = xs[first] as number;
    if (last === first) {
      for (let s = 0; s < S; s++) (outY[s] as Float64Array)[out] = lo[s] as number;
      out += 1;
      return;
    }
    if (last === first + 1) {
      outX[out + 1] = xs[last] as number;
      for (let s = 0; s < S; s++) {
        const y = outY[s] as Float64Array;
        const src = ys[s] as Float64Array;
        y[out] = src[first] as number;
        y[out + 1] = src[last] as number;
      }
      out += 2;
      return;
    }
    // first extreme, the other extreme, then the column's last value (where the next column goes on from)
    outX[out + 1] = ((xs[first] as number) + (xs[last] as number)) / 2;
    outX[out + 2] = xs[last] as number;
    for (let s = 0; s < S; s++) {
      const y = outY[s] as Float64Array;
      const lowFirst = (loAt[s] as number) <= (hiAt[s] as number);
      y[out] = lowFirst ? (lo[s] as number) : (hi[s] as number);
      y[out + 1] = lowFirst ? (hi[s] as number) : (lo[s] as number);
      y[out + 2] = (ys[s] as Float64Array)[last] as number;
    }
    out += 3;
  };

  for (let i = 0; i < n; i++) {
    const c = Math.min(cols - 1, Math.floor(((xs[i] as number) - x0) * scale));
    if (c !== col) {
      if (col >= 0) flush();
      col = c;
      first = i;
      for (let s = 0; s < S; s++) {
        const v = (ys[s] as Float64Array)[i] as number;
        lo[s] = v;
        hi[s] = v;
        loAt[s] = i;
        hiAt[s] = i;
      }
    } else {
      for (let s = 0; s < S; s++) {
        const v = (ys[s] as Float64Array)[i] as number;
        if (v < (lo[s] as number)) {
          lo[s] = v;
          loAt[s] = i;
        } else if (v > (hi[s] as number)) {
          hi[s] = v;
          hiAt[s] = i;
        }
      }
    }
    last = i;
  }
  flush();
  return { x: outX.subarray(0, out), ys: outY.slice(0, S).map((y) => y.subarray(0, out)), length: out };
}
