import { describe, expect, it } from 'vitest';
import { Machine } from './machine';
import { expectErrno, MOCK_START, P } from './io-pagetable/test-fixture';

describe('Machine', () => {
  it('configure: options validated by name, EBUSY after the first mmap', () => {
    const m = new Machine();
    expectErrno(() => m.configure({ physicalMemory: 12345 }), 'EINVAL', /physicalMemory/);
    expectErrno(() => m.configure({ bogus: 1 } as never), 'EINVAL', /bogus/);
    expectErrno(() => m.configure({ seed: 'x' } as never), 'EINVAL', /seed/);
    m.configure({ physicalMemory: 64 << 20, hugetlbPages2M: 4, seed: 3 });
    expect(m.memory.phys.nframes).toBe((64 << 20) / P);
    m.process.mmap(P);
    expectErrno(() => m.configure({ seed: 4 }), 'EBUSY', /mmap/);
    expect(m.teardownCheck()).toEqual([]);
  });

  it('setTempMemoryLimit, checkRefs and pinCount argument rules', () => {
    const m = new Machine({ physicalMemory: 64 << 20, hugetlbPages2M: 0 });
    expectErrno(() => m.setTempMemoryLimit(11), 'EINVAL', /12/);
    expectErrno(() => m.setTempMemoryLimit(1.5), 'EINVAL', /bytes/);
    m.setTempMemoryLimit(32);
    expect(m.kernel.tempMemoryLimit).toBe(32);
    const buf = m.process.mmap(4 * P);
    expectErrno(() => m.checkRefs(buf + 1, P, 0), 'EINVAL', /uptr/);
    expectErrno(() => m.checkRefs(buf, P, -1), 'EINVAL', /refs/);
    expectErrno(() => m.checkRefs(buf, P, 1), 'EIO');
    expect(m.pinCount(buf)).toBe(0);
    expectErrno(() => m.pinCount(buf, { process: {} }), 'EINVAL', /opts\.process/);
    expect(m.teardownCheck()).toEqual([]);
  });

  it('digest: compact, stable across machines, unchanged by a failed operation', () => {
    const run = (): Machine => {
      const m = new Machine({ physicalMemory: 256 << 20, hugetlbPages2M: 0 });
      const ctx = m.open();
      const ioas = ctx.ioasAlloc();
      ioas.attachDomain();
      const buf = m.process.mmap(64 << 20, { thp: true, align: 2 << 20 });
      ioas.map(buf, 64 << 20, { iova: MOCK_START });
      return m;
    };
    const a = run();
    const b = run();
    const da = a.digest();
    expect(JSON.stringify(da).length).toBeLessThan(4000);
    expect(b.digest()).toEqual(da);
    expect(da.pins.pinnedFrames).toBe((64 << 20) / P);
    expect(da.pages[0].tiers).toEqual([[0, (64 << 20) / P - 1, 'domain']]);
    const ioas = a.contexts()[0].ioases()[0];
    expectErrno(() => ioas.map(a.process.mmap(P), P, { iova: MOCK_START }), 'EEXIST');
    expect(a.digest()).toEqual(da);
    expect(a.liveObjects()[0].ioas[0]).toMatchObject({ id: 1, areas: 1, domains: [{ kind: 'mock' }] });
    a.checkInvariants();
    expect(a.teardownCheck()).toEqual([]);
    expect(b.teardownCheck()).toEqual([]);
  });

  it('checkInvariants and teardownCheck report corruption', () => {
    const m = new Machine({ physicalMemory: 64 << 20, hugetlbPages2M: 0 });
    const ctx = m.open();
    const ioas = ctx.ioasAlloc();
    ioas.attachDomain();
    const buf = m.process.mmap(4 * P, { populate: true });
    ioas.map(buf, 4 * P, { iova: MOCK_START });
    m.checkInvariants();
    // corrupt: an extra pin nobody holds
    const pfn = m.process.translate(buf);
    m.memory.phys.frames.pin[pfn]++;
    expectErrno(() => m.checkInvariants(), 'EINVAL', /pin count 2, but 1/);
    ioas.iopt.iovaAlignment = 1;
    expect(m.violations().some((v) => v.includes('iova_alignment 1, expected 2048'))).toBe(true);
    ioas.iopt.iovaAlignment = 2048;
    ctx.close();
    const leaks = m.teardownCheck();
    expect(leaks.length).toBe(1);
    expect(leaks[0]).toMatch(/1 frame\(s\) still pinned/);
    m.memory.phys.frames.pin[pfn]--;
    expect(m.teardownCheck()).toEqual([]);
  });
});
