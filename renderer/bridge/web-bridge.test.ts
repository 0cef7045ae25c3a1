import { describe, expect, it } from 'vitest';
import { handlers } from '../../engine/worker/handlers';
import { createServer } from '../../engine/worker/server';
import { ENGINE_VERSION } from '../../engine/version';
import type { AppMethod } from '../../electron/shared/lab-api';
import { createWebBridge, type WebWorkerLike } from './web-bridge';

/** A Web Worker stand-in that runs the real protocol server in process. */
function inProcessWorker(log: string[]): WebWorkerLike & { crash(msg: string): void } {
  const onMessage: ((ev: { data: unknown }) => void)[] = [];
  const onError: ((ev: { message?: string }) => void)[] = [];
  const server = createServer(handlers, (msg) => {
    const data = structuredClone(msg);
    queueMicrotask(() => onMessage.forEach((f) => f({ data })));
  });
  return {
    postMessage: (m) => void server.handle(structuredClone(m)),
    addEventListener: ((type: 'message' | 'error', fn: never) => {
      (type === 'message' ? onMessage : onError).push(fn);
    }) as WebWorkerLike['addEventListener'],
    terminate: () => log.push('terminate'),
    crash: (message) => onError.forEach((f) => f({ message })),
  };
}

describe('web bridge', () => {
  it('serves version through the worker protocol', async () => {
    const log: string[] = [];
    const bridge = createWebBridge(() => inProcessWorker(log));
    expect(bridge.host).toBe('web');
    const r = await bridge.call('version', {});
    expect(r).toEqual({ ok: true, value: { engine: ENGINE_VERSION, scenarioApi: 1, hardened: false } });
  });

  it('refuses methods the app may not call', async () => {
    const bridge = createWebBridge(() => inProcessWorker([]));
    const r = await bridge.call('nope' as AppMethod, {});
    expect(r).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
  });

  it('fails calls of a crashed worker with ECRASHED and starts a new one', async () => {
    const log: string[] = [];
    const workers: ReturnType<typeof inProcessWorker>[] = [];
    const bridge = createWebBridge(() => {
      const w = inProcessWorker(log);
      workers.push(w);
      return w;
    });
    const stuck = bridge.call('version', {});
    workers[0]?.crash('out of memory');
    // The in-process server answers on a microtask; the crash came first.
    await expect(stuck).resolves.toMatchObject({ ok: false, error: { errno: 'ECRASHED' } });
    expect(log).toEqual(['terminate']);
    await expect(bridge.call('version', {})).resolves.toMatchObject({ ok: true });
    expect(workers).toHaveLength(2);
  });
});
