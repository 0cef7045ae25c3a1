/** A layout file as text: the header fields indented, one run per line (diffable, compact). */
import type { LayoutFile } from '../../engine/mm/layout';

export function formatLayout(f: LayoutFile): string {
  const head = {
    format: f.format,
    version: f.version,
    pageSize: f.pageSize,
    start: f.start,
    pages: f.pages,
    ...(f.source !== undefined ? { source: f.source } : {}),
  };
  // arrays of plain values (source.vmas' entries) on one line each
  const pretty = JSON.stringify(head, null, 2).replace(
    /\[\n\s+([^[\]{}]*?)\n\s+\]/g,
    (_m, inner: string) => `[${inner.replace(/,\n\s+/g, ', ')}]`,
  );
  const lines = pretty.split('\n');
  lines.pop(); // the closing brace
  const runs = f.runs.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  return `${lines.join('\n')},\n  "runs": [${runs.length > 0 ? `\n${runs}\n  ` : ''}]\n}\n`;
}
