/**
 * `pfnlab show RUN`: a run saved by `pfnlab run --save` (or the app's Export
 * run), printed exactly as `pfnlab run` printed it — its log lines, the
 * summary or the error with its frames, `--json`, `--trace`, `--csv` — from
 * the file alone, without running anything. A file that is not a valid run
 * file (corrupt, truncated, from a newer PFN Lab) is one line on stderr and
 * exit 3.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isLabError } from '../../engine/base/errno';
import { toCsv } from '../../engine/scenario/export/csv';
import { toTrace } from '../../engine/scenario/export/trace';
import { parseRunFile, type SavedRun } from '../../engine/scenario/run-file';
import { oneFile, parseArgs, stringOpt, UsageError, type OptionSpec } from '../args';
import { printResult, resultJson, type JsonOutput, type Reported } from './report';
import { EXIT_FAIL, EXIT_OK, stdio, type Io } from './shared';

/** The file is not a run file this PFN Lab can read. */
export const EXIT_BAD_RUN_FILE = 3;

export const SHOW_HELP = `Usage: pfnlab show RUN [options]

Print a run saved by \`pfnlab run --save RUN\` (or exported by the app) as
\`pfnlab run\` printed it, from the file alone: nothing is run again.

Options:
  --json            print one JSON object { ok, error?, counters, ops, wallMs }
  --trace OUT.json  write the timeline as a Chrome trace (open it in ui.perfetto.dev)
  --csv OUT.csv     write the per-operation counter deltas as CSV
  --help            this text

Exit status: 0 the run completed, 1 it failed (the scenario threw, or it was
stopped or ended by the engine), 2 usage error (or the file cannot be read),
3 the file is not a valid run file (corrupt, truncated, or from a newer PFN Lab).
`;

export const SHOW_SPEC: OptionSpec = {
  flags: ['json', 'help'],
  values: { trace: 'string', csv: 'string' },
};

function readRunText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
}

/** The saved run as the RunResult fields `run` printed. */
function reported(run: SavedRun): Reported {
  const o = run.outcome;
  return {
    ok: o.ok,
    counters: run.counters,
    ops: o.ops,
    wallMs: o.wallMs,
    ...(o.error ? { error: o.error } : {}),
  };
}

export async function showCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, SHOW_SPEC);
  if (p.flags.has('help')) {
    io.out(SHOW_HELP);
    return EXIT_OK;
  }
  const file = oneFile(p, 'show');
  let run: SavedRun;
  try {
    run = parseRunFile(readRunText(file));
  } catch (e) {
    if (!isLabError(e)) throw e;
    io.err(`pfnlab show: ${file}: ${e.message}\n`);
    return EXIT_BAD_RUN_FILE;
  }
  const fileName = run.scenario.fileName;
  const result = reported(run);
  const tracePath = stringOpt(p, 'trace');
  const csvPath = stringOpt(p, 'csv');
  const exportable = { ...result, timeline: run.timeline };
  if (tracePath !== undefined) writeFileSync(tracePath, JSON.stringify(toTrace(exportable, fileName)));
  if (csvPath !== undefined) writeFileSync(csvPath, toCsv(exportable));
  const json = p.flags.has('json');
  const engineError = run.outcome.engineError;
  if (engineError) {
    // ended by the host (Stop, a budget, a crash): `run` reported the host's error
    if (json) {
      const out: JsonOutput = {
        ok: false,
        error: { errno: engineError.errno, message: engineError.message, line: 0, column: 0, frames: [] },
        counters: run.counters,
        ops: run.outcome.ops,
        wallMs: run.outcome.wallMs,
      };
      io.out(`${JSON.stringify(out)}\n`);
    } else {
      for (const l of run.timeline.logs) io.out(`${l.text}\n`);
      io.err(`${fileName}: ${engineError.errno}: ${engineError.message}\n`);
    }
    return EXIT_FAIL;
  }
  if (json) {
    io.out(`${JSON.stringify(resultJson(result))}\n`);
    return result.ok ? EXIT_OK : EXIT_FAIL;
  }
  for (const l of run.timeline.logs) io.out(`${l.text}\n`);
  printResult(result, fileName, io);
  return result.ok ? EXIT_OK : EXIT_FAIL;
}
