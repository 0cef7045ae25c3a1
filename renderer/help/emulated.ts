/**
 * docs/EMULATED.md as structured content for the "What is emulated" panel:
 * the intro (which kernel's semantics), the table of what the model
 * includes, and the list of what it leaves out. The panel bundles the
 * Markdown itself (`?raw`), so the panel and the doc cannot drift apart;
 * emulated.test.ts checks the doc still has the shape this parser reads.
 */
export interface EmulatedDoc {
  title: string;
  /** Paragraphs before the first section. */
  intro: string[];
  included: { part: string; what: string }[];
  leftOut: string[];
}

function sections(md: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  out.set(cur, []);
  for (const line of md.split('\n')) {
    const h = /^##\s+(.+)$/.exec(line);
    if (h) {
      cur = (h[1] as string).trim().toLowerCase();
      out.set(cur, []);
    } else out.get(cur)?.push(line);
  }
  return out;
}

/** Paragraphs (blank-line separated, lines joined) of a block of lines. */
function paragraphs(lines: string[]): string[] {
  return lines
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter((p) => p !== '');
}

export function parseEmulated(md: string): EmulatedDoc {
  const s = sections(md);
  const head = s.get('') ?? [];
  const titleLine = head.find((l) => /^#\s/.test(l)) ?? '';
  const intro = paragraphs(head.filter((l) => l !== titleLine));
  const rows = (s.get('emulated') ?? []).filter((l) => l.trim().startsWith('|'));
  const included = rows
    .slice(2) // header and separator
    .map((r) => r.split('|').slice(1, -1).map((c) => c.trim()))
    .filter((c) => c.length >= 2)
    .map(([part, what]) => ({ part: part as string, what: what as string }));
  const leftOut: string[] = [];
  for (const line of s.get('left out') ?? []) {
    if (/^\s*-\s+/.test(line)) leftOut.push(line.replace(/^\s*-\s+/, '').trim());
    else if (line.trim() !== '' && leftOut.length > 0) leftOut[leftOut.length - 1] += ` ${line.trim()}`;
  }
  return { title: titleLine.replace(/^#\s+/, '').trim(), intro, included, leftOut };
}
