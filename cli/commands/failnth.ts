/**
 * `pfnlab failnth FILE`: every fallible step of the scenario fails once, in
 * turn, each on a fresh machine (engine/scenario/failnth.ts, in one engine
 * worker). Exit 0 only when no failure point leaked or broke an invariant.
 */
import type { FailnthResult } from '../../engine/scenario/failnth';
import { numberOpt, oneFile, parseArgs, type OptionSpec } from '../args';
import { formatFrames } from '../frames';
import { Progress } from '../progress';
import { BudgetError, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, WorkerHost } from '../worker-host';
import { EXIT_FAIL, EXIT_OK, readScenario, stdio, type Io } from './shared';

export const FAILNTH_HELP = `Usage: pfnlab failnth FILE [options]

Fault-inject a scenario like the kernel's iommufd_fail_nth: run it once
clean, then again with the 1st, 2nd, ... fallible step failing, until a run
no longer reaches step n. After each run: the failed operation must have left
the state exactly as before (IOAS unmap, not atomic, is exempt), invariants
must hold, and closing everything must leave zero pins and zero accounting.

Options:
  --json            print one JSON object { ok, points, steps, leaks, wallMs }
  --seed N          machine seed (default 1)
  --max N           stop after N failure points
  --timeout S       wall-clock budget per run in seconds (default ${DEFAULT_TIMEOUT_S})
  --memory MB       memory budget of the engine worker in MiB (default ${DEFAULT_MEMORY_MB})
  --help            this text

Exit status: 0 nothing leaked, 1 a failure point leaked (or the clean run failed), 2 usage error.
`;

export const FAILNTH_SPEC: OptionSpec = {
  flags: ['json', 'help'],
  values: { seed: 'int', max: 'int', timeout: 'number', memory: 'int' },
};

export async function failnthCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, FAILNTH_SPEC);
  if (p.flags.has('help')) {
    io.out(FAILNTH_HELP);
    return EXIT_OK;
  }
  const file = oneFile(p, 'failnth');
  const { source, fileName } = readScenario(file);
  const json = p.flags.has('json');
  const host = new WorkerHost({ memoryMb: numberOpt(p, 'memory') });
  const progress = new Progress(`pfnlab failnth ${fileName}`);
  let r: FailnthResult;
  try {
    r = await host.request(
      'failnth',
      { source, fileName, seed: numberOpt(p, 'seed'), maxPoints: numberOpt(p, 'max') },
      {
        timeoutMs: Math.round((numberOpt(p, 'timeout') ?? DEFAULT_TIMEOUT_S) * 1000),
        perProgress: true,
        onEvent: (e) => {
          if (e.event === 'progress')
            progress.update(`failure point ${e.data.done}, ${e.data.leaks ?? 0} leaked`);
        },
      },
    );
  } catch (e) {
    progress.done();
    await host.close();
    const errno = e instanceof BudgetError ? e.errno : 'ECRASHED';
    const message = e instanceof Error ? e.message : String(e);
    if (json) io.out(`${JSON.stringify({ ok: false, error: { errno, message } })}\n`);
    else io.err(`${fileName}: ${errno}: ${message}\n`);
    return EXIT_FAIL;
  }
  progress.done();
  await host.close();
  if (json) {
    io.out(`${JSON.stringify(r)}\n`);
  } else if (r.cleanError) {
    const e = r.cleanError;
    io.err(`${fileName}:${e.line}:${e.column}: the clean run failed: ${e.errno}: ${e.message}\n`);
    io.err(formatFrames(e, fileName));
  } else {
    io.out(
      `${fileName}: ${r.steps} fallible steps in the clean run; tried ${r.points} failure points in ${(r.wallMs / 1000).toFixed(1)} s\n`,
    );
    for (const l of r.leaks) {
      io.out(
        `  LEAK at failure point ${l.n} (${l.op || 'unknown op'}${l.line > 0 ? `, line ${l.line}` : ''}):\n`,
      );
      for (const pr of l.problems) io.out(`    ${pr}\n`);
    }
    io.out(r.leaks.length === 0 ? 'no leaks\n' : `${r.leaks.length} failure point(s) leaked\n`);
    if (r.note) io.out(`note: ${r.note}\n`);
  }
  return r.ok ? EXIT_OK : EXIT_FAIL;
}
