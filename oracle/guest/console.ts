/**
 * Reading the guest's kernel console (ttyS0) for trouble: panics, Oopses,
 * BUG and WARNING splats. Each finding carries its text (up to the trace's
 * end marker) and the script that was running, known from the init's marker
 * lines, which also appear on the console.
 */

export type FindingKind = 'panic' | 'oops' | 'bug' | 'warning';

export interface ConsoleFinding {
  kind: FindingKind;
  /** The first line, without the printk timestamp. */
  title: string;
  /** The splat's lines (at most 60). */
  text: string;
  /** Index of the script that was running, null outside any script (boot, init). */
  script: number | null;
  /** The splat names iommufd (an iommufd WARN is an oracle finding in its own right). */
  iommufd: boolean;
}

const STAMP = /^\[\s*\d+\.\d+\]\s?/;
const PATTERNS: [FindingKind, RegExp][] = [
  ['panic', /^Kernel panic - not syncing/],
  ['oops', /^(Oops|general protection fault|BUG: unable to handle)/],
  ['bug', /^(kernel BUG at|BUG: )/],
  ['warning', /^WARNING: /],
];

export function stripStamp(line: string): string {
  return line.replace(STAMP, '');
}

export function findSplats(consoleText: string, nonce: string): ConsoleFinding[] {
  const lines = consoleText.replace(/\r/g, '').split('\n');
  const begin = `@@pfnlab ${nonce} begin `;
  const exit = `@@pfnlab ${nonce} exit `;
  const found: ConsoleFinding[] = [];
  let script: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = stripStamp(lines[i]);
    if (line.startsWith(begin)) script = Number(line.slice(begin.length).split(' ')[0]);
    else if (line.startsWith(exit)) script = null;
    const hit = PATTERNS.find(([, re]) => re.test(line));
    if (!hit) continue;
    const body: string[] = [];
    for (let j = i; j < lines.length && body.length < 60; j++) {
      const l = stripStamp(lines[j]);
      if (j > i && PATTERNS.some(([, re]) => re.test(l))) break;
      body.push(l);
      if (/---\[ end (trace|Kernel panic)/.test(l)) break;
    }
    const text = body.join('\n');
    found.push({ kind: hit[0], title: line, text, script, iommufd: /iommufd/i.test(text) });
    i += body.length - 1;
  }
  return found;
}
