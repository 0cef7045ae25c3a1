/** Numbers of the study view: ratios, wall times, counts, sizes (charts/format.ts underneath). */
import { compactCount, fullCount, humanBytes, runTime } from '../charts/format';
import type { MetricUnit } from './metrics';

/** 3.20×, 12.0×, 0.95×, 1 234× */
export function ratio(r: number): string {
  // three significant digits, fixed per decade, so a column of ratios lines up
  const t = r >= 100 ? fullCount(r) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2);
  return `${t}×`;
}

/** A ratio on an axis tick: no trailing zeros (1×, 2.5×). */
export function ratioTick(r: number): string {
  return ratio(r)
    .replace(/(\.\d*?)0+×$/, '$1×')
    .replace(/\.×$/, '×');
}

/** A value in a table cell or a tooltip: exact counts, short times and sizes. */
export function metricText(v: number, unit: MetricUnit): string {
  switch (unit) {
    case 'ratio':
      return ratio(v);
    case 'ms':
      return runTime(v);
    case 'bytes':
      return humanBytes(v);
    default:
      return fullCount(v);
  }
}

/** A value on an axis or over a bar: compact. */
export function metricTick(v: number, unit: MetricUnit): string {
  switch (unit) {
    case 'ratio':
      return ratioTick(v);
    case 'ms':
      return runTime(v);
    case 'bytes':
      return humanBytes(v);
    default:
      return compactCount(v);
  }
}

/** 64 MiB, 1 GiB, 16 GiB: study sizes are powers of two. */
export function sizeText(bytes: number): string {
  return humanBytes(bytes);
}
