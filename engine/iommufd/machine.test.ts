import { describe, expect, it } from 'vitest';
import { FRAME_FREE } from '../mm/frames';
import type { MachineDigest } from './digest';
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
    // corrupt: an extra pin nobody holds (taken through the mm, which keeps its totals)
    const pfn = m.process.translate(buf);
    m.memory.phys.pinFrame(pfn);
    expectErrno(() => m.checkInvariants(), 'EINVAL', /pin count 2, but 1/);
    ioas.iopt.iovaAlignment = 1;
    expect(m.violations().some((v) => v.includes('iova_alignment 1, expected 2048'))).toBe(true);
    ioas.iopt.iovaAlignment = 2048;
    ctx.close();
    const leaks = m.teardownCheck();
    expect(leaks.length).toBe(1);
    expect(leaks[0]).toMatch(/1 frame\(s\) still pinned/);
    // a pin count written behind the mm's back: only the sweep sees it, and says so
    m.memory.phys.frames.pin[pfn] = 0;
    expect(m.teardownCheck()).toEqual([
      expect.stringMatching(/no frame is pinned, but the mm's pin totals say 1 pins on 1 frames/),
    ]);
    m.memory.phys.frames.pin[pfn] = 1;
    m.memory.phys.unpinRange(pfn, 1, false);
    expect(m.teardownCheck()).toEqual([]);
  });

  it('the fast pin check catches a stray pin nobody holds, without sweeping the frames', () => {
    const m = new Machine({ physicalMemory: 64 << 20, hugetlbPages2M: 0 });
    const ctx = m.open();
    const ioas = ctx.ioasAlloc();
    ioas.attachDomain();
    const buf = m.process.mmap(4 * P, { populate: true });
    ioas.map(buf, 4 * P, { iova: MOCK_START });
    // a pin taken through the mm, outside any iopt_pages
    const other = m.process.mmap(2 * P, { populate: true });
    const out = new Uint32Array(2);
    m.process.mm.pinUserPages(other, 2, false, out, 0);
    m.process.mm.pinUserPages(other, 1, false, out, 0);
    const fast = m.violations();
    expect(fast).toEqual([expect.stringMatching(/^3 pin\(s\) on 2 frame\(s\) no iopt_pages holds/)]);
    expectErrno(() => m.checkInvariants(), 'EINVAL', /no iopt_pages holds/);
    // the deep sweep names the frames
    const deep = m.violations({ deep: true });
    expect(deep).toContain(`deep: frame ${out[0]}: pin count 2, but 0 iopt_pages hold it`);
    expect(deep).toContain(`deep: frame ${out[1]}: pin count 1, but 0 iopt_pages hold it`);
    // the digest's totals count the stray pins too
    expect(m.digest().pins).toMatchObject({ totalPins: 4 + 3, pinnedFrames: 4 + 2 });
    m.memory.phys.unpinPages(out, 0, 2, false);
    m.memory.phys.unpinPages(out, 0, 1, false);
    expect(m.violations({ deep: true })).toEqual([]);
    ctx.close();
    expect(m.teardownCheck()).toEqual([]);
  });

  // 64 MiB: most frames pinned, the digest sweeps the frames; 1 GiB: it walks the held frames
  it.each([64 << 20, 1 << 30])(
    'digest pins and the fast check agree with the frame sweep (%i bytes)',
    (size) => {
      const sweep = (m: Machine): MachineDigest['pins'] => {
        // the frame sweep the digest used to do
        const fnv = (h: number, x: number): number => {
          h = Math.imul(h ^ (x >>> 0), 16777619) >>> 0;
          return Math.imul(h ^ (Math.floor(x / 4294967296) >>> 0), 16777619) >>> 0;
        };
        const { pin, flags } = m.memory.phys.frames;
        let pinnedFrames = 0;
        let totalPins = 0;
        let runs = 0;
        let hash = 2166136261;
        let start = -1;
        let count = 0;
        const n = m.memory.phys.nframes;
        for (let f = 0; f <= n; f++) {
          const c = f === n || (flags[f] & FRAME_FREE) !== 0 ? 0 : pin[f];
          if (start >= 0 && c === count) continue;
          if (start >= 0) {
            pinnedFrames += f - start;
            totalPins += (f - start) * count;
            runs++;
            hash = fnv(fnv(fnv(hash, start), f - start), count);
          }
          start = c === 0 ? -1 : f;
          count = c;
        }
        return { pinnedFrames, totalPins, runs, hash: hash.toString(16) };
      };
      const m = new Machine({ physicalMemory: size, hugetlbPages2M: 4 });
      const ctx = m.open();
      const a = ctx.ioasAlloc();
      const b = ctx.ioasAlloc();
      a.attachDomain();
      const thp = m.process.mmap(8 << 20, { thp: true, align: 2 << 20 });
      const small = m.process.mmap(64 * P, { populate: true });
      const huge = m.process.mmap(2 << 20, { hugetlb: '2M' });
      a.map(thp, 4 << 20, { iova: MOCK_START });
      a.map(thp + (4 << 20), 4 << 20, { iova: MOCK_START + (4n << 20n) });
      a.map(small, 64 * P, { iova: MOCK_START + (16n << 20n) });
      b.map(small + 8 * P, 16 * P, { iova: MOCK_START }); // the same frames, held twice
      b.map(huge, 2 << 20, { iova: MOCK_START + (4n << 20n) });
      const acc = ctx.createAccess(b, { needsPinPages: true });
      acc.pin(MOCK_START, 4n * BigInt(P));
      b.attachDomain();
      a.unmap(MOCK_START, 4 << 20);
      const check = (): void => {
        expect(m.violations()).toEqual([]);
        expect(m.violations({ deep: true })).toEqual([]);
        expect(m.digest().pins).toEqual(sweep(m));
      };
      check();
      acc.close();
      check();
      ctx.close();
      check();
      expect(m.teardownCheck()).toEqual([]);
    },
  );
});
