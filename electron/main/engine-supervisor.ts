/**
 * Supervises the engine worker in the main process: starts it lazily with
 * resource limits (a runaway scenario kills only its worker), gives every
 * call a wall-clock budget (over budget: the worker is terminated and the
 * call fails ETIMEDOUT), and restarts it after a crash (calls in flight fail
 * ECRASHED; the next call starts a fresh worker). Takes a spawn function, so
 * it is testable without Electron or a real worker.
 */
import type { ResourceLimits } from 'node:worker_threads';
import { EngineClient } from '../../engine/worker/client';
import { EngineError, type EventMessage, type Method, type ParamsOf } from '../../engine/worker/protocol';
import type { LabResult, WireError } from '../shared/lab-api';

/** The part of node:worker_threads' Worker the supervisor uses. */
export interface WorkerLike {
  postMessage(msg: unknown): void;
  on(event: 'message', fn: (data: unknown) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export type SpawnWorker = (opts: { resourceLimits: ResourceLimits; name: string }) => WorkerLike;

export interface SupervisorOptions {
  resourceLimits?: ResourceLimits;
  /** Wall-clock budget of one call, ms. */
  timeoutMs?: number;
  log?: (msg: string) => void;
}

export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = {
  maxOldGenerationSizeMb: 2048,
  maxYoungGenerationSizeMb: 64,
  stackSizeMb: 8,
};

export const DEFAULT_TIMEOUT_MS = 120_000;

interface Running {
  worker: WorkerLike;
  client: EngineClient;
  ended: boolean;
}

export class EngineSupervisor {
  private running: Running | null = null;
  private readonly resourceLimits: ResourceLimits;
  private readonly timeoutMs: number;
  private readonly log: (msg: string) => void;
  /** Workers started so far (1 + restarts). */
  starts = 0;

  constructor(
    private readonly spawn: SpawnWorker,
    opts: SupervisorOptions = {},
  ) {
    this.resourceLimits = opts.resourceLimits ?? DEFAULT_RESOURCE_LIMITS;
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
    const run = this.ensure();
    const budget = opts.timeoutMs ?? this.timeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error: WireError = {
          errno: 'ETIMEDOUT',
          message: `engine call ${method} exceeded ${budget} ms`,
        };
        this.kill(run, error);
        reject(new EngineError(error));
      }, budget);
    });
    try {
      const reqOpts: { onEvent?: (e: EventMessage) => void; onSent?: (id: number) => void } = {};
      if (opts.onEvent) reqOpts.onEvent = opts.onEvent;
      if (opts.onSent) reqOpts.onSent = opts.onSent;
      const value = await Promise.race([run.client.request(method, params, reqOpts), timeout]);
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
    }
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
    const worker = this.spawn({ resourceLimits: this.resourceLimits, name: `pfnlab-engine-${this.starts}` });
    const client = new EngineClient({
      post: (m) => worker.postMessage(m),
      onMessage: (fn) => worker.on('message', fn),
    });
    const run: Running = { worker, client, ended: false };
    worker.on('error', (err) => {
      this.log(`engine worker error: ${err.message}`);
      this.end(run, { errno: 'ECRASHED', message: `engine crashed: ${err.message}` });
    });
    worker.on('exit', (code) => {
      this.end(run, { errno: 'ECRASHED', message: `engine exited with code ${code}` });
    });
    this.running = run;
    return run;
  }

  private end(run: Running, error: WireError): void {
    if (!run.ended) {
      run.ended = true;
      if (this.running === run) this.running = null;
    }
    run.client.failAll(error);
  }

  private kill(run: Running, error: WireError): void {
    this.end(run, error);
    void run.worker.terminate().catch(() => 0);
  }
}
