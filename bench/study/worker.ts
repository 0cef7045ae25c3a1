/**
 * A study worker thread: receives GroupSpecs, runs each (group.ts) and posts
 * its cells back. Started by pool.ts (from source through tsx, or as the
 * bundled chunk in the built CLI). A full GC before every timed section when
 * V8 lets this thread have one.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort } from 'node:worker_threads';
import type { StudyCell } from '../../engine/scenario/study-file';
import { runGroup } from './group';
import type { GroupSpec } from './spec';

export type ToWorker = { kind: 'group'; spec: GroupSpec } | { kind: 'exit' };
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'done'; index: number; cells: StudyCell[]; ms: number }
  | { kind: 'failed'; index: number; message: string };

function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Serve groups on `parentPort` (a no-op on the main thread). */
export function serveStudyWorker(): void {
  const port = parentPort;
  if (isMainThread || port === null) return;
  const gc = gcFunction();
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'exit') {
      port.close();
      return;
    }
    const t0 = performance.now();
    try {
      const cells = runGroup(m.spec, { gc });
      port.postMessage({
        kind: 'done',
        index: m.spec.index,
        cells,
        ms: performance.now() - t0,
      } satisfies FromWorker);
    } catch (e) {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      port.postMessage({ kind: 'failed', index: m.spec.index, message } satisfies FromWorker);
    }
  });
  port.postMessage({ kind: 'ready' } satisfies FromWorker);
}
