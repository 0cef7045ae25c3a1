/**
 * `pfnlab capture --pid PID [--range ADDR-ADDR] [--out FILE]`: the real PFN
 * runs behind a process's memory as a layout file (../capture/pagemap.ts),
 * which a scenario maps with `mmap(len, { layout })`. Needs root: without
 * CAP_SYS_ADMIN the kernel hides the PFNs, and the command says so (exit 1).
 */
import { writeFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { layoutInfo } from '../../engine/mm/layout-info';
import { numberOpt, parseArgs, stringOpt, UsageError, type OptionSpec } from '../args';
import { formatLayout } from '../capture/format';
import { captureLayout, CaptureError, parseRange } from '../capture/pagemap';
import { EXIT_FAIL, EXIT_OK, stdio, type Io } from './shared';

export const CAPTURE_HELP = `Usage: pfnlab capture --pid PID [options]

Read the physical frames behind a process's memory (/proc/PID/pagemap, and
/proc/kpageflags for THP and hugetlb pages) and write a layout file: the runs
of present pages that are contiguous both virtually and physically. A
scenario backs a mapping with it: process.mmap(len, { layout }).

Needs root (CAP_SYS_ADMIN): otherwise the kernel reports every PFN as 0 and
the capture fails saying so.

Options:
  --pid PID             the process (required)
  --range ADDR-ADDR     only [ADDR, ADDR) (hex, as /proc/PID/maps prints it),
                        at its own virtual offsets; default: every mapping of
                        the process, laid end to end (each keeps its 2 MiB phase)
  --out FILE            write the layout there (default: stdout)
  --note TEXT           recorded in the file's source.note
  --proc DIR            read DIR instead of /proc (tests)
  --help                this text

Prints a summary on stderr (pages, present frames, runs, huge runs, physical
blocks) and any warnings (zero pages and frames mapped twice are left out).

Exit status: 0 written, 1 the capture failed (no such process, no access,
PFNs hidden), 2 usage error.
`;

export const CAPTURE_SPEC: OptionSpec = {
  flags: ['help'],
  values: { pid: 'int', range: 'string', out: 'string', note: 'string', proc: 'string' },
};

export async function captureCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, CAPTURE_SPEC);
  if (p.flags.has('help')) {
    io.out(CAPTURE_HELP);
    return EXIT_OK;
  }
  if (p.positional.length > 0)
    throw new UsageError(`unexpected ${p.positional[0]}; see pfnlab capture --help`);
  const pid = numberOpt(p, 'pid');
  if (pid === undefined || pid < 1) throw new UsageError('--pid PID is required');
  const rangeText = stringOpt(p, 'range');
  const range = rangeText === undefined ? undefined : parseRange(rangeText);
  if (range === null)
    throw new UsageError(`--range must be ADDR-ADDR in hex with ADDR < ADDR, got ${rangeText}`);
  const note = stringOpt(p, 'note');
  const out = stringOpt(p, 'out');
  let result;
  try {
    result = captureLayout({
      pid,
      range,
      procRoot: stringOpt(p, 'proc'),
      command: ['pfnlab', 'capture', ...argv].map(shellQuote).join(' '),
      source: { host: hostname(), kernel: release(), ...(note !== undefined ? { note } : {}) },
    });
  } catch (e) {
    if (e instanceof CaptureError) {
      io.err(`pfnlab capture: ${e.message}\n`);
      return EXIT_FAIL;
    }
    throw e;
  }
  const text = formatLayout(result.layout);
  // what we write must read back: the engine's own parser checks it
  const info = layoutInfo(text);
  for (const w of result.warnings) io.err(`pfnlab capture: warning: ${w}\n`);
  if (out === undefined) io.out(text);
  else {
    try {
      writeFileSync(out, text);
    } catch (e) {
      io.err(`pfnlab capture: cannot write ${out}: ${(e as { code?: string }).code ?? String(e)}\n`);
      return EXIT_FAIL;
    }
  }
  io.err(
    `pfnlab capture: pid ${pid}: ${info.pages} pages, ${info.frames} present, ${info.runs} runs ` +
      `(${info.hugeRuns} THP/hugetlb), ${info.physicalBlocks} physical blocks${out !== undefined ? ` → ${out}` : ''}\n`,
  );
  return EXIT_OK;
}

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
