import { describe, expect, it, vi } from 'vitest';
import { handlers } from '../../engine/worker/handlers';
import { createServer, type Handlers } from '../../engine/worker/server';
import { APP_METHODS } from '../shared/lab-api';
import { EngineSupervisor, type SpawnWorker, type WorkerLike } from './engine-supervisor';

vi.mock('electron', () => ({}));

type Listener = (arg: never) => void;

/** Handlers for these tests; every other request of the protocol throws. */
function only(h: Partial<Handlers>): Handlers {
  const stub = (): never => {
    throw new Error('not part of this test');
  };
  return { ...Object.fromEntries(Object.keys(APP_METHODS).map((m) => [m, stub])), ...h } as Handlers;
}

/** A worker_threads Worker stand-in running the real protocol server in process. */
class FakeWorker implements WorkerLike {
  readonly listeners: Record<string, Listener[]> = { message: [], error: [], exit: [] };
  terminated = false;
  private readonly server;

  constructor(h: Handlers) {
    this.server = createServer(h, (msg) => {
      const data = structuredClone(msg);
      setTimeout(() => this.emit('message', data), 0);
    });
  }

  postMessage(msg: unknown): void {
    void this.server.handle(structuredClone(msg));
  }

  on(event: string, fn: Listener): this {
    this.listeners[event]?.push(fn);
    return this;
  }

  emit(event: string, arg: unknown): void {
    for (const l of this.listeners[event] ?? []) (l as (a: unknown) => void)(arg);
  }

  async terminate(): Promise<number> {
    this.terminated = true;
    this.emit('exit', 1);
    return 1;
  }
}

function setup(h: Partial<Handlers> = handlers, timeoutMs = 1000) {
  const workers: FakeWorker[] = [];
  const spawn = vi.fn<SpawnWorker>(() => {
    const w = new FakeWorker(only(h));
    workers.push(w);
    return w;
  });
  const sup = new EngineSupervisor(spawn, { timeoutMs, resourceLimits: { maxOldGenerationSizeMb: 64 } });
  return { sup, spawn, workers };
}

describe('engine supervisor', () => {
  it('starts the worker lazily, with resource limits, and answers', async () => {
    const { sup, spawn } = setup();
    expect(spawn).not.toHaveBeenCalled();
    const r = await sup.call('version', {});
    expect(r).toMatchObject({ ok: true, value: { scenarioApi: 1 } });
    expect(spawn).toHaveBeenCalledWith({
      resourceLimits: { maxOldGenerationSizeMb: 64 },
      name: 'pfnlab-engine-1',
    });
    await sup.call('version', {});
    expect(spawn).toHaveBeenCalledTimes(1);
  });

  it('fails calls in flight with ECRASHED when the worker dies, then restarts', async () => {
    const never: Partial<Handlers> = { version: () => new Promise(() => {}) };
    const { sup, spawn, workers } = setup(never);
    const p = sup.call('version', {});
    workers[0]?.emit('error', new Error('heap out of memory'));
    await expect(p).resolves.toMatchObject({ ok: false, error: { errno: 'ECRASHED' } });
    expect(sup.alive).toBe(false);
    void sup.call('version', {});
    expect(spawn).toHaveBeenCalledTimes(2);
    expect(sup.starts).toBe(2);
  });

  it('terminates a worker that exceeds the wall-clock budget (ETIMEDOUT)', async () => {
    const never: Partial<Handlers> = { version: () => new Promise(() => {}) };
    const { sup, workers } = setup(never, 30);
    const r = await sup.call('version', {});
    expect(r).toMatchObject({ ok: false, error: { errno: 'ETIMEDOUT' } });
    expect(workers[0]?.terminated).toBe(true);
    expect(sup.alive).toBe(false);
  });

  it('forwards events and cancels a running request (ECANCELED)', async () => {
    const h: Partial<Handlers> = {
      version: async (_p, ctx) => {
        ctx.emit('log', { level: 'info', message: 'working' });
        await new Promise((r) => setTimeout(r, 20));
        return { engine: 'x', scenarioApi: 1, hardened: ctx.isCancelled() };
      },
    };
    const { sup } = setup(h);
    const events: unknown[] = [];
    let id = -1;
    const p = sup.call('version', {}, { onEvent: (e) => events.push(e.data), onSent: (i) => (id = i) });
    sup.cancel(id);
    await expect(p).resolves.toMatchObject({ ok: false, error: { errno: 'ECANCELED' } });
    expect(events).toEqual([{ level: 'info', message: 'working' }]);
  });

  it('carries engine errors with errno and detail', async () => {
    const h: Partial<Handlers> = {
      version: () => {
        throw Object.assign(new Error('busy'), { errno: 'EBUSY', detail: { ioas: 2 } });
      },
    };
    const { sup } = setup(h);
    await expect(sup.call('version', {})).resolves.toEqual({
      ok: false,
      error: { errno: 'EBUSY', message: 'busy', detail: { ioas: 2 } },
    });
  });

  it('dispose terminates the worker', async () => {
    const { sup, workers } = setup();
    await sup.call('version', {});
    await sup.dispose();
    expect(workers[0]?.terminated).toBe(true);
  });
});
