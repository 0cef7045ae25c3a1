/**
 * Start the engine worker in a Node worker thread, for the CLI and tests (the
 * Electron app starts its own bundled worker). Two ways, decided at build time:
 *
 * - in the CLI built to JavaScript (scripts/build-cli.mjs defines
 *   PFNLAB_BUILT_WORKER), the bundled worker beside it, dist-cli/worker.js;
 * - from source (tsx, vitest), entry.ts with TypeScript loaded by tsx inside
 *   the worker (tsx's `--import` in a worker's execArgv does not register its
 *   hooks on Node 20, so a bootstrap registers them). tsx is resolved from
 *   this file, not from the process's working directory: an eval'd worker
 *   resolves bare names from the cwd, where there is no tsx.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { EngineClient } from './client';

/** Set by scripts/build-cli.mjs: the built worker, relative to the built CLI. */
declare const PFNLAB_BUILT_WORKER: string | undefined;

const BUILT = typeof PFNLAB_BUILT_WORKER === 'string' ? PFNLAB_BUILT_WORKER : null;

export const ENTRY_URL = new URL(BUILT ?? './entry.ts', import.meta.url).href;

export interface NodeEngine {
  worker: Worker;
  client: EngineClient;
  /** Resolves when the worker has announced `ready`. */
  ready: Promise<void>;
  terminate(): Promise<number>;
}

/** tsx's ESM API (`import` condition of `tsx/esm/api`; require.resolve would give its CommonJS twin). */
function tsxEsmApi(): string {
  const pkgPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return new URL(pkg.exports['./esm/api'].import.default, pathToFileURL(pkgPath)).href;
}

function newWorker(resourceLimits: ResourceLimits): Worker {
  if (BUILT) return new Worker(new URL(ENTRY_URL), { resourceLimits });
  const tsx = tsxEsmApi();
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(ENTRY_URL)}); })`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

export function spawnNodeEngine(opts: { resourceLimits?: ResourceLimits } = {}): NodeEngine {
  const worker = newWorker(opts.resourceLimits ?? {});
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
