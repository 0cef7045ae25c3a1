/**
 * Number formatting shared by the physical, IOAS, domain and counter views:
 * human sizes (binary units), grouped counts and hex addresses. IOVAs are
 * 64-bit, so the hex helpers take bigints (or safe integers).
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** 1536 → "1.5 KiB", 4096 → "4 KiB", 0 → "0 B". Up to 3 significant digits. */
export function formatBytes(n: number | bigint): string {
  let v = typeof n === 'bigint' ? Number(n) : n;
  if (!Number.isFinite(v)) return String(n);
  const neg = v < 0;
  v = Math.abs(v);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 100 || Number.isInteger(v) ? 0 : v >= 10 ? 1 : 2;
  const text = v.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
  return `${neg ? '-' : ''}${text} ${UNITS[u]}`;
}

/** 1234567 → "1 234 567" (thin-space groups, legible in monospace). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const s = Math.abs(Math.trunc(n)).toString();
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
  return (n < 0 ? '-' : '') + grouped;
}

/** 0x-prefixed lower-case hex; `group` puts an underscore every 4 digits above 8 digits. */
export function hex(v: number | bigint | string, group = false): string {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  const neg = b < 0n;
  let s = (neg ? -b : b).toString(16);
  if (group && s.length > 8) s = s.replace(/\B(?=([0-9a-f]{4})+(?![0-9a-f]))/g, '_');
  return `${neg ? '-' : ''}0x${s}`;
}

/** "1 frame", "3 frames". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
