/**
 * Generated → source columns of a transpiled scenario. Sucrase's typescript
 * transform keeps every line and only removes type syntax (it inserts code
 * in rare places: enums, parameter properties), so each generated line is
 * aligned with its source line token by token: the longest common
 * subsequence of the two token lists, after their common prefix and suffix.
 *
 * Why not sucrase's own source map: sucrase 3.35 loses its place at the
 * first zero-length token (the empty chunk of a template such as `${a}` or
 * ``), and every later position of the file maps to one stale source column
 * — a column inside a trailing comment, or past the end of the line.
 */

/** Per generated line (0-based): sorted pairs [generatedColumn, sourceColumn], 0-based; [] = identical line. */
export type LineMappings = Array<Array<[number, number]>>;

/** Above this many LCS cells for one line (a pathological line), a greedy match is used. */
const LCS_CELLS = 1 << 18;

interface Tokens {
  text: string[];
  start: number[];
}

function isWord(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 36 || // $
    c === 95 || // _
    c >= 128
  );
}

/** Words (identifiers, numbers) and single punctuation characters; whitespace separates. */
function tokenize(line: string): Tokens {
  const text: string[] = [];
  const start: number[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c <= 32) {
      i++;
      continue;
    }
    let j = i + 1;
    if (isWord(c)) while (j < line.length && isWord(line.charCodeAt(j))) j++;
    text.push(line.slice(i, j));
    start.push(i);
    i = j;
  }
  return { text, start };
}

/** match[g] = index of the source token matched to generated token g, or -1. */
function matchTokens(gen: string[], src: string[]): Int32Array {
  const match = new Int32Array(gen.length).fill(-1);
  let p = 0;
  while (p < gen.length && p < src.length && gen[p] === src[p]) {
    match[p] = p;
    p++;
  }
  let s = 0;
  while (s < gen.length - p && s < src.length - p && gen[gen.length - 1 - s] === src[src.length - 1 - s]) {
    match[gen.length - 1 - s] = src.length - 1 - s;
    s++;
  }
  const n = gen.length - p - s;
  const m = src.length - p - s;
  if (n === 0 || m === 0) return match;
  if ((n + 1) * (m + 1) > LCS_CELLS) {
    let k = p;
    for (let g = p; g < p + n; g++) {
      for (let q = k; q < p + m; q++) {
        if (src[q] === gen[g]) {
          match[g] = q;
          k = q + 1;
          break;
        }
      }
    }
    return match;
  }
  // lcs[i][j]: LCS length of gen[p+i..p+n) and src[p+j..p+m)
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        gen[p + i] === src[p + j]
          ? (lcs[(i + 1) * w + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * w + j] as number, lcs[i * w + j + 1] as number);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (gen[p + i] === src[p + j]) {
      match[p + i] = p + j;
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] as number) >= (lcs[i * w + j + 1] as number)) {
      i++;
    } else {
      j++;
    }
  }
  return match;
}

function alignLine(genLine: string, srcLine: string): Array<[number, number]> {
  if (genLine === srcLine) return [];
  const gen = tokenize(genLine);
  const src = tokenize(srcLine);
  const match = matchTokens(gen.text, src.text);
  const segs: Array<[number, number]> = [];
  let after = 0; // source column after the last matched token
  for (let g = 0; g < gen.text.length; g++) {
    const q = match[g] as number;
    const gc = gen.start[g] as number;
    if (q >= 0) {
      const sc = src.start[q] as number;
      segs.push([gc, sc]);
      after = sc + (src.text[q] as string).length;
    } else {
      segs.push([gc, after]); // inserted code: where the source was at that point
    }
  }
  return segs;
}

/** The column map of `generated` (same lines as `source`). */
export function alignColumns(source: string, generated: string): LineMappings {
  if (source === generated) return [];
  const srcLines = source.split('\n');
  return generated.split('\n').map((g, i) => alignLine(g, srcLines[i] ?? ''));
}

/** Source column (1-based) of generated 1-based (line, column). */
export function originalColumn(mappings: LineMappings, line: number, column: number): number {
  const segs = mappings[line - 1];
  if (!segs || segs.length === 0) return column;
  const col0 = column - 1;
  let best: [number, number] | undefined;
  for (const s of segs) {
    if (s[0] <= col0) best = s;
    else break;
  }
  if (!best) return column;
  return best[1] + (col0 - best[0]) + 1;
}
