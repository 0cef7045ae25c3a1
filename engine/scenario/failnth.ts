/**
 * `pfnlab failnth`: the iommufd_fail_nth method (IOMMUFD-ALGORITHMS.md §11.4)
 * on a scenario. Run it once clean, then for n = 1, 2, … on a fresh machine
 * with the n-th fallible step failing, until a run no longer reaches step n.
 * After each run: the operation that failed left the state exactly as before
 * (digest equality; IOAS unmap is not atomic and is exempt), the invariants
 * hold, no driver warned, and closing everything leaves nothing pinned or
 * accounted (machine.teardownCheck()). A scenario that catches the injected
 * error and goes on is fine; one that dies of it simply ends that run.
 */
import type { MachineFactory } from './engine-types';
import type { InjectedFailure } from './facade/context';
import { runScenario, type RunError } from './runner';

/** Ops whose failure may legitimately leave partial effects (SCENARIO-API.md). */
const NON_ATOMIC = new Set(['ioas.unmap']);

export interface FailnthOptions {
  source: string;
  fileName?: string;
  seed?: number;
  /** Stop after this many failure points (default 100000). */
  maxPoints?: number;
  /** Called after every run: n (0 = the clean run). */
  onProgress?: (n: number, leaks: number) => void;
}

export interface FailnthLeak {
  /** The failure point (1-based fallible step). */
  n: number;
  /** The op that failed at step n and its scenario line, when known. */
  op: string;
  line: number;
  problems: string[];
}

export interface FailnthResult {
  ok: boolean;
  /** Failure points tried (runs in which step n was reached). */
  points: number;
  /** Fallible steps of the clean run. */
  steps: number;
  leaks: FailnthLeak[];
  /** Set when the clean run itself failed. */
  cleanError?: RunError;
  /** A caveat about the result (e.g. the scenario uses lab.failNth itself). */
  note?: string;
  wallMs: number;
}

export async function runFailnth(
  createMachine: MachineFactory,
  opts: FailnthOptions,
): Promise<FailnthResult> {
  const t0 = performance.now();
  const base = {
    source: opts.source,
    fileName: opts.fileName,
    seed: opts.seed,
    keepEvents: false,
    digests: false,
  };
  // The clean run logs the fallible-step count after every op: runs with a
  // fault armed at step n are identical up to the op that reaches step n, so
  // that op is known in advance and only it pays for the two digests.
  const stepLog: number[] = [];
  let ownFaultsAt = 0;
  const clean = await runScenario(createMachine, {
    ...base,
    stepLog,
    sink: {
      onEvent: (e) => {
        if (ownFaultsAt === 0 && (e.op === 'lab.failNth' || e.op === 'lab.faultConsumed'))
          ownFaultsAt = e.line;
      },
    },
  });
  const steps = clean.machine?.kernel.faults.steps ?? 0;
  const out: FailnthResult = { ok: true, points: 0, steps, leaks: [], wallMs: 0 };
  if (ownFaultsAt > 0) {
    out.note =
      `the scenario drives fault injection itself (line ${ownFaultsAt}): ` +
      'its lab.failNth/faultConsumed calls re-arm or disarm the injector, so later failure points may not be reached';
  }
  opts.onProgress?.(0, 0);
  if (!clean.result.ok) {
    out.ok = false;
    if (clean.result.error) out.cleanError = clean.result.error;
    out.wallMs = performance.now() - t0;
    return out;
  }
  const max = opts.maxPoints ?? 100000;
  for (let n = 1; n <= max; n++) {
    let injected: InjectedFailure | null = null;
    let lastOp = { op: '', line: 0 };
    const watchSeq = stepLog.findIndex((steps) => steps !== undefined && steps >= n);
    const { result, machine } = await runScenario(createMachine, {
      ...base,
      failNth: n,
      watchSeq: watchSeq > 0 ? watchSeq : undefined,
      onInjectedFailure: (f) => {
        injected = f;
      },
      sink: {
        onEvent: (e) => {
          if (injected === null) lastOp = { op: e.op, line: e.line };
        },
      },
    });
    if (!result.faultConsumed) break;
    out.points = n;
    const problems: string[] = [];
    const inj = injected as InjectedFailure | null;
    if (inj !== null) {
      lastOp = { op: inj.op, line: lastOp.line };
      if (!NON_ATOMIC.has(inj.op) && inj.before !== inj.after) {
        problems.push(`${inj.op} failed with ${inj.errno} but changed the state`);
      }
      if (inj.invariants !== null) problems.push(`invariants after the failed ${inj.op}: ${inj.invariants}`);
    }
    // Dying of the injected error (or of its consequences) is fine; an engine bug is not.
    if (result.error?.errno === 'EINTERNAL') problems.push(`engine bug: ${result.error.message}`);
    if (machine) {
      if (machine.kernel.counters.warnings > 0) {
        const w = machine.kernel.events.events.find((e) => e.kind === 'warning');
        problems.push(`driver warning: ${w ? `${w.source}: ${w.message}` : 'WARN_ON'}`);
      }
      try {
        machine.checkInvariants();
      } catch (e) {
        problems.push(`invariants at the end of the run: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        problems.push(...machine.teardownCheck());
      } catch (e) {
        problems.push(`teardown threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (problems.length > 0) out.leaks.push({ n, op: lastOp.op, line: lastOp.line, problems });
    opts.onProgress?.(n, out.leaks.length);
  }
  out.ok = out.leaks.length === 0;
  out.wallMs = performance.now() - t0;
  return out;
}
