/**
 * The memory budget of an engine worker thread, enforced from the host (CLI
 * worker-host, Electron supervisor). Host glue with no `node:*` import: the
 * host passes its clock-free sampler (`process.memoryUsage.rss`).
 *
 * Why not `resourceLimits` alone:
 * - They cap only the V8 heap. Typed arrays (the engine's frame metadata and
 *   page contents, or a scenario's `new Uint8Array(n)`) live outside it, so a
 *   typed-array hog grows the process without bound.
 * - Reaching the heap limit is not always a clean worker termination: Node
 *   grants the worker's near-heap-limit callback 16 MiB of grace and asks the
 *   isolate to stop, and when a GC (e.g. a scavenge promoting a large young
 *   generation of live objects) needs more than that grace, V8 reports
 *   "FATAL ERROR: Reached heap limit" and aborts the WHOLE process.
 *
 * So the budget is a soft one, watched from outside the worker, where a
 * synchronous `for (;;)` inside it cannot stop the watch: the host samples
 * the process RSS (heap and typed arrays alike) and terminates the worker
 * once RSS has grown past the budget since the worker was spawned. The V8
 * limits stay as a backstop, set well above the budget (so the watch trips
 * first) and with a small young generation (so even the backstop, if ever
 * reached, rarely needs more than Node's grace).
 */

/** Smallest budget accepted: a worker (tsx, SES, engine, a default machine) needs ~50 MiB of RSS at rest. */
export const MIN_MEMORY_MB = 96;

/** How often the host samples RSS, ms. A hog filling memory at 5 GB/s overshoots by ~100 MiB. */
export const SAMPLE_MS = 20;

/** Young generation of the worker, MiB: small, so that a scavenge never promotes more than Node's 16 MiB of OOM grace. */
export const YOUNG_GENERATION_MB = 8;

/** The subset of node:worker_threads' ResourceLimits set here. */
export interface HardLimits {
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
  stackSizeMb: number;
}

/** A budget below the minimum, in words the user can act on; null when it is fine. */
export function budgetProblem(budgetMb: number): string | null {
  if (!Number.isFinite(budgetMb) || budgetMb < MIN_MEMORY_MB) {
    return `memory budget ${budgetMb} MiB is below the ${MIN_MEMORY_MB} MiB an engine worker needs at rest`;
  }
  return null;
}

/** V8 limits of a worker with a budget of `budgetMb`: a backstop behind the RSS watch. */
export function hardLimits(budgetMb: number): HardLimits {
  return {
    maxOldGenerationSizeMb: Math.ceil(budgetMb * 1.5) + 64,
    maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
    stackSizeMb: 4,
  };
}

export function budgetMessage(budgetMb: number, usedMb?: number): string {
  const used = usedMb === undefined ? '' : ` (${usedMb} MiB in use)`;
  return `memory budget of ${budgetMb} MiB exceeded${used}: the run was stopped`;
}

export interface MemoryWatchOptions {
  budgetMb: number;
  /** Resident set size of the process, bytes. */
  rss: () => number;
  /** Called once, from a timer, when the budget is exceeded; the watch has stopped. */
  onExceeded: (usedMb: number) => void;
  intervalMs?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/**
 * Watches one worker: RSS growth since `start()` (call it right before the
 * worker is spawned) against the budget.
 */
export class MemoryWatch {
  private handle: unknown = null;
  private base = 0;
  /** Largest growth seen, MiB. */
  peakMb = 0;

  constructor(private readonly o: MemoryWatchOptions) {}

  start(): void {
    this.stop();
    this.base = this.o.rss();
    this.peakMb = 0;
    const every = this.o.setInterval ?? ((fn, ms) => unref(setInterval(fn, ms)));
    this.handle = every(() => this.sample(), this.o.intervalMs ?? SAMPLE_MS);
  }

  /** One sample (the timer's job; public for tests). */
  sample(): void {
    if (this.handle === null) return;
    const usedMb = Math.max(0, Math.round((this.o.rss() - this.base) / 2 ** 20));
    this.peakMb = Math.max(this.peakMb, usedMb);
    if (usedMb > this.o.budgetMb) {
      this.stop();
      this.o.onExceeded(usedMb);
    }
  }

  stop(): void {
    if (this.handle === null) return;
    const clear = this.o.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>));
    clear(this.handle);
    this.handle = null;
  }

  get running(): boolean {
    return this.handle !== null;
  }
}

function unref<T>(h: T): T {
  const u = h as { unref?: () => void };
  if (typeof u.unref === 'function') u.unref();
  return h;
}
