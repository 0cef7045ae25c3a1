/**
 * One scenario run: transpile, build a fresh machine and its `lab` facade,
 * evaluate in the sandbox, and report how it ended. Pure engine code: the
 * wall-clock and memory budgets are enforced from outside the worker (the
 * host terminates it), because a scenario stuck in `while (true) {}` never
 * gives control back.
 */
import { isLabError, LabError } from '../base/errno';
import { newCounters, snapshotCounters, type Counters } from '../base/counters';
import { Rng } from '../base/rng';
import type { EngineMachine, MachineFactory } from './engine-types';
import { innermost, scenarioThrowPosition } from './error-position';
import { FacadeContext, type InjectedFailure } from './facade/context';
import { makeConsole, makeLab } from './facade/lab';
import { instrument } from './call-sites';
import { evaluateInSandbox, SITE_HOOK } from './sandbox';
import { ScenarioError } from './scenario-error';
import { SourceLocator } from './source-position';
import { makeStopSentinel } from './stop';
import { Timeline, type TimelineData, type TimelineSink } from './timeline';
import { transpile } from './transpile';

export interface RunOptions {
  source: string;
  /** Name shown in stacks and messages; default 'scenario.ts'. */
  fileName?: string;
  /** Seeds lab.random() and the machine; default 1. */
  seed?: number;
  /** checkInvariants() after every op; fail on driver warnings. */
  check?: boolean;
  /** Record state digests (default true). */
  digests?: boolean;
  /** Keep the timeline events in the result (default true). */
  keepEvents?: boolean;
  /** Arm kernel.faults.failNth(n) when the run starts (failnth). */
  failNth?: number;
  onInjectedFailure?: (f: InjectedFailure) => void;
  /** Watch only this op for the injected failure (failnth knows it from the clean run). */
  watchSeq?: number;
  /** Filled with the fallible-step count after each op, at index seq. */
  stepLog?: number[];
  sink?: TimelineSink;
  now?: () => number;
  /** End the run cleanly right after event N (0: before the first): RunResult.stoppedAfter. */
  stopAfter?: number;
  /** Replay mode: only the machine matters: no per-call stack capture (events get 0:0), counter deltas or copied-out values. */
  replay?: boolean;
  /** Sees the machine and the timeline once they exist (live frames read them while the run goes). */
  observe?: (machine: EngineMachine, timeline: Timeline) => void;
}

export interface RunError {
  /** A kernel errno ('ENOENT'), or a runtime kind: 'SyntaxError', 'TypeError', 'EINTERNAL', 'WARN', 'INVARIANT'. */
  errno: string;
  message: string;
  line: number;
  column: number;
  /** Engine stack of an EINTERNAL error. */
  stack?: string;
  /**
   * The scenario's own stack frames at the throw, innermost first (a helper
   * function's `throw`, then the line that called the helper, …). `line` and
   * `column` above are the position the user should look at first.
   */
  frames?: StackFrame[];
}

/** One scenario stack frame: where, and the function's name ('' at top level). */
export interface StackFrame {
  fn: string;
  line: number;
  column: number;
}

export interface RunResult {
  ok: boolean;
  error?: RunError;
  counters: Counters;
  ops: number;
  wallMs: number;
  timeline: TimelineData;
  /** Whether the armed fault fired (failnth runs). */
  faultConsumed?: boolean;
  /** The worker's handle on this run for `inspect` (set by the worker). */
  runId?: number;
  /** Set when the run ended early because of RunOptions.stopAfter: the last event kept. */
  stoppedAfter?: number;
}

/** The machine and facade state a finished run leaves behind (failnth checks it). */
export interface RunOutcome {
  result: RunResult;
  machine: EngineMachine | null;
}

const defaultNow = (): number => performance.now();

/** The stack of a thrown value, if it has one (reading it must not throw). */
function stackOf(e: unknown): unknown {
  try {
    return (e as { stack?: unknown } | null)?.stack;
  } catch {
    return undefined;
  }
}

/** RunError of a thrown value; its position follows error-position.ts's rule. */
function describeThrown(e: unknown, locator: SourceLocator | null): RunError {
  const frames = locator?.frames(stackOf(e)) ?? [];
  if (e instanceof ScenarioError) {
    const pos = e.line > 0 ? { line: e.line, column: e.column } : innermost(frames);
    return { errno: e.kind, message: e.message, ...pos, frames };
  }
  if (isLabError(e)) return { errno: e.errno, message: e.message, ...innermost(frames), frames };
  if (e instanceof Error) {
    const errno = (e as { errno?: unknown }).errno;
    let pos = locator ? scenarioThrowPosition(frames, locator) : innermost(frames);
    // SES refuses `import(` / HTML comments before evaluating, without a stack: its message has the line
    const rejected = frames.length === 0 ? /rejected at .*:(\d+)\. \(SES_/.exec(e.message) : null;
    if (rejected) pos = { line: Number(rejected[1]), column: 0 };
    return {
      errno: typeof errno === 'string' ? errno : e.name || 'Error',
      message: e.message,
      ...pos,
      frames,
    };
  }
  let text: string;
  try {
    text = String(e);
  } catch {
    text = 'a value that cannot be printed';
  }
  return { errno: 'Error', message: `uncaught throw of ${text}`, ...innermost(frames), frames };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

export async function runScenario(createMachine: MachineFactory, opts: RunOptions): Promise<RunOutcome> {
  harden(LabError);
  harden(ScenarioError);
  const now = opts.now ?? defaultNow;
  const t0 = now();
  const fileName = opts.fileName ?? 'scenario.ts';
  const seed = opts.seed ?? 1;
  const timeline = new Timeline(opts.sink, opts.keepEvents ?? true);
  let locator: SourceLocator | null = null;
  let machine: EngineMachine | null = null;
  let ctx: FacadeContext | null = null;
  let error: RunError | undefined;
  const stop = opts.stopAfter === undefined ? undefined : makeStopSentinel();
  try {
    const ts = transpile(opts.source, fileName);
    const js = instrument(ts.code, ts.mappings, SITE_HOOK, ['lab', 'console']);
    locator = new SourceLocator(fileName, js.mappings, opts.source);
    machine = createMachine({ seed });
    ctx = new FacadeContext({
      machine,
      timeline,
      locator,
      now,
      check: opts.check ?? false,
      digests: opts.digests ?? true,
      onInjectedFailure: opts.onInjectedFailure,
      watchSeq: opts.watchSeq,
      stepLog: opts.stepLog,
      stopAfter: opts.stopAfter,
      stop,
      positions: opts.replay !== true,
      sites: js.sites,
    });
    opts.observe?.(machine, timeline);
    const lab = makeLab(ctx, new Rng(seed), seed);
    if (opts.failNth !== undefined) machine.kernel.faults.failNth(opts.failNth);
    const completion = evaluateInSandbox(js.code, fileName, {
      lab,
      console: makeConsole(ctx),
      site: ctx.siteHook,
    });
    if (isThenable(completion)) await completion;
  } catch (e) {
    if (stop === undefined || e !== stop) error = describeThrown(e, locator);
  }
  // once stopped, whatever the scenario did after the sentinel is not part of the run
  if (ctx?.stopped) error = undefined;
  if (ctx) {
    ctx.ended = true;
    ctx.dispose();
    if (ctx.fatal) {
      error = describeThrown(ctx.fatal, locator);
      if (ctx.internalStack !== undefined) error.stack = ctx.internalStack;
    }
  }
  const counters = machine ? snapshotCounters(machine.kernel.counters) : newCounters();
  const result: RunResult = {
    ok: error === undefined,
    counters,
    ops: timeline.seq,
    wallMs: now() - t0,
    timeline: timeline.data(counters),
  };
  if (error) result.error = error;
  if (ctx?.stopped) result.stoppedAfter = timeline.seq;
  if (opts.failNth !== undefined && machine) result.faultConsumed = machine.kernel.faults.consumed();
  return { result, machine };
}
