/**
 * Start the engine worker from source in a Node worker thread, TypeScript
 * loaded by tsx inside the worker (tsx's `--import` in a worker's execArgv
 * does not register its hooks on Node 20, so the bootstrap registers them).
 * For tests and the CLI; the Electron app starts the bundled worker instead.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { EngineClient } from './client';

export const ENTRY_URL = new URL('./entry.ts', import.meta.url).href;

export interface NodeEngine {
  worker: Worker;
  client: EngineClient;
  /** Resolves when the worker has announced `ready`. */
  ready: Promise<void>;
  terminate(): Promise<number>;
}

export function spawnNodeEngine(opts: { resourceLimits?: ResourceLimits } = {}): NodeEngine {
  const bootstrap =
    `import('tsx/esm/api').then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(ENTRY_URL)}); })`;
  const worker = new Worker(bootstrap, { eval: true, resourceLimits: opts.resourceLimits ?? {} });
  const client = new EngineClient({
    post: (m) => worker.postMessage(m),
    onMessage: (fn) => worker.on('message', fn),
  });
  const ready = new Promise<void>((resolve, reject) => {
    const off = client.onEvent((e) => {
      if (e.event === 'ready') {
        off();
        resolve();
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`engine worker exited with code ${code} before ready`)));
  });
  worker.on('error', (e) => client.failAll({ errno: 'ECRASHED', message: e.message }));
  worker.on('exit', (code) =>
    client.failAll({ errno: 'ECRASHED', message: `engine worker exited (${code})` }),
  );
  return { worker, client, ready, terminate: () => worker.terminate() };
}
