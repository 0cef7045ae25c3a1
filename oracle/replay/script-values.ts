/** Value formatting and parsing shared by the translator, the result parser and the comparison. */

export const U64_MAX = (1n << 64n) - 1n;

/** A U64 argument as the script writes it (0x hex), or null when the uapi cannot carry it. */
export function u64(v: unknown): string | null {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else return null;
  if (b < 0n || b > U64_MAX) return null;
  return `0x${b.toString(16)}`;
}

/** A non-negative safe integer as decimal, or null. */
export function uint(v: unknown): string | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : null;
}

export function bytesHex(v: unknown): string | null {
  if (!(v instanceof Uint8Array)) return null;
  if (v.length === 0) return '-';
  let s = '';
  for (let i = 0; i < v.length; i++) s += (v[i] as number).toString(16).padStart(2, '0');
  return s;
}

/**
 * Bytes to write as a script argument: `HH*N` when every byte is the same
 * (the driver repeats it; a fill of many pages would be a line of megabytes),
 * else their hex.
 */
export function bytesArg(v: unknown): string | null {
  if (!(v instanceof Uint8Array)) return null;
  if (v.length >= 16 && v.every((b) => b === v[0]))
    return `${(v[0] as number).toString(16).padStart(2, '0')}*${v.length}`;
  return bytesHex(v);
}

/** Reads longer than this are compared by hash (`read … hash`), shorter ones byte for byte. */
export const HASH_READS_OVER = 64;

/**
 * What the driver prints for a `read … hash` of these bytes: `#` then the
 * FNV-1a 64 of each 4 KiB chunk (16 hex digits), comma separated
 * (oracle/driver/parse.c hash_string).
 */
export function bytesHash(v: Uint8Array): string {
  const parts: string[] = [];
  for (let c = 0; c < v.length; c += 4096) {
    // two 32-bit halves: FNV-1a 64 without BigInt in the loop
    let hi = 0xcbf29ce4;
    let lo = 0x84222325;
    const end = Math.min(c + 4096, v.length);
    for (let i = c; i < end; i++) {
      lo ^= v[i] as number;
      // h *= 0x100000001b3: h * 0x1b3 + (h << 40)
      const loMul = (lo & 0xffff) * 0x1b3;
      const loMulHi = (lo >>> 16) * 0x1b3 + (loMul >>> 16);
      const newLo = ((loMulHi & 0xffff) << 16) | (loMul & 0xffff);
      const carry = Math.floor(loMulHi / 0x10000);
      hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
      lo = newLo >>> 0;
    }
    parts.push(hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0'));
  }
  return `#${parts.join(',')}`;
}

/** A number the driver printed (decimal or 0x hex) as a bigint, or null. */
export function parseNum(s: string): bigint | null {
  if (/^0x[0-9a-f]+$/i.test(s) || /^[0-9]+$/.test(s)) return BigInt(s);
  return null;
}

export type ValueKind = 'num' | 'hex' | 'ranges' | 'text';

/** Canonical form of one result value of a kind: numbers decimal, range lists per number, hex lowercase. */
export function canonical(kind: ValueKind, s: string): string {
  switch (kind) {
    case 'num': {
      const n = parseNum(s);
      return n === null ? `?${s}` : n.toString();
    }
    case 'ranges':
      if (s === '-') return s;
      return s
        .split(',')
        .map((r) =>
          r
            .split('-')
            .map((x) => parseNum(x)?.toString() ?? `?${x}`)
            .join('-'),
        )
        .join(',');
    case 'hex':
    case 'text':
      return s.toLowerCase();
  }
}

/** Shown in reports: a value as hex when it is a number, else as given. */
export function shown(s: string): string {
  const n = parseNum(s);
  return n !== null && n > 9n ? `0x${n.toString(16)}` : s;
}
