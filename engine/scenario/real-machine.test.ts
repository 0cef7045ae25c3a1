import './testing/lockdown';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMachine } from './machine-factory';
import { runScenario } from './runner';

async function run(source: string, check = true) {
  return (await runScenario(createMachine, { source, check })).result;
}

describe('the lab facade over the real engine, under lockdown', () => {
  it('the realm is frozen and the engine still works', async () => {
    expect(Object.isFrozen(Object.prototype)).toBe(true);
    expect(Object.isFrozen(Array.prototype)).toBe(true);
    const src = readFileSync(new URL('../../scenarios/01-fill-one-domain.ts', import.meta.url), 'utf8');
    const r = await run(src);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.counters.pagesPinned).toBeGreaterThan(0);
  });

  it('wraps every object kind and maps facades back to engine objects', async () => {
    const r = await run(`
      const fd = lab.open({ process: lab.process });
      const a = fd.ioasAlloc();
      const b = fd.ioasAlloc();
      const dom = a.attachDomain();
      const buf = lab.process.mmap(64 * lab.PAGE_SIZE);
      const iova = a.map(buf, 64 * lab.PAGE_SIZE, { process: lab.process });
      const copied = b.copyFrom(a, iova, 64 * lab.PAGE_SIZE);
      const acc = fd.createAccess(b, { needsPinPages: true });
      const item = acc.pin(copied, 4 * lab.PAGE_SIZE);
      if (acc.items.length !== 1 || acc.items[0] !== item) throw new Error('items');
      if (dom.iovaToPhys(iova) === null) throw new Error('not mapped');
      lab.checkRefs(buf, lab.PAGE_SIZE, lab.pinCount(buf));
      acc.unpin(item);
      acc.close();
      lab.log(dom.kind, dom.stats().mappedBytes, typeof iova, lab.process.accounting().userLockedVm);
      const child = lab.process.fork();
      child.exit();
      fd.close();
    `);
    expect(r.error).toBeUndefined();
    expect(r.timeline.logs[0]?.text).toBe('mock 262144 bigint 64');
  });

  it('rejects foreign objects where lab objects are expected (EINVAL)', async () => {
    const r = await run(`
      const fd = lab.open();
      const a = fd.ioasAlloc();
      const errs = [];
      try { a.copyFrom({ id: 1 }, 0, 4096) } catch (e) { errs.push(e.errno) }
      try { fd.createAccess({ id: a.id }) } catch (e) { errs.push(e.errno) }
      try { lab.open({ process: { pid: lab.process.pid } }) } catch (e) { errs.push(e.errno) }
      lab.log(errs.join(','));
    `);
    expect(r.timeline.logs[0]?.text).toBe('EINVAL,EINVAL,EINVAL');
  });

  it('configure works before the first mmap and is EBUSY after', async () => {
    const r = await run(`
      lab.configure({ physicalMemory: 256 * 1024 * 1024, fragmentation: 0 });
      lab.process.mmap(4096);
      lab.configure({ seed: 5 });
    `);
    expect(r.error).toMatchObject({ errno: 'EBUSY', line: 4 });
  });

  it('--check runs the invariants after every op', async () => {
    const r = await run(
      'const fd = lab.open(); const io = fd.ioasAlloc(); io.map(lab.process.mmap(8192), 8192);',
    );
    expect(r.ok).toBe(true);
    expect(r.timeline.events).toHaveLength(4);
  });

  it('records digests that differ after state changes and repeat otherwise', async () => {
    const r = (
      await runScenario(createMachine, {
        source: `
          const io = lab.open().ioasAlloc();
          const buf = lab.process.mmap(8192);
          const iova = io.map(buf, 8192);
          io.unmap(iova, 8192);
          io.map(buf, 8192, { iova });
        `,
      })
    ).result;
    const d = r.timeline.events.map((e) => e.digest);
    expect(d[2]).not.toBe(d[3]);
    expect(d[4]).toBe(d[2]);
  });

  it('keeps a 100 000-op run on the real engine under 200 bytes per op', async () => {
    const { result } = await runScenario(createMachine, {
      source: `
        const io = lab.open().ioasAlloc();
        const buf = lab.process.mmap(2 * 1024 * 1024);
        const iova = io.map(buf, 2 * 1024 * 1024);
        for (let i = 0; i < 49998; i++) {
          lab.pinCount(buf + (i % 512) * 4096);
          io.getOption('HUGE_PAGES');
        }
      `,
    });
    expect(result.ok).toBe(true);
    expect(result.ops).toBe(100000);
    const bytes = JSON.stringify(result.timeline).length;
    console.log(
      `real engine: ${(bytes / result.ops).toFixed(1)} B/op, ${result.timeline.digests.length} digests, ${result.wallMs.toFixed(0)} ms`,
    );
    expect(bytes / result.ops).toBeLessThan(200);
  });

  /*
   * Past the old 20 000-event digest cut-off, on a default-size (4 GiB)
   * machine with a domain and --check: every event has its digest (cheap now:
   * O(live state)). A map event carries ~8 counter deltas (~300 bytes).
   */
  it('21 000 map/unmap ops with a domain on a default-size machine: a digest per event, checked', async () => {
    const { result } = await runScenario(createMachine, {
      source: `
        const io = lab.open().ioasAlloc();
        io.attachDomain();
        const buf = lab.process.mmap(64 * 1024, { populate: true });
        for (let i = 0; i < 10498; i++) {
          io.map(buf, 64 * 1024, { iova: 0x1000000 });
          io.unmap(0x1000000, 64 * 1024);
        }
      `,
      check: true,
    });
    expect(result.error).toBeUndefined();
    expect(result.ops).toBe(21000);
    const events = result.timeline.events;
    expect(events.every((e) => e.digest >= 0)).toBe(true);
    expect(events[20999]?.digest).not.toBe(events[20998]?.digest); // mapped, then unmapped
    const bytes = JSON.stringify(result.timeline).length;
    const digestBytes = JSON.stringify(result.timeline.digests).length;
    console.log(
      `real engine, map/unmap + domain, check on: ${(bytes / result.ops).toFixed(1)} B/op, ` +
        `${result.timeline.digests.length} digests (${digestBytes} B), ${((result.wallMs * 1000) / result.ops).toFixed(1)} µs/op`,
    );
    expect(bytes / result.ops).toBeLessThan(320);
    expect(digestBytes).toBeLessThan(16 * 1024);
  }, 120_000);
});
