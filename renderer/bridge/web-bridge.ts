/**
 * Browser mode's LabApi: the engine runs in a Web Worker (the same entry the
 * desktop app runs in a Node worker thread), spoken to with the same
 * protocol client. A crashed worker fails its calls ECRASHED; the next call
 * starts a new one.
 */
import { EngineClient } from '../../engine/worker/client';
import { EngineError } from '../../engine/worker/protocol';
import EngineWorker from '../../engine/worker/entry?worker';
import { isAppMethod, type AppMethod, type LabApi, type LabResult } from '../../electron/shared/lab-api';

/** The part of a DOM Worker the bridge uses. */
export interface WebWorkerLike {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'error', fn: (ev: { message?: string }) => void): void;
  terminate(): void;
}

export function createWebBridge(spawn: () => WebWorkerLike = () => new EngineWorker()): LabApi {
  let current: { worker: WebWorkerLike; client: EngineClient } | null = null;
  const latest = new Map<AppMethod, number>();

  const ensure = (): EngineClient => {
    if (current) return current.client;
    const worker = spawn();
    const client = new EngineClient({
      post: (m) => worker.postMessage(m),
      onMessage: (fn) => worker.addEventListener('message', (ev) => fn(ev.data)),
    });
    const run = { worker, client };
    worker.addEventListener('error', (ev) => {
      if (current === run) current = null;
      worker.terminate();
      client.failAll({
        errno: 'ECRASHED',
        message: `engine worker crashed: ${ev.message ?? 'unknown error'}`,
      });
    });
    current = run;
    return client;
  };

  return {
    host: 'web',
    async call(method, params, onEvent) {
      if (!isAppMethod(method)) {
        return { ok: false, error: { errno: 'EINVAL', message: `unknown method ${String(method)}` } };
      }
      try {
        const opts = {
          onSent: (id: number) => latest.set(method, id),
          ...(onEvent ? { onEvent } : {}),
        };
        const value = await ensure().request(method, params, opts);
        return { ok: true, value } as LabResult<never>;
      } catch (e) {
        if (e instanceof EngineError) {
          return { ok: false, error: { errno: e.errno, message: e.message, detail: e.detail } };
        }
        return {
          ok: false,
          error: { errno: 'EINTERNAL', message: e instanceof Error ? e.message : String(e) },
        };
      }
    },
    cancel(method) {
      const id = latest.get(method);
      if (id !== undefined && current) current.client.cancel(id);
    },
  };
}
