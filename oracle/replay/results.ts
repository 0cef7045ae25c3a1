/** The driver's result lines (docs/ORACLE-SCRIPT.md, "Result lines") parsed. */

export type KernelLine =
  | { seq: number; ok: true; values: string[]; keys: Record<string, string>; text: string }
  | { seq: number; ok: false; errno: string; text: string }
  | { seq: number; fatal: string; text: string };

export interface KernelOutput {
  lines: Map<number, KernelLine>;
  /** `end N`, or null when the driver never printed it (crash, time-out). */
  end: number | null;
  /** Lines that are none of the above (reported, never compared). */
  junk: string[];
}

export function isFatal(l: KernelLine): l is { seq: number; fatal: string; text: string } {
  return 'fatal' in l;
}

export function parseResults(stdout: string): KernelOutput {
  const out: KernelOutput = { lines: new Map(), end: null, junk: [] };
  for (const raw of stdout.split('\n')) {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    const end = /^end (\d+)$/.exec(text);
    if (end) {
      out.end = Number(end[1]);
      continue;
    }
    const m = /^(\d+) (ok|err|fatal)(?: (.*))?$/.exec(text);
    if (!m) {
      out.junk.push(text);
      continue;
    }
    const seq = Number(m[1]);
    const rest = m[3] ?? '';
    if (m[2] === 'fatal') out.lines.set(seq, { seq, fatal: rest, text });
    else if (m[2] === 'err') out.lines.set(seq, { seq, ok: false, errno: rest.split(' ')[0] ?? '', text });
    else {
      const values: string[] = [];
      const keys: Record<string, string> = {};
      for (const tok of rest.split(' ')) {
        if (tok === '') continue;
        const eq = tok.indexOf('=');
        if (eq > 0) keys[tok.slice(0, eq)] = tok.slice(eq + 1);
        else values.push(tok);
      }
      out.lines.set(seq, { seq, ok: true, values, keys, text });
    }
  }
  return out;
}
