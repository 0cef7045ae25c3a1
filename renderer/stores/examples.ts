/**
 * The bundled scenarios (scenarios/*.ts), compiled into the app as text so
 * that they open in browser mode and in the desktop app alike. Each one's
 * title and "what it teaches" come from its header comment.
 */
const files = import.meta.glob('../../scenarios/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export interface Example {
  /** File name, e.g. '03-four-domains.ts'. */
  name: string;
  /** Title from the header (`03 — Map into an IOAS with four domains`). */
  title: string;
  /** The "WHAT IT TEACHES" paragraph, as plain text ('' when absent). */
  teaches: string;
  source: string;
}

/** Title and teaching text of a scenario's header comment. */
export function describeScenario(name: string, source: string): Omit<Example, 'name' | 'source'> {
  const header = /\/\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  const lines = header.split('\n').map((l) => l.replace(/^\s*\*?\s?/, ''));
  const title = lines.find((l) => l.trim() !== '')?.trim() ?? name;
  const at = lines.findIndex((l) => /^WHAT IT TEACHES/.test(l.trim()));
  const teaches: string[] = [];
  if (at >= 0)
    for (const l of lines.slice(at + 1)) {
      if (/^[A-Z][A-Z ]+$/.test(l.trim())) break;
      teaches.push(l.trim());
    }
  return { title, teaches: teaches.join(' ').replace(/\s+/g, ' ').trim() };
}

export const EXAMPLES: readonly Example[] = Object.entries(files)
  .map(([path, source]) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    return { name, source, ...describeScenario(name, source) };
  })
  .sort((a, b) => a.name.localeCompare(b.name));
