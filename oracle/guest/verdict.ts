/**
 * What a boot's raw outputs mean: per-script reports and the list of errors
 * (time limit, a guest that never reached its init or ended early, a script
 * without its `end N` line, kernel splats, hugetlb pools smaller than asked).
 * Pure, so it is tested on recorded text.
 */
import type { ConsoleFinding } from './console';
import type { ResultPort } from './output';

export interface ScriptReport {
  name: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** The driver printed its `end N` line. */
  ended: boolean;
  endCount: number | null;
  /** Killed by the per-script time limit (busybox timeout -s KILL: status 137). */
  timedOut: boolean;
  /** Host time from the script's begin marker to its exit marker on the console; null if unseen. */
  ms: number | null;
}

export interface ScriptHeader {
  hugepages2M?: number;
  hugepages1G?: number;
}

/** `# pfnlab-oracle hugepages-2M=N hugepages-1G=M` in a script's comment lines asks for bigger pools. */
export function scriptHeader(text: string): ScriptHeader {
  const h: ScriptHeader = {};
  for (const line of text.split('\n')) {
    const m = /^#\s*pfnlab-oracle\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const kv of m[1].split(/\s+/)) {
      const p = /^hugepages-(2M|1G)=(\d+)$/.exec(kv);
      if (p && p[1] === '2M') h.hugepages2M = Number(p[2]);
      else if (p) h.hugepages1G = Number(p[2]);
    }
  }
  return h;
}

export interface RunFacts {
  names: readonly string[];
  port: ResultPort;
  findings: readonly ConsoleFinding[];
  exit: { timedOut: boolean; exitCode: number | null; ms: number; stderr: string };
  times: { begin: readonly number[]; exit: readonly number[] };
  requestedHugepages: { '2M': number; '1G': number };
}

const KILLED = 137;

function lastLines(text: string, n: number): string {
  const l = text.trimEnd().split('\n');
  return l.slice(Math.max(0, l.length - n)).join('\n');
}

export function analyseRun(f: RunFacts): { scripts: ScriptReport[]; errors: string[] } {
  const errors: string[] = [];
  const scripts: ScriptReport[] = f.names.map((name, i) => {
    const s = f.port.scripts[i];
    const b = f.times.begin[i];
    const e = f.times.exit[i];
    return {
      name,
      stdout: s.stdout,
      stderr: s.stderr,
      exitCode: s.exitCode,
      ended: s.endCount !== null,
      endCount: s.endCount,
      timedOut: s.exitCode === KILLED,
      ms: b !== undefined && e !== undefined ? e - b : null,
    };
  });
  if (f.exit.timedOut)
    errors.push(
      `the guest did not finish within the time limit (${Math.round(f.exit.ms / 1000)} s): QEMU killed`,
    );
  else if (f.exit.exitCode !== 0 && !f.port.done)
    errors.push(`QEMU exited with status ${f.exit.exitCode}: ${lastLines(f.exit.stderr, 3)}`);
  if (!f.port.booted) errors.push('the guest never reached its init (no boot marker on the result port)');
  else if (!f.port.done && !f.exit.timedOut)
    errors.push('the guest stopped before the end of its run (a kernel panic?)');
  for (const [size, want] of [
    ['2M', f.requestedHugepages['2M']],
    ['1G', f.requestedHugepages['1G']],
  ] as const) {
    const got = size === '2M' ? f.port.hugepages2M : f.port.hugepages1G;
    if (f.port.booted && got !== null && got < want)
      errors.push(`hugetlb pool of ${size} pages: ${got} reserved, ${want} asked (guest memory too small?)`);
  }
  scripts.forEach((s, i) => {
    if (!f.port.scripts[i].started) {
      errors.push(`script ${s.name}: not run`);
      return;
    }
    if (!s.ended) {
      const why = s.timedOut
        ? 'killed by the per-script time limit'
        : s.exitCode === null
          ? 'the guest stopped while it ran'
          : `the driver exited with status ${s.exitCode}${s.exitCode > 128 ? ` (signal ${s.exitCode - 128})` : ''}`;
      const err = s.stderr.trim() ? `; stderr: ${lastLines(s.stderr, 5)}` : '';
      const out = s.stdout.trim() ? `; last output: ${lastLines(s.stdout, 3)}` : '';
      errors.push(`script ${s.name}: no "end N" line (${why})${out}${err}`);
    }
  });
  for (const k of f.findings) {
    const where =
      k.script === null ? 'outside any script' : `while script ${f.names[k.script] ?? k.script} ran`;
    errors.push(`kernel ${k.kind}${k.iommufd ? ' in iommufd' : ''} ${where}: ${k.title}`);
  }
  return { scripts, errors };
}
