/**
 * What differs between the parameters of two runs: scenario file, seed,
 * invariant check, storage strategy (absent = 'iommufd'), and the source — as the line numbers (in the other run's
 * source) that were changed or added, and how many were removed. The source
 * diff trims the common head and tail, then takes a longest common
 * subsequence of the middle lines (bounded: a middle too large for the
 * table is reported as all changed).
 */

export interface ParamDiff {
  name: 'file' | 'seed' | 'check' | 'strategy';
  base: string;
  other: string;
}

export interface SourceDiff {
  /** 1-based lines of the other source that are new or changed. */
  changed: number[];
  /** Lines of the base source with no counterpart in the other. */
  removed: number;
  /** Lines of the other source with no counterpart in the base (included in `changed`). */
  added: number;
}

export interface RunParamsLike {
  fileName: string;
  source: string;
  seed: number;
  check: boolean;
  /** Storage strategy given from outside; undefined: the default. */
  strategy?: string | undefined;
}

const DEFAULT_STRATEGY = 'iommufd';

/** Middle sizes above this product are not diffed line by line. */
const LCS_CELLS = 4_000_000;

export function diffSource(base: string, other: string): SourceDiff {
  const a = base.replace(/\r\n/g, '\n').split('\n');
  const b = other.replace(/\r\n/g, '\n').split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const ma = a.slice(head, a.length - tail);
  const mb = b.slice(head, b.length - tail);
  const n = ma.length;
  const m = mb.length;
  if (n === 0 && m === 0) return { changed: [], removed: 0, added: 0 };
  if (n * m > LCS_CELLS || n === 0 || m === 0) {
    return {
      changed: Array.from({ length: m }, (_, i) => head + i + 1),
      removed: Math.max(0, n - m),
      added: Math.max(0, m - n),
    };
  }
  // LCS lengths from the end: L[i][j] = lcs(ma[i..], mb[j..]), flat.
  const w = m + 1;
  const L = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i * w + j] =
        ma[i] === mb[j]
          ? (L[(i + 1) * w + j + 1] as number) + 1
          : Math.max(L[(i + 1) * w + j] as number, L[i * w + j + 1] as number);
  const kept = new Uint8Array(m);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (ma[i] === mb[j]) {
      kept[j] = 1;
      i++;
      j++;
    } else if ((L[(i + 1) * w + j] as number) >= (L[i * w + j + 1] as number)) i++;
    else j++;
  }
  const common = L[0] as number;
  const changed: number[] = [];
  for (let k = 0; k < m; k++) if (kept[k] === 0) changed.push(head + k + 1);
  // a line replaced in place counts as changed, not as removed + added
  const removedRaw = n - common;
  const addedRaw = m - common;
  const replaced = Math.min(removedRaw, addedRaw);
  return { changed, removed: removedRaw - replaced, added: addedRaw - replaced };
}

export function diffParams(base: RunParamsLike, other: RunParamsLike): ParamDiff[] {
  const out: ParamDiff[] = [];
  if (base.fileName !== other.fileName)
    out.push({ name: 'file', base: base.fileName, other: other.fileName });
  if (base.seed !== other.seed)
    out.push({ name: 'seed', base: String(base.seed), other: String(other.seed) });
  if (base.check !== other.check)
    out.push({ name: 'check', base: base.check ? 'on' : 'off', other: other.check ? 'on' : 'off' });
  const bs = base.strategy ?? DEFAULT_STRATEGY;
  const os = other.strategy ?? DEFAULT_STRATEGY;
  if (bs !== os) out.push({ name: 'strategy', base: bs, other: os });
  return out;
}

/** "3, 7–9, 12": line numbers as ranges. */
export function lineRanges(lines: readonly number[], max = 12): string {
  const parts: string[] = [];
  let i = 0;
  while (i < lines.length && parts.length < max) {
    const s = lines[i] as number;
    let e = s;
    while (i + 1 < lines.length && lines[i + 1] === e + 1) e = lines[++i] as number;
    parts.push(s === e ? String(s) : `${s}–${e}`);
    i++;
  }
  return parts.join(', ') + (i < lines.length ? ', …' : '');
}
