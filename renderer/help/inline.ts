/**
 * Inline Markdown of the bundled docs as plain segments (rendered as text
 * nodes, never as HTML): `code`, **strong**, and [links](…) — a link keeps
 * its text only (the docs' relative links do not exist in the built app).
 */
export type Segment = { kind: 'text' | 'code' | 'strong'; text: string };

export function inlineSegments(md: string): Segment[] {
  const out: Segment[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\([^)]*\)/g;
  let at = 0;
  for (const m of md.matchAll(re)) {
    const i = m.index ?? 0;
    if (i > at) out.push({ kind: 'text', text: md.slice(at, i) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'strong', text: m[2] });
    else out.push({ kind: 'text', text: m[3] as string });
    at = i + m[0].length;
  }
  if (at < md.length) out.push({ kind: 'text', text: md.slice(at) });
  // Adjacent text segments (a link between two texts) read as one.
  return out.reduce<Segment[]>((acc, s) => {
    const last = acc.at(-1);
    if (last && last.kind === 'text' && s.kind === 'text') last.text += s.text;
    else acc.push({ ...s });
    return acc;
  }, []);
}
