/**
 * Two runs' series on one uPlot chart: uPlot wants one shared x array, the
 * runs have their own lengths (and, decimated, their own x positions). The
 * union of both x arrays, each series null where its run has no point there
 * (uPlot's spanGaps joins the points around), and past its run's last event
 * (the shorter run's line ends where it ended). O(points of both).
 */

export interface RunSeries {
  /** Ascending x values. */
  x: ArrayLike<number>;
  ys: readonly ArrayLike<number>[];
}

export interface Aligned {
  x: number[];
  /** a's series, then b's. */
  ys: (number | null)[][];
}

export function alignRuns(a: RunSeries, b: RunSeries): Aligned {
  const x: number[] = [];
  const ys: (number | null)[][] = [...a.ys, ...b.ys].map(() => []);
  const na = a.x.length;
  const nb = b.x.length;
  const A = a.ys.length;
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    const xa = i < na ? (a.x[i] as number) : Infinity;
    const xb = j < nb ? (b.x[j] as number) : Infinity;
    const v = Math.min(xa, xb);
    x.push(v);
    const hitA = xa === v;
    const hitB = xb === v;
    for (let s = 0; s < A; s++)
      (ys[s] as (number | null)[]).push(hitA ? ((a.ys[s] as ArrayLike<number>)[i] as number) : null);
    for (let s = 0; s < b.ys.length; s++)
      (ys[A + s] as (number | null)[]).push(hitB ? ((b.ys[s] as ArrayLike<number>)[j] as number) : null);
    if (hitA) i++;
    if (hitB) j++;
  }
  return { x, ys };
}
