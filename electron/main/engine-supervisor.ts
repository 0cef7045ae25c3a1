/**
 * Supervises the engine worker in the main process: starts it lazily under a
 * memory budget (a memory watch on the process RSS terminates it past the
 * budget, heap and typed arrays alike, and the call fails EMEMBUDGET; V8
 * resource limits stay as a backstop — see engine/worker/memory-budget.ts),
 * gives every call a wall-clock budget (`run`/`failnth`: `params.timeoutMs`;
 * over budget: the worker is terminated and the call fails ETIMEDOUT), and
 * restarts it after a crash (calls in flight fail ECRASHED; the next call
 * starts a fresh worker). `stop()` terminates a busy worker (pending calls
 * fail ECANCELED) and starts a fresh one. While a scenario runs, `version` is
 * answered from the worker's `ready` event and other calls fail EBUSY at
 * once (electron/shared/engine-rules.ts). Requests are sent once the worker
 * is ready. Takes a spawn function, so it is testable without Electron or a
 * real worker.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { EngineClient } from '../../engine/worker/client';
import {
  budgetMessage,
  budgetProblem,
  hardLimits,
  MemoryWatch,
  type MemoryWatchOptions,
} from '../../engine/worker/memory-budget';
import {
  EngineError,
  type EventMessage,
  type Method,
  type ParamsOf,
  type VersionInfo,
} from '../../engine/worker/protocol';
import {
  busyError,
  isScenarioMethod,
  requestedTimeout,
  stoppedError,
  timeoutError,
} from '../shared/engine-rules';
import type { LabResult, WireError } from '../shared/lab-api';

/** The part of node:worker_threads' Worker the supervisor uses. */
export interface WorkerLike {
  postMessage(msg: unknown): void;
  on(event: 'message', fn: (data: unknown) => void): unknown;
  on(event: 'error', fn: (err: Error & { code?: string }) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export type SpawnWorker = (opts: { resourceLimits: ResourceLimits; name: string }) => WorkerLike;

export interface SupervisorOptions {
  /** Memory budget of the worker, MiB (RSS growth since its spawn); at least MIN_MEMORY_MB. */
  memoryMb?: number;
  /** RSS sampler of this process, bytes (process.memoryUsage.rss); without it only the V8 backstop applies. */
  rss?: () => number;
  /** Timer hooks of the memory watch (tests). */
  timers?: Pick<MemoryWatchOptions, 'setInterval' | 'clearInterval'>;
  /** Wall-clock budget of one call without `params.timeoutMs`, ms. */
  timeoutMs?: number;
  log?: (msg: string) => void;
}

export const DEFAULT_MEMORY_MB = 2048;

export const DEFAULT_TIMEOUT_MS = 120_000;

interface Running {
  worker: WorkerLike;
  client: EngineClient;
  /** Why the worker was ended; null while it lives. */
  ended: WireError | null;
  watch: MemoryWatch | null;
  /** Settles when the worker announced `ready`, or ended before that. */
  ready: Promise<void>;
  markReady: () => void;
  /** Calls admitted on this worker and not settled; how many of them run a scenario. */
  calls: number;
  scenarios: number;
}

export class EngineSupervisor {
  private running: Running | null = null;
  private readonly memoryMb: number;
  private readonly resourceLimits: ResourceLimits;
  private readonly timeoutMs: number;
  private readonly log: (msg: string) => void;
  /** Workers started so far (1 + restarts). */
  starts = 0;
  /** The last killed worker's exit: the next one starts after it (its memory freed, a clean RSS baseline). */
  private dying: Promise<void> | null = null;
  /** The version the latest worker announced in `ready` (static per build). */
  private info: VersionInfo | null = null;

  /** Throws RangeError for a memory budget below MIN_MEMORY_MB. */
  constructor(
    private readonly spawn: SpawnWorker,
    private readonly opts: SupervisorOptions = {},
  ) {
    this.memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
    const problem = budgetProblem(this.memoryMb);
    if (problem) throw new RangeError(problem);
    this.resourceLimits = hardLimits(this.memoryMb);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log = opts.log ?? (() => {});
  }

  /**
   * One engine request under the budget. Never rejects. `onSent` receives the
   * engine request id, for `cancel`.
   */
  async call<M extends Method>(
    method: M,
    params: ParamsOf<M>,
    opts: { onEvent?: (e: EventMessage) => void; onSent?: (id: number) => void; timeoutMs?: number } = {},
  ): Promise<LabResult<unknown>> {
    const asked = requestedTimeout(method, params);
    if (typeof asked === 'object') return { ok: false, error: asked };
    if (this.dying && !this.alive) await this.dying;
    const busy = this.running && !this.running.ended && this.running.scenarios > 0 ? this.running : null;
    if (busy) {
      if (method !== 'version') return { ok: false, error: busyError(method) };
      if (!this.info) await busy.ready;
      if (this.info) return { ok: true, value: this.info };
      return { ok: false, error: busy.ended ?? busyError(method) };
    }
    const run = this.ensure();
    const scenario = isScenarioMethod(method);
    run.calls++;
    if (scenario) run.scenarios++;
    const budget = asked ?? opts.timeoutMs ?? this.timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => this.kill(run, timeoutError(budget)), budget);
    };
    arm();
    try {
      await run.ready;
      if (run.ended) throw new EngineError(run.ended);
      const reqOpts: { onEvent: (e: EventMessage) => void; onSent?: (id: number) => void } = {
        onEvent: (e) => {
          if (method === 'failnth' && e.event === 'progress') arm(); // budget per fault-injected run
          opts.onEvent?.(e);
        },
      };
      if (opts.onSent) reqOpts.onSent = opts.onSent;
      const value = await run.client.request(method, params, reqOpts);
      return { ok: true, value };
    } catch (e) {
      if (e instanceof EngineError) {
        const error: WireError = { errno: e.errno, message: e.message };
        if (e.detail !== undefined) error.detail = e.detail;
        return { ok: false, error };
      }
      return {
        ok: false,
        error: { errno: 'EINTERNAL', message: e instanceof Error ? e.message : String(e) },
      };
    } finally {
      clearTimeout(timer);
      run.calls--;
      if (scenario) run.scenarios--;
    }
  }

  /**
   * Stop whatever the engine is doing: a worker with calls in flight is
   * terminated (they fail ECANCELED at once — a `while (true) {}` never
   * yields, so nothing inside the worker could stop it) and a fresh one
   * started; resolves when that one is ready. An idle worker is kept (with
   * the runs it holds).
   */
  async stop(): Promise<void> {
    const run = this.running;
    if (run && !run.ended) {
      if (run.calls === 0) return run.ready;
      this.log('engine worker stopped by the user');
      this.kill(run, stoppedError());
    } else if (!this.dying) {
      return;
    }
    if (this.dying) await this.dying;
    await this.ensure().ready;
  }

  /** Ask the engine to cancel request `id` of the current worker. */
  cancel(id: number): void {
    if (this.running && !this.running.ended) this.running.client.cancel(id);
  }

  /** Terminate the worker (app quit). Calls in flight fail ECRASHED. */
  async dispose(): Promise<void> {
    const run = this.running;
    if (run) this.kill(run, { errno: 'ECRASHED', message: 'engine stopped' });
  }

  get alive(): boolean {
    return this.running !== null && !this.running.ended;
  }

  private ensure(): Running {
    if (this.running && !this.running.ended) return this.running;
    this.starts++;
    const rss = this.opts.rss;
    const watch = rss
      ? new MemoryWatch({
          budgetMb: this.memoryMb,
          rss,
          ...this.opts.timers,
          onExceeded: (usedMb) => {
            this.log(`engine worker over its memory budget: ${usedMb} MiB of ${this.memoryMb}`);
            this.kill(run, { errno: 'EMEMBUDGET', message: budgetMessage(this.memoryMb, usedMb) });
          },
        })
      : null;
    watch?.start();
    const worker = this.spawn({ resourceLimits: this.resourceLimits, name: `pfnlab-engine-${this.starts}` });
    const client = new EngineClient({
      post: (m) => worker.postMessage(m),
      onMessage: (fn) => worker.on('message', fn),
    });
    let markReady = (): void => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const run: Running = { worker, client, ended: null, watch, ready, markReady, calls: 0, scenarios: 0 };
    client.onEvent((e) => {
      if (e.event === 'ready' && !run.ended) {
        this.info = e.data;
        run.markReady();
      }
    });
    worker.on('error', (err) => {
      this.log(`engine worker error: ${err.message}`);
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.end(run, { errno: 'EMEMBUDGET', message: budgetMessage(this.memoryMb) });
      } else {
        this.end(run, { errno: 'ECRASHED', message: `engine crashed: ${err.message}` });
      }
    });
    worker.on('exit', (code) => {
      this.end(run, { errno: 'ECRASHED', message: `engine exited with code ${code}` });
    });
    this.running = run;
    return run;
  }

  /** The first end of a worker wins: its error is what its calls fail with. */
  private end(run: Running, error: WireError): void {
    if (run.ended) return;
    run.ended = error;
    run.watch?.stop();
    if (this.running === run) this.running = null;
    run.client.failAll(error);
    run.markReady();
  }

  private kill(run: Running, error: WireError): void {
    if (run.ended) return;
    this.end(run, error);
    const dying: Promise<void> = run.worker
      .terminate()
      .catch(() => 0)
      .then(() => {
        if (this.dying === dying) this.dying = null;
      });
    this.dying = dying;
  }
}
