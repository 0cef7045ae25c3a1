/** Number formats of the charts: compact counts, binary sizes, run time. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB"; exact below 1 KiB. */
export function humanBytes(n: number): string {
  const sign = n < 0 ? '−' : '';
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text =
    u === 0 ? String(Math.round(v)) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${sign}${text.replace(/\.0+$|(\.\d*?)0+$/, '$1')} ${UNITS[u]}`;
}

/** Exact with thousands separators ("12 345"); negative with a real minus. */
export function fullCount(n: number): string {
  const sign = n < 0 ? '−' : '';
  return sign + Math.round(Math.abs(n)).toLocaleString('en-US').replace(/,/g, ' ');
}

/** Axis ticks: 950, 1.2k, 34k, 1.5M. */
export function compactCount(n: number): string {
  const a = Math.abs(n);
  const sign = n < 0 ? '−' : '';
  if (a < 1000) return sign + String(Math.round(a * 100) / 100);
  if (a < 1e6) return `${sign}${trim(a / 1e3)}k`;
  if (a < 1e9) return `${sign}${trim(a / 1e6)}M`;
  return `${sign}${trim(a / 1e9)}G`;
}

function trim(v: number): string {
  return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

/** Signed delta: "+3", "−1.5 KiB", "0". */
export function signed(n: number, unit: 'count' | 'bytes'): string {
  const body = unit === 'bytes' ? humanBytes(Math.abs(n)) : fullCount(Math.abs(n));
  return n > 0 ? `+${body}` : n < 0 ? `−${body}` : body;
}

export function value(n: number, unit: 'count' | 'bytes'): string {
  return unit === 'bytes' ? humanBytes(n) : fullCount(n);
}

/** Run time: "850 µs", "12.3 ms", "4.56 s". */
export function runTime(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${trim(ms)} ms`;
  return `${trim(ms / 1000)} s`;
}
