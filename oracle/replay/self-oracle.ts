/**
 * The driver output a kernel that agrees with the engine would print for a
 * translated script: every line answered with the engine's expectation.
 * Tests use the correct engine as the "kernel" and a deliberately broken
 * engine as the engine under test; a dry run (`--dry-run`) uses it to show
 * the script without booting.
 */
import type { Translation } from './translate';

export function engineAsKernel(tr: Translation): string {
  const out: string[] = [];
  for (const l of tr.lines) {
    const e = l.expect;
    if (e === null) out.push(`${l.seq} ok`);
    else if (!e.ok) out.push(`${l.seq} err ${e.errno}`);
    else {
      const vals = e.values.map((v) => (v === null ? '0' : v.v));
      const keys = Object.entries(e.keys).map(([k, v]) => `${k}=${v.v}`);
      out.push([`${l.seq} ok`, ...vals, ...keys].join(' '));
    }
  }
  out.push(`end ${tr.lines.length}`);
  return `${out.join('\n')}\n`;
}
