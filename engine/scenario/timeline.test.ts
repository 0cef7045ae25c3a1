import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { runScenario } from './runner';
import { fakeMachineFactory } from './testing/fake-machine';

describe('timeline', () => {
  it('records args, results, errors, deltas, marks, spans and logs', async () => {
    const { result } = await runScenario(fakeMachineFactory, {
      source: `
        const fd = lab.open();
        const io = fd.ioasAlloc();
        const buf = lab.process.mmap(8192);
        lab.mark('mapped soon');
        const d = lab.measure('two maps', () => {
          io.map(buf, 4096, { iova: 0x1000000n });
          io.map(buf, 4096, { iova: 0x1000000n + 4096n });
        });
        lab.log('delta', d.iommuMapCalls, lab.counters().iommuMapCalls);
        try { io.unmap(5, 5) } catch (e) { console.warn(e) }
        lab.log(lab.random() === lab.random());
      `,
    });
    expect(result.ok).toBe(true);
    const ev = result.timeline.events;
    expect(ev.map((e) => e.op)).toEqual([
      'lab.open',
      'iommufd.ioasAlloc',
      'process.mmap',
      'ioas.map',
      'ioas.map',
      'ioas.unmap',
    ]);
    expect(ev[3]?.args).toEqual([268435456, 4096, { iova: '16777216n' }]);
    expect(ev[3]?.result).toBe('16777216n');
    expect(ev[3]?.target).toBe('ioas 1');
    expect(ev[1]?.result).toBe('ioas 1');
    expect(ev[3]?.deltas).toEqual({ iommuMapCalls: 1 });
    expect(ev[5]?.errno).toBe('ENOENT');
    expect(ev.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result.timeline.marks).toEqual([
      expect.objectContaining({ seq: 3, label: 'mapped soon', line: 5 }),
    ]);
    expect(result.timeline.spans).toEqual([
      expect.objectContaining({ label: 'two maps', firstSeq: 4, lastSeq: 5, deltas: { iommuMapCalls: 2 } }),
    ]);
    expect(result.timeline.logs.map((l) => [l.level, l.text])).toEqual([
      ['log', 'delta 2 2'],
      ['warn', 'ENOENT: no area at iova'],
      ['log', 'false'],
    ]);
    // digests: the state after each state-changing event, deduplicated
    const digests = result.timeline.digests;
    expect(ev[4]?.digest).toBeGreaterThan(ev[3]?.digest ?? 99);
    expect(ev[5]?.digest).toBe(ev[4]?.digest);
    expect(digests[ev[4]?.digest ?? -1]).toEqual({
      ioas: [
        {
          id: 1,
          areas: [
            [16777216, 4096],
            [16781312, 4096],
          ],
        },
      ],
    });
  });

  it('lab.random follows the seed', async () => {
    const src = 'lab.log(lab.random(), lab.random())';
    const a = await runScenario(fakeMachineFactory, { source: src, seed: 7 });
    const b = await runScenario(fakeMachineFactory, { source: src, seed: 7 });
    const c = await runScenario(fakeMachineFactory, { source: src, seed: 8 });
    expect(a.result.timeline.logs[0]?.text).toBe(b.result.timeline.logs[0]?.text);
    expect(a.result.timeline.logs[0]?.text).not.toBe(c.result.timeline.logs[0]?.text);
  });

  it('configure is EBUSY after the first mmap', async () => {
    const { result } = await runScenario(fakeMachineFactory, {
      source: 'lab.configure({ seed: 3 });\nlab.process.mmap(4096);\nlab.configure({ seed: 4 });\n',
    });
    expect(result.error).toMatchObject({ errno: 'EBUSY', line: 3 });
  });

  /*
   * Size bound for 100 000 cheap ops. One event serializes to about
   * {"seq":99999,"op":"ioas.map","target":"ioas 1","args":[268435456,4096,{"iova":"16777216n"}],
   *  "result":"16777216n","line":4,"column":12,"t":1234.567,"dur":0.004,
   *  "deltas":{"iommuMapCalls":1},"digest":1}  ≈ 190 bytes;
   * an unmap is shorter. Digests that repeat cost one index, so the digest
   * table stays at a few entries. Bound: 200 bytes per op on average
   * (20 MB for 100 000 ops), and the digest table under 1 KiB. Every event,
   * the last included, has its digest (no cut-off after N events).
   */
  it('stays small for 100 000 ops', async () => {
    const { result } = await runScenario(fakeMachineFactory, {
      source: `
        const io = lab.open().ioasAlloc();
        const buf = lab.process.mmap(4096);
        for (let i = 0; i < 49999; i++) {
          io.map(buf, 4096, { iova: 0x1000000 });
          io.unmap(0x1000000, 4096);
        }
      `,
    });
    expect(result.ok).toBe(true);
    expect(result.ops).toBe(100001);
    const bytes = JSON.stringify(result.timeline).length;
    const digestBytes = JSON.stringify(result.timeline.digests).length;
    console.log(
      `timeline: ${bytes} bytes for ${result.ops} ops = ${(bytes / result.ops).toFixed(1)} B/op; digests ${digestBytes} B; wall ${result.wallMs.toFixed(0)} ms`,
    );
    expect(bytes / result.ops).toBeLessThan(200);
    expect(digestBytes).toBeLessThan(1024);
    const events = result.timeline.events;
    expect(events).toHaveLength(100001);
    expect(events.every((e) => e.digest >= 0)).toBe(true);
    expect(events[100000]?.digest).toBe(events[2]?.digest); // the same state as after the first unmap
  });
});
