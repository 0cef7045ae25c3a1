/**
 * Host glue of the worker entry: finds the port to the host in either kind of
 * worker — a browser (Web) Worker, where the global scope posts and receives,
 * or a Node worker thread (Electron main, CLI, tests), where
 * `worker_threads.parentPort` does. No static `node:*` import, so the same
 * entry bundles for the browser.
 */
import type { WorkerToHost } from './protocol';

export interface HostPort {
  post(msg: WorkerToHost, transfer?: ArrayBuffer[]): void;
  /** The one consumer of incoming messages; those that arrived earlier are delivered first. */
  listen(fn: (data: unknown) => void): void;
}

interface WebWorkerScope {
  postMessage(msg: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void;
}

interface NodeParentPort {
  postMessage(msg: unknown, transfer?: ArrayBuffer[]): void;
  on(type: 'message', fn: (data: unknown) => void): void;
}

interface NodeProcess {
  getBuiltinModule?(id: 'node:worker_threads'): { parentPort: NodeParentPort | null } | undefined;
}

/**
 * The host port, listening at once: a browser drops messages that arrive at a
 * worker before it has a listener, and the host may post its first request
 * while the worker is still loading the engine. Early messages are queued
 * until `listen`.
 */
export function findHostPort(): HostPort {
  const raw = rawHostPort();
  let queue: unknown[] | null = [];
  let consumer: ((data: unknown) => void) | null = null;
  raw.listen((data) => {
    if (consumer) consumer(data);
    else queue?.push(data);
  });
  return {
    post: raw.post,
    listen(fn) {
      consumer = fn;
      const early = queue ?? [];
      queue = null;
      for (const d of early) fn(d);
    },
  };
}

function rawHostPort(): HostPort {
  const g = globalThis as { WorkerGlobalScope?: unknown; process?: NodeProcess };
  if (g.WorkerGlobalScope !== undefined) {
    const scope = globalThis as unknown as WebWorkerScope;
    return {
      post: (msg, transfer) => scope.postMessage(msg, transfer ?? []),
      listen: (fn) => scope.addEventListener('message', (ev) => fn(ev.data)),
    };
  }
  const parentPort = g.process?.getBuiltinModule?.('node:worker_threads')?.parentPort;
  if (parentPort) {
    return {
      post: (msg, transfer) => parentPort.postMessage(msg, transfer ?? []),
      listen: (fn) => parentPort.on('message', fn),
    };
  }
  throw new Error('engine worker: not running in a Web Worker or a Node worker thread');
}
