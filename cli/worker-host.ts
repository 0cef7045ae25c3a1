/**
 * Runs engine requests in a Node worker thread with budgets enforced from
 * outside: resourceLimits cap the worker's heap (memory budget) and a
 * watchdog terminates the thread when a request overstays (wall-clock
 * budget) — a scenario stuck in `while (true) {}` never yields, so nothing
 * inside the worker could stop it. After a budget kill the next request gets
 * a fresh worker.
 */
import type { EventMessage, Method, ParamsOf, ResultOf } from '../engine/worker/protocol';
import { spawnNodeEngine, type NodeEngine } from '../engine/worker/spawn-node';

export const DEFAULT_TIMEOUT_S = 30;
export const DEFAULT_MEMORY_MB = 2048;

/** A request stopped by the host: which budget, in words. */
export class BudgetError extends Error {
  constructor(
    readonly errno: 'ETIMEDOUT' | 'EMEMBUDGET' | 'ECRASHED',
    message: string,
  ) {
    super(message);
    this.name = 'BudgetError';
  }
}

export interface HostOptions {
  /** Worker heap limit in MiB (maxOldGenerationSizeMb). */
  memoryMb?: number;
}

export interface CallOptions {
  /** Wall-clock budget in ms. */
  timeoutMs: number;
  /** Restart the budget on every `progress` event (failnth: budget per run). */
  perProgress?: boolean;
  onEvent?: (e: EventMessage) => void;
}

export class WorkerHost {
  private engine: NodeEngine | null = null;
  private readonly memoryMb: number;
  /** ms from spawn to `ready` of the last worker started. */
  startMs = 0;

  constructor(opts: HostOptions = {}) {
    this.memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
  }

  private async ensure(): Promise<NodeEngine> {
    if (this.engine) return this.engine;
    const t0 = performance.now();
    const engine = spawnNodeEngine({
      resourceLimits: {
        maxOldGenerationSizeMb: this.memoryMb,
        maxYoungGenerationSizeMb: Math.min(64, this.memoryMb),
      },
    });
    this.engine = engine;
    engine.worker.once('exit', () => {
      if (this.engine === engine) this.engine = null;
    });
    await engine.ready;
    this.startMs = performance.now() - t0;
    return engine;
  }

  async request<M extends Method>(method: M, params: ParamsOf<M>, opts: CallOptions): Promise<ResultOf<M>> {
    const engine = await this.ensure();
    return new Promise<ResultOf<M>>((resolve, reject) => {
      let failure: BudgetError | null = null;
      let timer: NodeJS.Timeout | undefined;
      const stop = (e: BudgetError): void => {
        if (failure) return;
        failure = e;
        clearTimeout(timer);
        if (this.engine === engine) this.engine = null;
        void engine.terminate();
        reject(e);
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            stop(
              new BudgetError(
                'ETIMEDOUT',
                `wall-clock budget of ${fmtSeconds(opts.timeoutMs)} exceeded: the run was stopped`,
              ),
            ),
          opts.timeoutMs,
        );
      };
      const onError = (e: Error & { code?: string }): void => {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          stop(
            new BudgetError(
              'EMEMBUDGET',
              `memory budget of ${this.memoryMb} MiB exceeded: the run was stopped`,
            ),
          );
        } else {
          stop(new BudgetError('ECRASHED', `engine worker crashed: ${e.message}`));
        }
      };
      const onExit = (code: number): void => {
        stop(new BudgetError('ECRASHED', `engine worker exited (${code})`));
      };
      engine.worker.on('error', onError);
      engine.worker.on('exit', onExit);
      const cleanup = (): void => {
        clearTimeout(timer);
        engine.worker.off('error', onError);
        engine.worker.off('exit', onExit);
      };
      arm();
      engine.client
        .request(method, params, {
          onEvent: (e) => {
            if (opts.perProgress && e.event === 'progress') arm();
            opts.onEvent?.(e);
          },
        })
        .then(
          (r) => {
            cleanup();
            if (!failure) resolve(r);
          },
          (e: unknown) => {
            // an OOM error event and the client's rejection race: let 'error' win
            setImmediate(() => {
              cleanup();
              if (!failure) reject(e);
            });
          },
        );
    });
  }

  /** Terminate the worker (the CLI calls this before exiting). */
  async close(): Promise<void> {
    const e = this.engine;
    this.engine = null;
    if (e) await e.terminate();
  }
}

function fmtSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
