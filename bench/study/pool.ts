/**
 * The worker pool: one worker thread per core by default, groups handed out
 * largest first (so the long 16 GiB groups do not finish last), a time
 * limit per group (the worker is terminated, its cells marked 'error', a new
 * worker takes its place).
 *
 * Workers start from source (this file is .ts: a bootstrap registers tsx in
 * the thread, as engine/worker/spawn-node.ts does) or, in the bundled CLI,
 * from the chunk this module was bundled into (the check at the bottom
 * serves groups when that chunk is a worker's entry).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import type { StudyCell } from '../../engine/scenario/study-file';
import { blankCell } from './blank-cell';
import { cellKey, sizeLabel, type GroupSpec } from './spec';
import { serveStudyWorker, type FromWorker, type ToWorker } from './worker';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

function tsxEsmApi(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return new URL(pkg.exports['./esm/api'].import.default, pathToFileURL(pkgPath)).href;
}

function newWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(new URL(import.meta.url), { workerData: { pfnlabStudyWorker: true } });
  const entry = new URL('./worker-entry.ts', import.meta.url).href;
  const bootstrap =
    `import(${JSON.stringify(tsxEsmApi())}).then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true });
}

export interface PoolOptions {
  workers: number;
  /** Per group, ms. */
  timeLimitMs: number;
  onGroup?: (spec: GroupSpec, cells: StudyCell[], ms: number, failed: boolean) => void;
}

export function groupLabel(g: GroupSpec): string {
  return `${g.strategy} ${g.domains}d ${g.backing} ${sizeLabel(g.size)}`;
}

/** Rough cost, for ordering: pages × domains, fragmented backings costing more per page. */
function cost(g: GroupSpec): number {
  const w = g.backing === 'frag-4k' || g.backing.startsWith('layout:') ? 20 : 1;
  return (g.size / 4096) * (g.domains + 1) * w * g.repeats;
}

function failedCells(g: GroupSpec, reason: string): StudyCell[] {
  return g.operations.map((op) => blankCell(g, op, 'error', reason));
}

/** Run every group; resolves with the cells in the groups' order. */
export async function runPool(groups: readonly GroupSpec[], opts: PoolOptions): Promise<StudyCell[]> {
  const queue = [...groups].sort((a, b) => cost(b) - cost(a));
  const results = new Map<number, StudyCell[]>();
  const nworkers = Math.max(1, Math.min(opts.workers, queue.length));

  const lane = async (): Promise<void> => {
    let w: Worker | null = null;
    let ready: Promise<void> = Promise.resolve();
    const start = (): void => {
      const worker = newWorker();
      w = worker;
      ready = new Promise((resolve, reject) => {
        const onMsg = (m: FromWorker): void => {
          if (m.kind === 'ready') {
            worker.off('message', onMsg);
            resolve();
          }
        };
        worker.on('message', onMsg);
        worker.once('error', reject);
      });
    };
    for (;;) {
      const g = queue.shift();
      if (g === undefined) break;
      if (w === null) start();
      const worker = w as unknown as Worker;
      const t0 = performance.now();
      const outcome = await new Promise<{ cells: StudyCell[]; failed: boolean }>((resolve) => {
        let settled = false;
        const finish = (cells: StudyCell[], failed: boolean, restart: boolean): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          worker.off('message', onMsg);
          worker.off('exit', onExit);
          if (restart) {
            void worker.terminate();
            w = null;
          }
          resolve({ cells, failed });
        };
        const onMsg = (m: FromWorker): void => {
          if (m.kind === 'done' && m.index === g.index) finish(m.cells, false, false);
          else if (m.kind === 'failed' && m.index === g.index) finish(failedCells(g, m.message), true, false);
        };
        const onExit = (code: number): void =>
          finish(failedCells(g, `the worker exited (code ${code})`), true, true);
        const timer = setTimeout(
          () =>
            finish(
              failedCells(g, `over the time limit of ${opts.timeLimitMs / 1000} s per group`),
              true,
              true,
            ),
          opts.timeLimitMs,
        );
        worker.on('message', onMsg);
        worker.on('exit', onExit);
        ready.then(
          () => worker.postMessage({ kind: 'group', spec: g } satisfies ToWorker),
          (e: unknown) => finish(failedCells(g, `the worker did not start: ${String(e)}`), true, true),
        );
      });
      results.set(g.index, outcome.cells);
      opts.onGroup?.(g, outcome.cells, performance.now() - t0, outcome.failed);
    }
    const last = w as Worker | null;
    if (last !== null) {
      last.postMessage({ kind: 'exit' } satisfies ToWorker);
      await last.terminate();
    }
  };
  await Promise.all(Array.from({ length: nworkers }, lane));
  const cells: StudyCell[] = [];
  for (const g of groups) cells.push(...(results.get(g.index) ?? []));
  // one cell per key: a defect in the sweep, not in the engine, if not
  const keys = new Set(cells.map(cellKey));
  if (keys.size !== cells.length) throw new Error('study: two cells with the same key');
  return cells;
}

// the bundled CLI starts workers on the chunk holding this module
if (!isMainThread && (workerData as { pfnlabStudyWorker?: boolean } | null)?.pfnlabStudyWorker === true)
  serveStudyWorker();
