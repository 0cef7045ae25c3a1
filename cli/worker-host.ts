/**
 * Runs engine requests in a Node worker thread with budgets enforced from
 * outside: a memory watch terminates the thread once the process RSS has
 * grown past the memory budget (heap and typed arrays alike; V8 limits stay
 * as a backstop, see engine/worker/memory-budget.ts) and a watchdog
 * terminates it when a request overstays (wall-clock budget) — a scenario
 * stuck in `while (true) {}` never yields, so nothing inside the worker could
 * stop it. After a budget kill the next request gets a fresh worker.
 */
import { UsageError } from './args';
import { budgetMessage, budgetProblem, hardLimits, MemoryWatch } from '../engine/worker/memory-budget';
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
  /** Memory budget of the worker in MiB (RSS growth since it was spawned); at least MIN_MEMORY_MB. */
  memoryMb?: number;
  /** RSS sampler (tests); default process.memoryUsage.rss. */
  rss?: () => number;
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
  private readonly watch: MemoryWatch;
  /** Stops the request in flight when the memory watch trips. */
  private onOverBudget: ((usedMb: number) => void) | null = null;
  /** The last terminated worker's exit: the next one starts after it (its memory freed, a clean RSS baseline). */
  private dying: Promise<unknown> = Promise.resolve();
  /** ms from spawn to `ready` of the last worker started. */
  startMs = 0;

  /** Throws UsageError for a budget below MIN_MEMORY_MB. */
  constructor(opts: HostOptions = {}) {
    this.memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
    const problem = budgetProblem(this.memoryMb);
    if (problem) throw new UsageError(problem);
    this.watch = new MemoryWatch({
      budgetMb: this.memoryMb,
      rss: opts.rss ?? (() => process.memoryUsage.rss()),
      onExceeded: (usedMb) => {
        const engine = this.engine;
        this.engine = null;
        if (this.onOverBudget) this.onOverBudget(usedMb);
        else if (engine) this.kill(engine);
      },
    });
  }

  /** Largest RSS growth seen under the current (or last) worker, MiB. */
  get peakMb(): number {
    return this.watch.peakMb;
  }

  private async ensure(): Promise<NodeEngine> {
    if (this.engine) return this.engine;
    await this.dying;
    if (this.engine) return this.engine;
    const t0 = performance.now();
    this.watch.start();
    const engine = spawnNodeEngine({ resourceLimits: hardLimits(this.memoryMb) });
    this.engine = engine;
    engine.worker.once('exit', () => {
      if (this.engine === engine) {
        this.engine = null;
        this.watch.stop();
      }
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
        if (this.engine === engine) {
          this.engine = null;
          this.watch.stop();
        }
        this.kill(engine);
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
      const overBudget = (usedMb: number): void =>
        stop(new BudgetError('EMEMBUDGET', budgetMessage(this.memoryMb, usedMb)));
      this.onOverBudget = overBudget;
      const onError = (e: Error & { code?: string }): void => {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          stop(new BudgetError('EMEMBUDGET', budgetMessage(this.memoryMb)));
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
        if (this.onOverBudget === overBudget) this.onOverBudget = null;
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

  private kill(engine: NodeEngine): void {
    this.dying = engine.terminate().catch(() => 0);
  }

  /** Terminate the worker (the CLI calls this before exiting). */
  async close(): Promise<void> {
    const e = this.engine;
    this.engine = null;
    this.watch.stop();
    if (e) await e.terminate();
  }
}

function fmtSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
