import { describe, expect, it, vi } from 'vitest';
import { handlers } from '../../engine/worker/handlers';
import { createServer, type Handlers } from '../../engine/worker/server';
import { spawnNodeEngine } from '../../engine/worker/spawn-node';
import { hardLimits } from '../../engine/worker/memory-budget';
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
  const mem = { rss: 500 * 2 ** 20, tick: (): void => {} };
  const sup = new EngineSupervisor(spawn, {
    timeoutMs,
    memoryMb: 128,
    rss: () => mem.rss,
    timers: {
      setInterval: (fn) => {
        mem.tick = fn;
        return 1;
      },
      clearInterval: () => {
        mem.tick = () => {};
      },
    },
  });
  return { sup, spawn, workers, mem };
}

describe('engine supervisor', () => {
  it('starts the worker lazily, with resource limits, and answers', async () => {
    const { sup, spawn } = setup();
    expect(spawn).not.toHaveBeenCalled();
    const r = await sup.call('version', {});
    expect(r).toMatchObject({ ok: true, value: { scenarioApi: 1 } });
    expect(spawn).toHaveBeenCalledWith({ resourceLimits: hardLimits(128), name: 'pfnlab-engine-1' });
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
    await vi.waitFor(() => expect(spawn).toHaveBeenCalledTimes(2));
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

  it('terminates a worker past its memory budget (EMEMBUDGET), then restarts', async () => {
    const never: Partial<Handlers> = { version: () => new Promise(() => {}) };
    const { sup, spawn, workers, mem } = setup(never);
    const p = sup.call('version', {});
    mem.rss += 100 * 2 ** 20;
    mem.tick();
    expect(sup.alive).toBe(true);
    mem.rss += 40 * 2 ** 20;
    mem.tick();
    await expect(p).resolves.toMatchObject({
      ok: false,
      error: {
        errno: 'EMEMBUDGET',
        message: 'memory budget of 128 MiB exceeded (140 MiB in use): the run was stopped',
      },
    });
    expect(workers[0]?.terminated).toBe(true);
    void sup.call('version', {});
    await vi.waitFor(() => expect(spawn).toHaveBeenCalledTimes(2));
  });

  it('reports a V8 heap-limit termination as EMEMBUDGET', async () => {
    const never: Partial<Handlers> = { version: () => new Promise(() => {}) };
    const { sup, workers } = setup(never);
    const p = sup.call('version', {});
    workers[0]?.emit(
      'error',
      Object.assign(new Error('JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }),
    );
    await expect(p).resolves.toMatchObject({ ok: false, error: { errno: 'EMEMBUDGET' } });
  });

  it('refuses a memory budget below what a worker needs at rest', () => {
    expect(() => new EngineSupervisor(vi.fn<SpawnWorker>(), { memoryMb: 16 })).toThrow(/below the 96 MiB/);
  });

  it('with a real worker: stops JS-heap and typed-array hogs at the budget, the process survives', async () => {
    const spawn: SpawnWorker = (o) => {
      const e = spawnNodeEngine({ resourceLimits: o.resourceLimits });
      e.ready.catch(() => {}); // the supervisor's own client sees the exit
      return e.worker;
    };
    const sup = new EngineSupervisor(spawn, {
      memoryMb: 160,
      rss: () => process.memoryUsage.rss(),
      timeoutMs: 60000,
    });
    const ok = { source: 'const fd = lab.open(); fd.ioasAlloc(); fd.close();' };
    const hogs = [
      'const a = []; for (;;) a.push({ n: a.length, s: "x" + a.length });',
      'const a = []; for (;;) a.push(new Uint8Array(1 << 24).fill(1));',
    ];
    for (const source of [...hogs, ...hogs]) {
      await expect(sup.call('run', { source })).resolves.toMatchObject({
        ok: false,
        error: { errno: 'EMEMBUDGET', message: expect.stringMatching(/memory budget of 160 MiB exceeded/) },
      });
      await expect(sup.call('run', ok)).resolves.toMatchObject({ ok: true, value: { ok: true } });
    }
    await sup.dispose();
  });

  it('dispose terminates the worker', async () => {
    const { sup, workers } = setup();
    await sup.call('version', {});
    await sup.dispose();
    expect(workers[0]?.terminated).toBe(true);
  });
});
