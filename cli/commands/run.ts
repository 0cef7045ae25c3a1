/**
 * `pfnlab run FILE`: one scenario in the engine worker, under the wall-clock
 * and memory budgets. Exit 0 when it completes, 1 when it throws (errno,
 * message and scenario position printed) or overruns a budget, 2 on usage.
 */
import { writeFileSync } from 'node:fs';
import type { RunResult } from '../../engine/scenario/runner';
import { numberOpt, oneFile, parseArgs, stringOpt, type OptionSpec } from '../args';
import { toCsv } from '../csv';
import { Progress } from '../progress';
import { toTrace } from '../trace';
import { BudgetError, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, WorkerHost } from '../worker-host';
import { EXIT_FAIL, EXIT_OK, readScenario, stdio, type Io } from './shared';

export const RUN_HELP = `Usage: pfnlab run FILE [options]

Run one scenario (TypeScript or JavaScript) in the sandboxed engine.

Options:
  --json            print one JSON object { ok, error?, counters, ops, wallMs }
  --seed N          seed of the machine and of lab.random() (default 1)
  --check           run checkInvariants() after every operation; fail on driver warnings
  --trace OUT.json  write the timeline as a Chrome trace (open it in ui.perfetto.dev)
  --csv OUT.csv     write the per-operation counter deltas as CSV
  --timeout S       wall-clock budget in seconds (default ${DEFAULT_TIMEOUT_S})
  --memory MB       memory budget of the engine worker in MiB (default ${DEFAULT_MEMORY_MB})
  --help            this text

Exit status: 0 completed, 1 the scenario threw or overran a budget, 2 usage error.
`;

export const RUN_SPEC: OptionSpec = {
  flags: ['json', 'check', 'help'],
  values: { seed: 'int', trace: 'string', csv: 'string', timeout: 'number', memory: 'int' },
};

export interface JsonOutput {
  ok: boolean;
  error?: { errno: string; message: string; line: number; column: number };
  counters: RunResult['counters'] | Record<string, never>;
  ops: number;
  wallMs: number;
}

function nonZero(c: Record<string, number>): string {
  const parts = Object.entries(c)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(' ') : '(none)';
}

export async function runCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, RUN_SPEC);
  if (p.flags.has('help')) {
    io.out(RUN_HELP);
    return EXIT_OK;
  }
  const file = oneFile(p, 'run');
  const { source, fileName } = readScenario(file);
  const json = p.flags.has('json');
  const tracePath = stringOpt(p, 'trace');
  const csvPath = stringOpt(p, 'csv');
  const timeoutMs = Math.round((numberOpt(p, 'timeout') ?? DEFAULT_TIMEOUT_S) * 1000);
  const host = new WorkerHost({ memoryMb: numberOpt(p, 'memory') });
  const progress = new Progress(`pfnlab run ${fileName}`);
  const t0 = performance.now();
  let result: RunResult;
  try {
    result = await host.request(
      'run',
      {
        source,
        fileName,
        seed: numberOpt(p, 'seed'),
        check: p.flags.has('check'),
        keepEvents: tracePath !== undefined || csvPath !== undefined,
      },
      {
        timeoutMs,
        onEvent: (e) => {
          if (e.event === 'progress') progress.update(`${e.data.done} ops`);
          else if (e.event === 'runLog' && !json) {
            progress.done();
            io.out(`${e.data.text}\n`);
          }
        },
      },
    );
  } catch (e) {
    progress.done();
    await host.close();
    const err = e instanceof BudgetError ? e : null;
    const errno = err?.errno ?? 'ECRASHED';
    const message = e instanceof Error ? e.message : String(e);
    if (json) {
      const out: JsonOutput = {
        ok: false,
        error: { errno, message, line: 0, column: 0 },
        counters: {},
        ops: 0,
        wallMs: Math.round(performance.now() - t0),
      };
      io.out(`${JSON.stringify(out)}\n`);
    } else {
      io.err(`${fileName}: ${errno}: ${message}\n`);
    }
    return EXIT_FAIL;
  }
  progress.done();
  await host.close();
  if (tracePath !== undefined) writeFileSync(tracePath, JSON.stringify(toTrace(result, fileName)));
  if (csvPath !== undefined) writeFileSync(csvPath, toCsv(result));
  if (json) {
    const out: JsonOutput = {
      ok: result.ok,
      counters: result.counters,
      ops: result.ops,
      wallMs: Math.round(result.wallMs * 1000) / 1000,
    };
    if (result.error) {
      const { errno, message, line, column } = result.error;
      out.error = { errno, message, line, column };
    }
    io.out(`${JSON.stringify(out)}\n`);
  } else if (result.ok) {
    io.out(`ok: ${fileName}: ${result.ops} ops in ${result.wallMs.toFixed(0)} ms\n`);
    io.out(`counters: ${nonZero(result.counters)}\n`);
    if (result.counters.warnings > 0) {
      io.err(
        `${result.counters.warnings} driver warning(s) during the run (--check fails on them; --trace shows where)\n`,
      );
    }
  } else if (result.error) {
    const { errno, message, line, column } = result.error;
    const where = line > 0 ? `${fileName}:${line}:${column}` : fileName;
    io.err(`${where}: ${errno}: ${message}\n`);
    if (result.error.stack) io.err(`${result.error.stack}\n`);
    io.err(`after ${result.ops} ops in ${result.wallMs.toFixed(0)} ms\n`);
  }
  return result.ok ? EXIT_OK : EXIT_FAIL;
}
