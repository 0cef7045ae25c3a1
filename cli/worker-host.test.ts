import { afterAll, describe, expect, it } from 'vitest';
import { BudgetError, WorkerHost } from './worker-host';

const OK = 'const fd = lab.open(); fd.ioasAlloc(); fd.close();';

describe('WorkerHost budgets', () => {
  const host = new WorkerHost({ memoryMb: 96 });
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

  it('kills a memory hog at the memory budget, then runs the next scenario', async () => {
    const hog = 'const a = []; for (;;) a.push({ n: a.length, s: "x" + a.length });';
    const p = host.request('run', { source: hog }, { timeoutMs: 60000 });
    await expect(p).rejects.toMatchObject({
      errno: 'EMEMBUDGET',
      message: expect.stringMatching(/memory budget of 96 MiB/),
    });
    const next = await host.request('run', { source: OK }, { timeoutMs: 30000 });
    expect(next.ok).toBe(true);
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
