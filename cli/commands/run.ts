/**
 * `pfnlab run FILE`: one scenario in the engine worker, under the wall-clock
 * and memory budgets. Exit 0 when it completes, 1 when it throws (errno,
 * message, scenario position and the scenario's stack frames printed) or
 * overruns a budget, 2 on usage. Type errors never block a run: the file is
 * type-checked in a child process while it runs, and its type errors are
 * printed as warnings (exit status unchanged); `--no-typecheck` skips that.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fromResult, serializeRun } from '../../engine/scenario/run-file';
import type { RunResult } from '../../engine/scenario/runner';
import { ENGINE_VERSION, SCENARIO_API_VERSION } from '../../engine/version';
import { isStrategyName, STRATEGY_NAMES, type StrategyName } from '../../engine/iommufd/strategy/names';
import { numberOpt, oneFile, parseArgs, stringOpt, UsageError, type OptionSpec, type Parsed } from '../args';
import { mapEngineStack } from '../engine-stack';
import { toCsv } from '../../engine/scenario/export/csv';
import { Progress } from '../progress';
import { toTrace } from '../../engine/scenario/export/trace';
import { typecheckInChild, type TypecheckOutcome } from '../typecheck-child';
import { BudgetError, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, WorkerHost } from '../worker-host';
import { printResult, resultJson, type JsonOutput, type TypeErrorJson } from './report';
import { EXIT_FAIL, EXIT_OK, readScenario, stdio, type Io } from './shared';

export const RUN_HELP = `Usage: pfnlab run FILE [options]

Run one scenario (TypeScript or JavaScript) in the sandboxed engine.

Options:
  --json            print one JSON object { ok, error?, counters, ops, wallMs, typeErrors? }
  --seed N          seed of the machine and of lab.random() (default 1)
  --check           run checkInvariants() after every operation; fail on driver warnings
  --strategy NAME   storage strategy of the machine: iommufd (default), iommufd+batch-api,
                    naive, vfio-type1 (docs/strategies.md); lab.configure({ strategy })
                    in the scenario overrides it
  --trace OUT.json  write the timeline as a Chrome trace (open it in ui.perfetto.dev)
  --csv OUT.csv     write the per-operation counter deltas as CSV
  --save RUN.pfnrun.json
                    write the run as a run file (source, seed, events, counters,
                    digests): pfnlab show prints it again, the app opens it
  --timeout S       wall-clock budget in seconds (default ${DEFAULT_TIMEOUT_S})
  --memory MB       memory budget of the engine worker in MiB (default ${DEFAULT_MEMORY_MB})
  --no-typecheck    do not type-check the file (by default its type errors are
                    printed as warnings, FILE:LINE:COL warning TSnnnn: message;
                    they never stop the run nor change the exit status)
  --help            this text

Exit status: 0 completed, 1 the scenario threw or overran a budget, 2 usage error.
`;

export const RUN_SPEC: OptionSpec = {
  flags: ['json', 'check', 'no-typecheck', 'help'],
  values: {
    seed: 'int',
    strategy: 'string',
    trace: 'string',
    csv: 'string',
    save: 'string',
    timeout: 'number',
    memory: 'int',
  },
};

export type { JsonOutput, TypeErrorJson } from './report';

/** --strategy NAME: one of the engine's storage strategies (usage error otherwise). */
function strategyOpt(p: Parsed): StrategyName | undefined {
  const s = stringOpt(p, 'strategy');
  if (s === undefined) return undefined;
  if (!isStrategyName(s))
    throw new UsageError(`--strategy must be one of ${STRATEGY_NAMES.join(', ')}, got ${s}`);
  return s;
}

/** Type errors with the file named as in the run's messages. */
function typeErrorsOf(outcome: TypecheckOutcome, file: string, fileName: string): TypeErrorJson[] | null {
  if ('failed' in outcome) return null;
  const own = resolve(file);
  return outcome.diagnostics.map((d) => ({
    ...d,
    file: d.file && resolve(d.file) === own ? fileName : d.file,
  }));
}

function printTypeErrors(outcome: TypecheckOutcome | null, file: string, fileName: string, io: Io): void {
  if (!outcome) return;
  if ('failed' in outcome) {
    io.err(`pfnlab run: the type check failed: ${outcome.failed}\n`);
    return;
  }
  for (const d of typeErrorsOf(outcome, file, fileName) ?? []) {
    const where = d.file ? `${d.file}:${d.line}:${d.column} ` : '';
    io.err(`${where}warning TS${d.code}: ${d.message.replace(/\n/g, '\n  ')}\n`);
  }
}

function addTypeErrors(
  out: JsonOutput,
  outcome: TypecheckOutcome | null,
  file: string,
  fileName: string,
): void {
  if (!outcome) return;
  const errors = typeErrorsOf(outcome, file, fileName);
  if (errors) out.typeErrors = errors;
  else if ('failed' in outcome) out.typecheckFailed = outcome.failed;
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
  const savePath = stringOpt(p, 'save');
  const strategy = strategyOpt(p);
  const timeoutMs = Math.round((numberOpt(p, 'timeout') ?? DEFAULT_TIMEOUT_S) * 1000);
  const host = new WorkerHost({ memoryMb: numberOpt(p, 'memory') });
  const progress = new Progress(`pfnlab run ${fileName}`);
  const t0 = performance.now();
  const ranAt = new Date();
  let result: RunResult;
  let typecheck: Promise<TypecheckOutcome> | null = null;
  // after the run's first event (or its end): the child's start-up would delay that event
  const startTypecheck = (): void => {
    if (typecheck || p.flags.has('no-typecheck')) return;
    typecheck = new Promise((done) => setImmediate(() => done(typecheckInChild(file))));
  };
  try {
    const running = host.request(
      'run',
      {
        source,
        fileName,
        seed: numberOpt(p, 'seed'),
        strategy,
        check: p.flags.has('check'),
        keepEvents: tracePath !== undefined || csvPath !== undefined || savePath !== undefined,
      },
      {
        timeoutMs,
        onEvent: (e) => {
          if (e.event === 'progress') progress.update(`${e.data.done} ops`);
          else if (e.event === 'runLog' && !json) {
            progress.done();
            io.out(`${e.data.text}\n`);
          }
          startTypecheck();
        },
      },
    );
    result = await running;
    // an engine error's stack names the TypeScript lines (also in the --save file)
    if (result.error?.stack) result.error.stack = mapEngineStack(result.error.stack);
  } catch (e) {
    progress.done();
    startTypecheck();
    await host.close();
    const types = typecheck ? await typecheck : null;
    const err = e instanceof BudgetError ? e : null;
    const errno = err?.errno ?? 'ECRASHED';
    const message = e instanceof Error ? e.message : String(e);
    if (json) {
      const out: JsonOutput = {
        ok: false,
        error: { errno, message, line: 0, column: 0, frames: [] },
        counters: {},
        ops: 0,
        wallMs: Math.round(performance.now() - t0),
      };
      addTypeErrors(out, types, file, fileName);
      io.out(`${JSON.stringify(out)}\n`);
    } else {
      printTypeErrors(types, file, fileName, io);
      io.err(`${fileName}: ${errno}: ${message}\n`);
    }
    return EXIT_FAIL;
  }
  progress.done();
  startTypecheck();
  await host.close();
  const types = typecheck ? await typecheck : null;
  if (tracePath !== undefined) writeFileSync(tracePath, JSON.stringify(toTrace(result, fileName)));
  if (csvPath !== undefined) writeFileSync(csvPath, toCsv(result));
  if (savePath !== undefined) {
    const engine = { version: ENGINE_VERSION, scenarioApi: SCENARIO_API_VERSION };
    const seed = numberOpt(p, 'seed') ?? 1;
    // the strategy is kept so that replays (the app's inspect) rebuild the same machine
    const run = { fileName, source, seed, check: p.flags.has('check'), strategy, ranAt, engine };
    writeFileSync(savePath, serializeRun(fromResult(result, run)));
  }
  if (json) {
    const out = resultJson(result);
    addTypeErrors(out, types, file, fileName);
    io.out(`${JSON.stringify(out)}\n`);
    return result.ok ? EXIT_OK : EXIT_FAIL;
  }
  printTypeErrors(types, file, fileName, io);
  printResult(result, fileName, io);
  return result.ok ? EXIT_OK : EXIT_FAIL;
}
