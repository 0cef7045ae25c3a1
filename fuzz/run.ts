/**
 * One differential run: each op is resolved against the model, executed on
 * the engine, checked by the model (result or errno) and the states compared
 * (compare.ts); at the end the context is closed and the machine must be
 * back to zero pins, zero accounting, no leaks (teardownCheck).
 */
import { compareState, FrameMemory, type Mismatch } from './compare';
import { EngineDriver, type CallHook } from './engine-driver';
import { emptyState, step, type State, type StepResult } from './model';
import type { Call, Op, Outcome } from './ops';
import { resolve } from './resolve';

export interface Divergence {
  /** Index of the first diverging op (ops.length for the final teardown). */
  index: number;
  op: Op | null;
  call: Call | null;
  kind: 'result' | Mismatch['kind'];
  engine: string;
  model: string;
  /** Lines of a scenario check that fails on it (compare.ts). */
  check: string;
  /** For a result divergence: what the model expected. */
  expected?: StepResult['expected'];
}

export interface RunOptions {
  seed: number;
  hook?: CallHook;
  /**
   * Full comparison (every IOVA page of every domain, every mapped user page,
   * the engine's invariants) every K ops; 1 = always. Between full checks:
   * results, items, the first and last page of each area in each domain, pins
   * of the frames seen there, the mm's pin total and the accounting.
   */
  fullEvery?: number;
  /** Deep invariant check (every frame) every K ops; 0 = never. */
  deepEvery?: number;
}

export interface Step {
  call: Call | null;
  outcome: Outcome | null;
  fired: boolean;
}

export interface RunReport {
  divergence: Divergence | null;
  steps: Step[];
}

function outcomeText(o: Outcome): string {
  return o.ok
    ? `ok${o.value === undefined ? '' : ' ' + String(o.value)}`
    : `${o.errno}${o.message ? ': ' + o.message.split('\n')[0] : ''}`;
}

export function runSequence(ops: readonly Op[], opts: RunOptions): RunReport {
  return runOps((_, i) => (i < ops.length ? ops[i] : null), opts).report;
}

/**
 * The run loop over an op source (a fixed list, or the generator looking at
 * the model's state); returns the ops it ran.
 */
export function runOps(
  next: (s: State, i: number) => Op | null,
  opts: RunOptions,
): { report: RunReport; ops: Op[] } {
  const ops: Op[] = [];
  const report = runLoop(next, ops, opts);
  return { report, ops };
}

function runLoop(next: (s: State, i: number) => Op | null, ops: Op[], opts: RunOptions): RunReport {
  const d = new EngineDriver(opts.seed);
  const mem = new FrameMemory();
  let s: State = emptyState();
  const steps: Step[] = [];
  const deepEvery = opts.deepEvery ?? 64;
  const fullEvery = opts.fullEvery ?? 16;
  let fullDue = false;
  let deepDue = false;
  const exec = (c: Call): Outcome => (opts.hook ? opts.hook(c, (x) => d.exec(x), d) : d.exec(c));
  for (let i = 0; ; i++) {
    const op = next(s, i);
    if (op === null) break;
    ops.push(op);
    // a scheduled check that falls on a skipped op is owed to the next op that runs
    if (fullEvery <= 1 || i % fullEvery === fullEvery - 1) fullDue = true;
    if (deepEvery > 0 && i % deepEvery === deepEvery - 1) deepDue = true;
    const call = resolve(s, op);
    if (call === null) {
      steps.push({ call: null, outcome: null, fired: false });
      continue;
    }
    let fired = false;
    let out: Outcome;
    if (op.k === 'inject') {
      d.machine.kernel.faults.failNth(op.n);
      out = exec(call);
      fired = d.machine.kernel.faults.consumed();
    } else out = exec(call);
    steps.push({ call, outcome: out, fired });
    if (!out.ok && out.errno === 'EINTERNAL')
      return {
        divergence: {
          index: i,
          op,
          call,
          kind: 'result',
          engine: outcomeText(out),
          model: 'no engine exception',
          check: '',
        },
        steps,
      };
    const r = step(s, call, out, fired);
    if (r.verdict !== null)
      return {
        divergence: {
          index: i,
          op,
          call,
          kind: 'result',
          engine: outcomeText(out),
          model: r.verdict,
          check: '',
          expected: r.expected,
        },
        steps,
      };
    s = r.state;
    const mm = compareState(s, d, mem, fullDue, deepDue);
    fullDue = false;
    deepDue = false;
    if (mm)
      return {
        divergence: {
          index: i,
          op,
          call,
          kind: mm.kind,
          engine: mm.message,
          model: 'see engine',
          check: mm.check,
        },
        steps,
      };
  }
  // teardown: close everything → nothing pinned, nothing charged
  const leaks = d.machine.teardownCheck();
  const acc = d.process.accounting();
  if (leaks.length > 0 || acc.userLockedVm !== 0)
    return {
      divergence: {
        index: ops.length,
        op: null,
        call: null,
        kind: 'teardown',
        engine: `after close: ${leaks.join('; ')} userLockedVm ${acc.userLockedVm}`,
        model: 'no pins, no accounting, no leaks',
        check:
          'fd.close();\nexpectEq("userLockedVm after close", lab.process.accounting().userLockedVm, 0);\nlab.checkInvariants();',
      },
      steps,
    };
  return { divergence: null, steps };
}
