import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { BudgetError, WorkerHost } from './worker-host';

const OK = 'const fd = lab.open(); fd.ioasAlloc(); fd.close();';
const MEMORY_MB = 160;

/** Runs `hog`, expects the memory budget error, then a scenario that works. */
async function hogThenOk(host: WorkerHost, hog: string): Promise<number> {
  const t0 = performance.now();
  const p = host.request('run', { source: hog }, { timeoutMs: 60000 });
  await expect(p).rejects.toMatchObject({
    errno: 'EMEMBUDGET',
    message: expect.stringMatching(new RegExp(`memory budget of ${MEMORY_MB} MiB exceeded`)),
  });
  const ms = performance.now() - t0;
  const next = await host.request('run', { source: OK }, { timeoutMs: 30000 });
  expect(next).toMatchObject({ ok: true, ops: 3 });
  return ms;
}

describe('WorkerHost budgets', () => {
  const host = new WorkerHost({ memoryMb: MEMORY_MB });
  afterAll(() => host.close());

  it('kills an infinite loop at the wall-clock budget, then runs the next scenario', async () => {
    const t0 = performance.now();
    const p = host.request('run', { source: 'while (true) {}' }, { timeoutMs: 1500 });
    await expect(p).rejects.toBeInstanceOf(BudgetError);
    await expect(p).rejects.toMatchObject({
      errno: 'ETIMEDOUT',
      message: expect.stringMatching(/wall-clock budget of 1.5 s/),
    });
    expect(performance.now() - t0).toBeLessThan(20000);
    const next = await host.request('run', { source: OK }, { timeoutMs: 30000 });
    expect(next).toMatchObject({ ok: true, ops: 3 });
  });

  // Used to abort the whole test process now and then ("FATAL ERROR: Reached
  // heap limit"): the worker's heap limit was the budget itself, with a 64 MiB
  // young generation whose promotion outgrew Node's 16 MiB of OOM grace.
  it('kills a JS-heap hog at the memory budget, every time, and the host survives', async () => {
    const hog = 'const a = []; for (;;) a.push({ n: a.length, s: "x" + a.length });';
    for (let i = 0; i < 4; i++) await hogThenOk(host, hog);
  });

  it('kills a typed-array hog (memory outside the V8 heap) at the memory budget', async () => {
    await hogThenOk(host, 'const a = []; for (;;) a.push(new Uint8Array(1 << 24).fill(1));');
  });

  it('kills a scenario that writes emulated memory past the budget', async () => {
    const hog =
      'lab.configure({ physicalMemory: 2 ** 36 }); const u = lab.process.mmap(2 ** 34);' +
      ' const d = new Uint8Array(1 << 20).fill(7); for (let o = 0; ; o += d.length) lab.process.write(u + o, d);';
    await hogThenOk(host, hog);
  });

  it('refuses a memory budget below what a worker needs at rest', () => {
    expect(() => new WorkerHost({ memoryMb: 32 })).toThrow(UsageError);
    expect(() => new WorkerHost({ memoryMb: 32 })).toThrow(/below the 96 MiB/);
  });

  it('streams log lines, progress and timeline batches of a run', async () => {
    const seen: string[] = [];
    let streamed = 0;
    const r = await host.request(
      'run',
      {
        source: 'lab.log("hello", 1n); for (let i = 0; i < 1000; i++) lab.pinCount(lab.process.mmap(4096));',
        stream: true,
        digests: false,
      },
      {
        timeoutMs: 30000,
        onEvent: (e) => {
          seen.push(e.event === 'runLog' ? `log:${e.data.text}` : e.event);
          if (e.event === 'timeline') streamed += e.data.events.length;
        },
      },
    );
    expect(r.ok).toBe(true);
    expect(seen[0]).toBe('log:hello 1n');
    expect(seen).toContain('progress');
    expect(streamed).toBe(2000);
    expect(r.timeline.events).toHaveLength(2000);
  });
});
