/**
 * The smallest source-map reader that sucrase's maps need: one source, and
 * generated line n always comes from source line n (sucrase preserves lines),
 * so only columns are mapped.
 */

/** Per generated line (0-based): sorted pairs [generatedColumn, sourceColumn]. */
export type LineMappings = Array<Array<[number, number]>>;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map<string, number>([...B64].map((c, i) => [c, i]));

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64_INDEX.get(ch);
    if (digit === undefined) return out;
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value % 2 === 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export function decodeMappings(mappings: string): LineMappings {
  const lines: LineMappings = [];
  let srcCol = 0;
  for (const lineText of mappings.split(';')) {
    const segs: Array<[number, number]> = [];
    let genCol = 0;
    for (const seg of lineText.split(',')) {
      if (seg === '') continue;
      const f = decodeVlq(seg);
      genCol += f[0] ?? 0;
      if (f.length >= 4) {
        srcCol += f[3] ?? 0;
        segs.push([genCol, srcCol]);
      }
    }
    lines.push(segs);
  }
  return lines;
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
