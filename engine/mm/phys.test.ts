import { describe, expect, it } from 'vitest';
import { Kernel, PAGE_SIZE } from '../base';
import { MemorySystem } from './memory-system';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function machine(
  fragmentation: number,
  seed = 1,
  physicalMemory = 256 * MiB,
  hugetlbPages2M = 4,
): MemorySystem {
  return new MemorySystem(new Kernel(), { physicalMemory, fragmentation, seed, hugetlbPages2M });
}

/** The frames an anonymous mapping gets, in page order. */
function framesOf(sys: MemorySystem, npages: number): number[] {
  const p = sys.createProcess();
  const a = p.mmap(npages * PAGE_SIZE, { populate: true });
  return Array.from({ length: npages }, (_, i) => p.translate(a + i * PAGE_SIZE));
}

function runs(pfns: number[]): number[] {
  const r: number[] = [];
  let len = 1;
  for (let i = 1; i <= pfns.length; i++) {
    if (i < pfns.length && pfns[i] === pfns[i - 1] + 1) len++;
    else {
      r.push(len);
      len = 1;
    }
  }
  return r;
}

describe('frame allocator fragmentation', () => {
  it('fragmentation 0: an anonymous mapping gets ascending contiguous frames', () => {
    const pfns = framesOf(machine(0), 20000);
    expect(runs(pfns)).toEqual([20000]);
  });

  it('fragmentation 1: no two consecutive allocations are physically adjacent', () => {
    const pfns = framesOf(machine(1), 40000);
    for (let i = 1; i < pfns.length; i++) expect(Math.abs(pfns[i] - pfns[i - 1])).toBeGreaterThan(1);
    expect(new Set(pfns).size).toBe(pfns.length);
  });

  it('fragmentation in between gives runs of intermediate length', () => {
    const r = runs(framesOf(machine(0.5), 20000));
    const mean = 20000 / r.length;
    expect(mean).toBeGreaterThan(4);
    expect(mean).toBeLessThan(512);
    const r2 = runs(framesOf(machine(0.8), 20000));
    expect(20000 / r2.length).toBeLessThan(mean);
  });

  it('same seed gives the same frames, another seed other frames', () => {
    const a = framesOf(machine(0.5, 7), 5000);
    const b = framesOf(machine(0.5, 7), 5000);
    const c = framesOf(machine(0.5, 8), 5000);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('freed frames return to the allocator and merge back', () => {
    const sys = machine(1, 3, 64 * MiB, 0);
    const free0 = sys.phys.buddy.freeFrames;
    const p = sys.createProcess();
    const a = p.mmap(8 * MiB, { populate: true });
    expect(sys.phys.buddy.freeFrames).toBe(free0 - 2048);
    p.munmap(a, 8 * MiB);
    expect(sys.phys.buddy.freeFrames).toBe(free0);
    expect(sys.kernel.counters.framesAllocated).toBe(2048);
    expect(sys.kernel.counters.framesFreed).toBe(2048);
    sys.checkInvariants();
  });

  it('running out of memory fails the fault with ENOMEM for a pin, EFAULT for a CPU access', () => {
    const sys = machine(0.3, 1, 16 * MiB, 0);
    const p = sys.createProcess();
    const a = p.mmap(32 * MiB);
    const out = new Uint32Array(8192);
    const n = p.mm.pinUserPages(a, 8192, true, out, 0);
    expect(n).toBe(4096);
    expect(() => p.mm.pinUserPages(a + n * PAGE_SIZE, 1, true, out, 0)).toThrow(
      expect.objectContaining({ errno: 'ENOMEM', message: expect.stringContaining('out of memory') }),
    );
    expect(() => p.write(a + n * PAGE_SIZE, new Uint8Array(1))).toThrow(
      expect.objectContaining({ errno: 'EFAULT' }),
    );
    sys.phys.unpinPages(out, 0, n, false);
    sys.checkInvariants();
  });
});

describe('physical memory size', () => {
  it('a 64 GiB machine is cheap: lazy free lists, <= 16 bytes of metadata per frame', () => {
    const sys = new MemorySystem(new Kernel(), { physicalMemory: 64 * GiB });
    expect(sys.phys.nframes).toBe(16 * 2 ** 20);
    const m = sys.engineMemory();
    expect(m.bytesPerFrame).toBeLessThanOrEqual(16);
    const p = sys.createProcess();
    const a = p.mmap(GiB);
    const out = new Uint32Array(1024);
    expect(p.mm.pinUserPages(a, 1024, true, out, 0)).toBe(1024);
    expect(Math.max(...out)).toBeLessThan(sys.phys.nframes);
  });

  it('validates options', () => {
    const k = new Kernel();
    expect(() => new MemorySystem(k, { physicalMemory: 1000 })).toThrow(
      expect.objectContaining({ errno: 'EINVAL' }),
    );
    expect(() => new MemorySystem(k, { fragmentation: 2 })).toThrow(
      expect.objectContaining({ errno: 'EINVAL' }),
    );
    expect(() => new MemorySystem(k, { hugetlbPages2M: -1 })).toThrow(
      expect.objectContaining({ errno: 'EINVAL' }),
    );
    expect(() => new MemorySystem(k, { physicalMemory: 64 * MiB, hugetlbPages1G: 1 })).toThrow(
      expect.objectContaining({ errno: 'ENOMEM' }),
    );
  });
});

describe('frame state', () => {
  it('contents are sparse: unwritten frames read zeros, written ones are dirty', () => {
    const sys = machine(0);
    const p = sys.createProcess();
    const a = p.mmap(2 * PAGE_SIZE);
    p.write(a + 4090, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(Array.from(p.read(a + 4088, 12))).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0]);
    const f0 = p.translate(a);
    expect(sys.phys.isDirty(f0)).toBe(true);
    expect(sys.engineMemory().contentFrames).toBe(2);
    const dst = new Uint8Array(4);
    sys.phys.readFrame(p.translate(a + PAGE_SIZE), 0, dst, 0, 4);
    expect(Array.from(dst)).toEqual([7, 8, 0, 0]);
    expect(() => sys.phys.readFrame(f0, 4000, dst, 0, 200)).toThrow(
      expect.objectContaining({ errno: 'EINVAL' }),
    );
    p.munmap(a, 2 * PAGE_SIZE);
    expect(sys.engineMemory().contentFrames).toBe(0);
    expect(sys.phys.isDirty(f0)).toBe(false);
  });
});
