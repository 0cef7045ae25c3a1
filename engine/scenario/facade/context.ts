/**
 * The per-run recorder behind every facade method: copies the arguments in,
 * calls the engine, copies the result out, and records one timeline event
 * (position, counter deltas, warnings, state digest). It also enforces the
 * run's rules: `--check` invariants after each op, failures that the
 * scenario cannot catch (fatal), and no calls after the run ended.
 */
import { isLabError, LabError } from '../../base/errno';
import { COUNTER_NAMES, readCounters, type CounterName, type Counters } from '../../base/counters';
import { storeAt } from '../../base/arrays';
import { unfrozen } from '../../base/typed';
import type { EngineEvent } from '../../base/events';
import type { Kernel } from '../../base/kernel';
import type { EngineMachine } from '../engine-types';
import { ScenarioError } from '../scenario-error';
import type { StopSentinel } from '../stop';
import type { SourceLocator, SourcePosition } from '../source-position';
import type { CounterDeltas, Timeline, TimelineEvent } from '../timeline';
import { checkOptions, paramName, SIGNATURES } from './signatures';
import { copyIn, copyOut, FULL, jsonSafe, Registry, type Json } from './values';

/** 'read' ops leave the digested state alone: no digest is taken after them. */
export type OpKind = 'read' | 'write';

export interface ContextOptions {
  machine: EngineMachine;
  timeline: Timeline;
  locator: SourceLocator;
  now: () => number;
  /** Run checkInvariants() after every op and fail on driver warnings. */
  check: boolean;
  /** Record a state digest after every state-changing op. */
  digests: boolean;
  /** Called when an op fails while the armed fault fired during it (failnth). */
  onInjectedFailure?: (info: InjectedFailure) => void;
  /** Only this op (sequence number) is watched for an injected failure; default every op while armed. */
  watchSeq?: number;
  /** Receives the fault injector's step count after each op, at index seq. */
  stepLog?: number[];
  /** End the run right after event `stopAfter` (0: before the first) by throwing `stop`. */
  stopAfter?: number;
  stop?: StopSentinel;
  /** Record each call in full: position, deltas, values (default true; false: a replay, which keeps only the machine). */
  positions?: boolean;
  /** Source positions of the call sites injected at transpile time (call-sites.ts): [line, column] per site. */
  sites?: Int32Array;
}

export interface InjectedFailure {
  seq: number;
  op: string;
  errno: string;
  /** Digest text before and after the failed op. */
  before: string;
  after: string;
  /** checkInvariants() message right after the failed op, or null when they hold. */
  invariants: string | null;
}

export class FacadeContext {
  readonly registry = new Registry();
  readonly machine: EngineMachine;
  readonly timeline: Timeline;
  readonly locator: SourceLocator;
  private readonly opts: ContextOptions;
  private readonly t0: number;
  /** A failure the scenario cannot catch: --check violations, engine bugs. */
  fatal: ScenarioError | null = null;
  /** Stack of the engine exception behind an EINTERNAL fatal error. */
  internalStack: string | undefined;
  ended = false;
  /** Set once the stopAfter sentinel was thrown: every later lab call throws it again. */
  stopped = false;
  /** File descriptor numbers for iommufd labels (0-2 are stdio). */
  nextFd = 3;
  /** Set once any process mapped memory: configure() is EBUSY from then on. */
  mmapped = false;
  private kernel: Kernel | null = null;
  private pendingWarnings: string[] = [];
  private unsubscribe: (() => void) | null = null;
  private depth = 0;
  /** Counters before and after the op in progress (calls never nest); unfrozen: stores stay fast under lockdown. */
  private readonly before = unfrozen(new Float64Array(COUNTER_NAMES.length));
  private readonly after = unfrozen(new Float64Array(COUNTER_NAMES.length));
  private lastDigest = -1;
  /** The call site the scenario is calling from (set by the injected hook right before each call; -1: consumed). */
  private site = -1;
  private readonly sites: Int32Array;
  /** The sandbox global every instrumented call goes through (call-sites.ts): records the site, returns v. */
  readonly siteHook: (k: unknown, v: unknown) => unknown;

  constructor(opts: ContextOptions) {
    this.opts = opts;
    this.machine = opts.machine;
    this.timeline = opts.timeline;
    this.locator = opts.locator;
    this.t0 = opts.now();
    this.sites = opts.sites ?? new Int32Array(0);
    this.siteHook = harden((k: unknown, v: unknown): unknown => {
      this.site = typeof k === 'number' ? k : -1;
      return v;
    });
  }

  /** ms since the run started, rounded to µs (keeps the timeline compact). */
  elapsed(): number {
    return Math.round((this.opts.now() - this.t0) * 1000) / 1000;
  }

  counters(): Counters {
    return this.machine.kernel.counters;
  }

  /**
   * Where the scenario made the current call: the injected site of the call
   * that just started (consumed, so that a lab method run without call
   * syntax, e.g. as a getter, cannot reuse a stale one), else — or when
   * `fromStack` (property setters: an assignment is not a call) — a stack
   * capture.
   */
  here(fromStack = false): SourcePosition {
    if (this.opts.positions === false) return { line: 0, column: 0 };
    const k = this.site;
    this.site = -1;
    if (!fromStack && k >= 0 && 2 * k + 1 < this.sites.length) {
      return { line: this.sites[2 * k] as number, column: this.sites[2 * k + 1] as number };
    }
    return this.locator.here() ?? { line: 0, column: 0 };
  }

  /** Throw if the run may not continue. */
  guard(): void {
    if (this.fatal) throw this.fatal;
    if (this.stopped) throw this.opts.stop;
    if (this.ended)
      throw new ScenarioError('EINVAL', 'the run has ended: lab calls after the scenario finished', 0, 0);
  }

  private watchKernel(): void {
    const k = this.machine.kernel;
    if (k === this.kernel) return;
    this.unsubscribe?.();
    this.kernel = k;
    this.unsubscribe = k.events.subscribe((e: EngineEvent) => {
      if (e.kind === 'warning') this.pendingWarnings.push(`${e.source}: ${e.message}`);
    });
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /**
   * One API call. `run` gets the copied-in arguments and returns the value
   * for the scenario (engine objects already wrapped by the caller).
   */
  call<R>(
    op: string,
    target: string,
    rawArgs: unknown[],
    kind: OpKind,
    run: (args: unknown[]) => R,
    siteFromStack = false,
  ): R {
    this.guard();
    if (this.depth > 0) {
      throw new LabError('EBUSY', `${op}: lab calls cannot nest inside another lab call`);
    }
    this.watchKernel();
    const tl = this.timeline;
    const stopAfter = this.opts.stopAfter;
    if (stopAfter !== undefined && tl.seq >= stopAfter) {
      this.stopped = true;
      throw this.opts.stop;
    }
    const seq = tl.nextSeq();
    const pos = this.here(siteFromStack);
    // a replay keeps only the machine: no positions, counter deltas or copied-out values
    const lean = this.opts.positions === false;
    if (!lean) this.snapshot(this.counters());
    const faults = this.machine.kernel.faults;
    const watchFault =
      this.opts.onInjectedFailure !== undefined &&
      faults.armed &&
      (this.opts.watchSeq === undefined || this.opts.watchSeq === seq);
    const digestBefore = watchFault ? JSON.stringify(jsonSafe(this.machine.digest(), undefined, FULL)) : '';
    if (this.pendingWarnings.length > 0) this.pendingWarnings = [];
    const t = this.elapsed();
    let result: R | undefined;
    let error: unknown;
    let failed = false;
    let args: unknown[] = [];
    this.depth++;
    try {
      args = this.copyArgs(op, rawArgs);
      result = run(args);
    } catch (e) {
      failed = true;
      error = e;
    } finally {
      this.depth--;
    }
    const dur = Math.round((this.elapsed() - t) * 1000) / 1000;
    const ev: TimelineEvent = {
      seq,
      op,
      target,
      args: lean ? [] : this.summarize(args.length > 0 ? args : rawArgs),
      line: pos.line,
      column: pos.column,
      t,
      dur,
      deltas: lean ? {} : this.deltas(this.counters()),
      digest: -1,
    };
    if (!failed && result !== undefined && !lean) ev.result = jsonSafe(result, this.registry);
    let thrown: unknown;
    if (failed) {
      if (isLabError(error)) {
        ev.errno = error.errno;
        ev.message = error.message;
        thrown = harden(new LabError(error.errno, error.message, copyOut(error.detail)));
        if (watchFault && !faults.armed) {
          const after = JSON.stringify(jsonSafe(this.machine.digest(), undefined, FULL));
          let invariants: string | null = null;
          try {
            this.machine.checkInvariants();
          } catch (e) {
            invariants = e instanceof Error ? e.message : String(e);
          }
          this.opts.onInjectedFailure?.({
            seq,
            op,
            errno: error.errno,
            before: digestBefore,
            after,
            invariants,
          });
        }
      } else {
        const msg = error instanceof Error ? error.message : String(error);
        ev.errno = 'EINTERNAL';
        ev.message = msg;
        this.internalStack = error instanceof Error ? error.stack : undefined;
        this.fatal = new ScenarioError(
          'EINTERNAL',
          `internal engine error in ${op}: ${msg}`,
          pos.line,
          pos.column,
        );
        harden(this.fatal);
        thrown = this.fatal;
      }
    }
    if (this.pendingWarnings.length > 0) ev.warnings = this.pendingWarnings;
    if (this.opts.stepLog) storeAt(this.opts.stepLog, seq, faults.steps);
    if (this.opts.digests && (kind === 'write' || failed || this.lastDigest < 0)) {
      this.lastDigest = tl.digests.addFrom(this.machine);
    }
    ev.digest = this.lastDigest;
    if (this.opts.check && !this.fatal) this.checkAfter(op, pos, ev);
    tl.addEvent(ev);
    if (this.fatal) throw this.fatal;
    if (seq === stopAfter) {
      this.stopped = true;
      throw this.opts.stop;
    }
    if (failed) throw thrown;
    return result as R;
  }

  /**
   * copyIn of each argument; a primitive is its own copy (no `where` text
   * built for it). Options arguments are checked against the signature
   * (signatures.ts): an object of known keys, booleans where declared.
   */
  private copyArgs(op: string, raw: unknown[]): unknown[] {
    // the facade's own array (made for this call) stands for itself while every argument is a primitive
    let out: unknown[] = raw;
    const sig = SIGNATURES[op];
    for (let i = 0; i < raw.length; i++) {
      const a = raw[i];
      const t = typeof a;
      if (a !== null && (t === 'object' || t === 'function' || t === 'symbol')) {
        if (out === raw) out = raw.slice();
        out[i] = copyIn(a, this.registry, `${op}: ${paramName(op, i)}`);
      }
      if (sig?.options?.[i] !== undefined || sig?.records?.[i] !== undefined) checkOptions(op, i, out[i]);
    }
    return out;
  }

  private summarize(args: unknown[]): Json[] {
    // push, not new Array(n) filled by index: the latter is ~30x slower under SES lockdown
    const out: Json[] = [];
    for (let i = 0; i < args.length; i++) out.push(jsonSafe(args[i], this.registry));
    return out;
  }

  private snapshot(c: Counters): void {
    readCounters(c, this.before);
  }

  private deltas(c: Counters): CounterDeltas {
    const d: CounterDeltas = {};
    const a = this.after;
    readCounters(c, a);
    for (let i = 0; i < COUNTER_NAMES.length; i++) {
      const v = a[i] as number;
      const b = this.before[i] as number;
      if (v !== b) {
        const name = COUNTER_NAMES[i] as CounterName;
        d[name] = name === 'tempMemoryPeakBytes' ? v : v - b;
      }
    }
    return d;
  }

  private checkAfter(op: string, pos: SourcePosition, ev: TimelineEvent): void {
    if (ev.warnings !== undefined) {
      this.fatal = new ScenarioError(
        'WARN',
        `--check: driver warning after ${op}: ${ev.warnings[0]}`,
        pos.line,
        pos.column,
      );
      return;
    }
    try {
      this.machine.checkInvariants();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.fatal = new ScenarioError(
        'INVARIANT',
        `--check: invariant violated after ${op}: ${msg}`,
        pos.line,
        pos.column,
      );
    }
  }
}
