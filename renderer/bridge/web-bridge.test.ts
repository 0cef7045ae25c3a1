import { describe, expect, it } from 'vitest';
import { handlers } from '../../engine/worker/handlers';
import { createServer } from '../../engine/worker/server';
import { ENGINE_VERSION } from '../../engine/version';
import type { AppMethod, VersionInfo } from '../../electron/shared/lab-api';
import { createWebBridge, type WebWorkerLike } from './web-bridge';

type MessageFn = (ev: { data: unknown }) => void;
type ErrorFn = (ev: { message?: string }) => void;

/** A Web Worker stand-in that runs the real protocol server in process and announces `ready` as entry.ts does. */
function inProcessWorker(log: string[]): WebWorkerLike & { crash(msg: string): void } {
  const onMessage: MessageFn[] = [];
  const onError: ErrorFn[] = [];
  const server = createServer(handlers, (msg) => {
    const data = structuredClone(msg);
    queueMicrotask(() => onMessage.forEach((f) => f({ data })));
  });
  queueMicrotask(() => server.emit('ready', { engine: ENGINE_VERSION, scenarioApi: 1, hardened: false }));
  return {
    postMessage: (m) => void server.handle(structuredClone(m)),
    addEventListener: ((type: 'message' | 'error', fn: never) => {
      (type === 'message' ? onMessage : onError).push(fn);
    }) as WebWorkerLike['addEventListener'],
    terminate: () => log.push('terminate'),
    crash: (message) => onError.forEach((f) => f({ message })),
  };
}

const INFO: VersionInfo = { engine: 'fake-1', scenarioApi: 1, hardened: true };

/**
 * A worker as a real one behaves while a synchronous scenario runs: a `run`
 * of source 'hang' posts one event, then the worker answers nothing ever
 * again (messages that arrive later are only recorded). A `run` of another
 * source answers at once; a `failnth` of source 'slow:N' posts N `progress`
 * events 20 ms apart, then answers.
 */
class FakeWorker implements WebWorkerLike {
  readonly received: { method: string; params: unknown }[] = [];
  terminated = false;
  private busy = false;
  private readonly onMessage: MessageFn[] = [];

  constructor(autoReady = true) {
    if (autoReady) queueMicrotask(() => this.ready());
  }

  ready(): void {
    this.post({ type: 'event', event: 'ready', data: INFO });
  }

  postMessage(raw: unknown): void {
    const m = raw as { type: string; id: number; method: string; params: { source?: string } };
    if (m.type !== 'request') return;
    this.received.push({ method: m.method, params: m.params });
    if (this.busy || this.terminated) return;
    if (m.method === 'version') return this.answer(m.id, { ...INFO, engine: 'from-worker' });
    const src = m.params.source ?? '';
    if (m.method === 'run') {
      this.post({ type: 'event', id: m.id, event: 'runLog', data: { seq: 1, text: 'started' } });
      if (src === 'hang') this.busy = true;
      else this.answer(m.id, { ok: true, ops: 1 });
      return;
    }
    if (m.method === 'failnth') {
      const n = Number(src.split(':')[1] ?? '0');
      let done = 0;
      const tick = (): void => {
        if (this.terminated) return;
        if (done === n) return this.answer(m.id, { points: n });
        done++;
        this.post({ type: 'event', id: m.id, event: 'progress', data: { phase: 'failnth', done } });
        setTimeout(tick, 20);
      };
      setTimeout(tick, 20);
      return;
    }
    this.answer(m.id, { method: m.method });
  }

  addEventListener(type: 'message' | 'error', fn: MessageFn | ErrorFn): void {
    if (type === 'message') this.onMessage.push(fn as MessageFn);
  }

  terminate(): void {
    this.terminated = true;
  }

  private answer(id: number, result: unknown): void {
    this.post({ type: 'response', id, ok: true, result });
  }

  private post(data: unknown): void {
    queueMicrotask(() => {
      if (!this.terminated) this.onMessage.forEach((f) => f({ data }));
    });
  }
}

function fakeBridge(opts: { autoReady?: boolean; timeoutMs?: number } = {}) {
  const workers: FakeWorker[] = [];
  const bridge = createWebBridge(
    () => {
      const w = new FakeWorker(opts.autoReady ?? true);
      workers.push(w);
      return w;
    },
    opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs },
  );
  return { bridge, workers };
}

/** Resolves once the fake worker has received `n` requests. */
async function received(w: FakeWorker | undefined, n: number): Promise<void> {
  for (let i = 0; i < 100 && (w?.received.length ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 1));
  expect(w?.received.length).toBe(n);
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
    await expect(stuck).resolves.toEqual({
      ok: false,
      error: { errno: 'ECRASHED', message: 'engine worker crashed: out of memory' },
    });
    expect(log).toEqual(['terminate']);
    await expect(bridge.call('version', {})).resolves.toMatchObject({ ok: true });
    expect(workers).toHaveLength(2);
  });

  it('stop ends a run that never yields: ECANCELED, events kept, the next call on a fresh worker', async () => {
    const { bridge, workers } = fakeBridge({ autoReady: false });
    const events: unknown[] = [];
    const run = bridge.call('run', { source: 'hang' }, (e) => events.push(e.data));
    workers[0]?.ready();
    await received(workers[0], 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(events).toEqual([{ seq: 1, text: 'started' }]);

    let stopped = false;
    const stop = bridge.stop().then(() => (stopped = true));
    await expect(run).resolves.toEqual({
      ok: false,
      error: { errno: 'ECANCELED', message: 'stopped by the user: the engine was restarted' },
    });
    expect(events).toHaveLength(1);
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    // stop() resolves only once the fresh worker is ready
    await new Promise((r) => setTimeout(r, 5));
    expect(stopped).toBe(false);
    workers[1]?.ready();
    await stop;

    await expect(bridge.call('run', { source: 'ok' })).resolves.toEqual({
      ok: true,
      value: { ok: true, ops: 1 },
    });
    expect(workers[1]?.received.map((r) => r.method)).toEqual(['run']);
    expect(workers).toHaveLength(2);
  });

  it('stop settles every pending call, also one still waiting for the worker to load', async () => {
    const { bridge, workers } = fakeBridge({ autoReady: false });
    const run = bridge.call('run', { source: 'hang' });
    const stop = bridge.stop();
    await expect(run).resolves.toMatchObject({ ok: false, error: { errno: 'ECANCELED' } });
    expect(workers[0]?.received).toEqual([]);
    workers[1]?.ready();
    await stop;
  });

  it('stop with nothing running keeps the worker (and the runs it holds)', async () => {
    const { bridge, workers } = fakeBridge();
    await bridge.stop(); // no worker yet: nothing to do
    expect(workers).toHaveLength(0);
    await bridge.call('run', { source: 'ok' });
    await bridge.stop();
    expect(workers).toHaveLength(1);
    expect(workers[0]?.terminated).toBe(false);
  });

  it('while a scenario runs: version is answered from the ready event, other calls fail EBUSY at once', async () => {
    const { bridge, workers } = fakeBridge();
    const run = bridge.call('run', { source: 'hang' });
    await received(workers[0], 1);
    await expect(bridge.call('version', {})).resolves.toEqual({ ok: true, value: INFO });
    for (const [method, params] of [
      ['run', { source: 'ok' }],
      ['failnth', { source: 'ok' }],
      ['inspect', { runId: 1, step: 0, queries: [] }],
    ] as const) {
      const r = await bridge.call(method as AppMethod, params as never);
      expect(r).toEqual({
        ok: false,
        error: {
          errno: 'EBUSY',
          message: `the engine is running a scenario: stop it or wait for it to finish (${method} refused)`,
        },
      });
    }
    expect(workers[0]?.received.map((r) => r.method)).toEqual(['run']);
    const stop = bridge.stop();
    await expect(run).resolves.toMatchObject({ ok: false, error: { errno: 'ECANCELED' } });
    await stop;
    // not busy any more: version goes to the worker again
    await expect(bridge.call('version', {})).resolves.toMatchObject({
      ok: true,
      value: { engine: 'from-worker' },
    });
  });

  it('a run over its budget fails ETIMEDOUT and the worker is replaced', async () => {
    const { bridge, workers } = fakeBridge();
    const t0 = performance.now();
    const r = await bridge.call('run', { source: 'hang', timeoutMs: 40 });
    const ms = performance.now() - t0;
    expect(r).toEqual({
      ok: false,
      error: { errno: 'ETIMEDOUT', message: 'wall-clock budget of 40 ms exceeded: the run was stopped' },
    });
    expect(ms).toBeGreaterThanOrEqual(39);
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2); // respawned at once
    await expect(bridge.call('run', { source: 'ok' })).resolves.toMatchObject({ ok: true });
    expect(workers).toHaveLength(2);
  });

  it('a worker that never becomes ready cannot hang a call: the budget covers the wait', async () => {
    const { bridge, workers } = fakeBridge({ autoReady: false, timeoutMs: 30 });
    await expect(bridge.call('version', {})).resolves.toMatchObject({
      ok: false,
      error: { errno: 'ETIMEDOUT' },
    });
    expect(workers[0]?.terminated).toBe(true);
    expect(workers[0]?.received).toEqual([]);
  });

  it('applies the default budget to a run without timeoutMs', async () => {
    const { bridge } = fakeBridge({ timeoutMs: 30 });
    await expect(bridge.call('run', { source: 'hang' })).resolves.toMatchObject({
      ok: false,
      error: { errno: 'ETIMEDOUT', message: 'wall-clock budget of 30 ms exceeded: the run was stopped' },
    });
  });

  it('gives failnth its budget per fault-injected run (restarted on progress)', async () => {
    const { bridge } = fakeBridge();
    // 6 runs of 20 ms each: 120 ms in all, never 60 ms without progress
    await expect(bridge.call('failnth', { source: 'slow:6', timeoutMs: 60 } as never)).resolves.toEqual({
      ok: true,
      value: { points: 6 },
    });
    await expect(bridge.call('failnth', { source: 'slow:6', timeoutMs: 10 } as never)).resolves.toMatchObject(
      {
        ok: false,
        error: { errno: 'ETIMEDOUT' },
      },
    );
  });

  it.each([0, -5, 1.5, 2 ** 31, 'soon'])('refuses timeoutMs %s with EINVAL before the worker', async (t) => {
    const { bridge, workers } = fakeBridge();
    await expect(bridge.call('run', { source: 'ok', timeoutMs: t } as never)).resolves.toMatchObject({
      ok: false,
      error: { errno: 'EINVAL' },
    });
    expect(workers).toHaveLength(0);
  });

  it('cancel after a restart does not reach a request of the new worker', async () => {
    const { bridge, workers } = fakeBridge();
    const sent: unknown[] = [];
    const run = bridge.call('run', { source: 'hang' });
    await received(workers[0], 1);
    await bridge.stop();
    await run;
    const w1 = workers[1];
    if (!w1) throw new Error('no second worker');
    const post = w1.postMessage.bind(w1);
    w1.postMessage = (m) => {
      sent.push(m);
      post(m);
    };
    bridge.cancel('run');
    expect(sent).toEqual([]);
  });
});
