import { describe, expect, it } from 'vitest';
import { Kernel, PAGE_SIZE } from '../base';
import { MemorySystem } from './memory-system';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const HPAGE = 2 * MiB;

function frames(p: ReturnType<MemorySystem['createProcess']>, a: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => p.translate(a + i * PAGE_SIZE));
}

describe('hugetlb', () => {
  it('2 MiB pages: aligned, contiguous, from the pool at the top of memory', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, hugetlbPages2M: 4 });
    const p = sys.createProcess();
    const a = p.mmap(3 * MiB, { hugetlb: '2M' });
    expect(a % HPAGE).toBe(0);
    p.write(a + HPAGE + 5, new Uint8Array([1]));
    const f = frames(p, a + HPAGE, 512);
    expect(f[0] % 512).toBe(0);
    for (let i = 1; i < 512; i++) expect(f[i]).toBe(f[0] + i);
    expect(f[0]).toBeGreaterThanOrEqual(sys.phys.nframes - 4 * 512);
    expect(p.translate(a)).toBe(-1); // the other huge page is not faulted yet
    expect(sys.kernel.counters.pageFaults).toBe(1);
    sys.checkInvariants();
  });

  it('pool exhaustion → ENOMEM at mmap; unmapping returns pages and reservations', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, hugetlbPages2M: 4 });
    const p = sys.createProcess();
    const a = p.mmap(3 * HPAGE, { hugetlb: '2M' });
    expect(() => p.mmap(2 * HPAGE, { hugetlb: '2M' })).toThrow(expect.objectContaining({ errno: 'ENOMEM' }));
    const b = p.mmap(HPAGE, { hugetlb: '2M', populate: true });
    expect(sys.phys.hugetlb2M.free).toBe(3);
    expect(sys.phys.hugetlb2M.reserved).toBe(3);
    p.munmap(b, HPAGE);
    p.munmap(a + HPAGE, HPAGE);
    expect(sys.phys.hugetlb2M.free).toBe(4);
    expect(sys.phys.hugetlb2M.reserved).toBe(2);
    expect(() => p.munmap(a + PAGE_SIZE, PAGE_SIZE)).toThrow(expect.objectContaining({ errno: 'EINVAL' }));
    sys.checkInvariants();
    p.exit();
    expect(sys.phys.hugetlb2M.reserved).toBe(0);
    sys.checkInvariants();
  });

  it('1 GiB pages', () => {
    const sys = new MemorySystem(new Kernel(), {
      physicalMemory: 4 * GiB,
      hugetlbPages1G: 1,
      hugetlbPages2M: 0,
    });
    const p = sys.createProcess();
    const a = p.mmap(GiB, { hugetlb: '1G' });
    expect(a % GiB).toBe(0);
    const out = new Uint32Array(4);
    expect(p.mm.pinUserPages(a + GiB - 4 * PAGE_SIZE, 4, true, out, 0)).toBe(4);
    expect(out[0] % 2 ** 18).toBe(2 ** 18 - 4);
    expect(() => p.mmap(GiB, { hugetlb: '1G' })).toThrow(expect.objectContaining({ errno: 'ENOMEM' }));
    p.munmap(a, GiB);
    expect(sys.phys.hugetlb1G.free).toBe(0); // pinned: the page lives on
    sys.phys.unpinPages(out, 0, 4, true);
    expect(sys.phys.hugetlb1G.free).toBe(1);
    sys.checkInvariants();
  });

  it('a pin of a hugetlb page keeps it out of the pool after exit; the last unpin returns it', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 128 * MiB, hugetlbPages2M: 1 });
    const p = sys.createProcess();
    const a = p.mmap(HPAGE, { hugetlb: '2M' });
    const out = new Uint32Array(1);
    p.mm.pinUserPages(a, 1, false, out, 0);
    p.exit();
    expect(sys.phys.hugetlb2M.free).toBe(0);
    expect(sys.phys.refCount(out[0])).toBe(1);
    expect(sys.phys.refCount(out[0] + 1)).toBe(0);
    sys.phys.unpinRange(out[0], 1, false);
    expect(sys.phys.hugetlb2M.free).toBe(1);
    sys.checkInvariants();
  });
});

describe('transparent huge pages', () => {
  it('each 2 MiB aligned part gets 512 contiguous aligned frames', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, fragmentation: 0.5 });
    const p = sys.createProcess();
    const a = p.mmap(3 * HPAGE, { thp: true });
    expect(a % HPAGE).toBe(0);
    p.write(a + 7 * PAGE_SIZE, new Uint8Array([1]));
    const f = frames(p, a, 512);
    expect(f[0] % 512).toBe(0);
    for (let i = 1; i < 512; i++) expect(f[i]).toBe(f[0] + i);
    expect(sys.kernel.counters.pageFaults).toBe(1);
    expect(sys.kernel.counters.framesAllocated).toBe(512);
    sys.checkInvariants();
  });

  it('falls back to 4 KiB frames when the allocator has no huge page (fragmentation 1)', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, fragmentation: 1 });
    const p = sys.createProcess();
    const a = p.mmap(HPAGE, { thp: true, populate: true });
    const f = frames(p, a, 512);
    for (let i = 1; i < 512; i++) expect(Math.abs(f[i] - f[i - 1])).toBeGreaterThan(1);
    expect(sys.kernel.counters.pageFaults).toBe(512);
  });

  it('falls back for parts that are not a whole aligned 2 MiB, or already partly faulted', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, fragmentation: 0 });
    const p = sys.createProcess();
    const a = p.mmap(HPAGE + 16 * PAGE_SIZE, { thp: true, align: HPAGE });
    p.write(a + HPAGE + PAGE_SIZE, new Uint8Array([1])); // tail: 4 KiB
    expect(sys.kernel.counters.framesAllocated).toBe(1);
    p.munmap(a, HPAGE);
    const b = p.mmap(HPAGE, { thp: true });
    p.munmap(b + PAGE_SIZE, PAGE_SIZE); // not one whole VMA any more
    p.write(b, new Uint8Array([1]));
    expect(sys.kernel.counters.framesAllocated).toBe(2);
    sys.checkInvariants();
  });

  it('partial munmap of a THP keeps the huge page until its last frame goes', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, fragmentation: 0 });
    const p = sys.createProcess();
    const a = p.mmap(HPAGE, { thp: true, populate: true });
    const head = p.translate(a);
    p.munmap(a, HPAGE / 2);
    expect(sys.phys.refCount(head)).toBe(0);
    expect(sys.kernel.counters.framesFreed).toBe(0);
    sys.checkInvariants();
    p.munmap(a + HPAGE / 2, HPAGE / 2);
    expect(sys.kernel.counters.framesFreed).toBe(512);
    sys.checkInvariants();
  });

  it('copy-on-write after fork copies one 4 KiB page of a THP', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 256 * MiB, fragmentation: 0 });
    const p = sys.createProcess();
    const a = p.mmap(HPAGE, { thp: true, populate: true });
    const c = p.fork();
    c.write(a + 3 * PAGE_SIZE, new Uint8Array([9]));
    expect(c.translate(a + 3 * PAGE_SIZE)).not.toBe(p.translate(a + 3 * PAGE_SIZE));
    expect(c.translate(a + 4 * PAGE_SIZE)).toBe(p.translate(a + 4 * PAGE_SIZE));
    expect(sys.kernel.counters.cowBreaks).toBe(1);
    sys.checkInvariants();
  });
});
