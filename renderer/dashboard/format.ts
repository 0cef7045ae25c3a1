/**
 * Number formatting of the dashboard: hex addresses (64-bit values arrive as
 * numbers below 2^53 or as decimal strings), human sizes, page counts.
 */

/** `0x…` of a non-negative integer given as a number, a decimal string or a bigint. */
export function hex(v: number | string | bigint): string {
  try {
    const b = typeof v === 'bigint' ? v : BigInt(v);
    return `0x${b.toString(16)}`;
  } catch {
    return String(v);
  }
}

/** Last byte of [iova, iova + length) in hex (IOVA ranges are shown inclusive). */
export function hexLast(iova: string, length: string): string {
  try {
    return hex(BigInt(iova) + BigInt(length) - 1n);
  } catch {
    return '?';
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 4096 → "4 KiB", 1.5 MiB → "1.5 MiB" (at most 3 significant digits). */
export function humanBytes(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const s = v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${s.replace(/\.0+$|(\.\d*?)0+$/, '$1')} ${UNITS[u] as string}`;
}

/** 1234567 → "1 234 567" (thin groups keep long page counts legible). */
export function count(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** Ruler labels: 512, 4k, 1.5M (page indexes). */
export function shortIndex(n: number): string {
  if (n < 10000) return String(n);
  if (n < 1e6) return `${+(n / 1000).toFixed(n % 1000 === 0 ? 0 : 1)}k`;
  return `${+(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 2)}M`;
}

/** The emulated machine's base page size. */
export const PAGE_SIZE = 4096;
