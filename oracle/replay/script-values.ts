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
