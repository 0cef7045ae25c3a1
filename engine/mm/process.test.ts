import { describe, expect, it } from 'vitest';
import { Kernel, PAGE_SIZE } from '../base';
import { MemorySystem } from './memory-system';
import { TASK_SIZE } from './mmap';
import type { MachineOptions as MmMachineOptions, MmapOptions as MmMmapOptions } from './types';

const MiB = 2 ** 20;

function machine(): MemorySystem {
  return new MemorySystem(new Kernel(), { physicalMemory: 128 * MiB, fragmentation: 0.5, hugetlbPages2M: 4 });
}

const errno = (e: string): unknown => expect.objectContaining({ errno: e });

describe('Process implements the scenario API Process', () => {
  it('type-checks against lab.d.ts', () => {
    const sys = machine();
    // `Process` here is the global scenario API interface of lab.d.ts
    const p: Process = sys.createProcess();
    expect(p.pid).toBe(1);
    expect(p.alive).toBe(true);
    expect(p.memlockLimit).toBe(Infinity);
    expect(p.capIpcLock).toBe(false);
    expect(p.capSysResource).toBe(true);
    expect(p.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
  });
});

describe('mmap / munmap', () => {
  it('picks page-aligned, non-overlapping addresses top-down, honoring align', () => {
    const sys = machine();
    const p = sys.createProcess();
    expect(sys.touched).toBe(false);
    const a = p.mmap(5000);
    expect(sys.touched).toBe(true);
    const b = p.mmap(PAGE_SIZE, { align: 16 * MiB });
    const c = p.mmap(3 * PAGE_SIZE);
    expect(a % PAGE_SIZE).toBe(0);
    expect(b % (16 * MiB)).toBe(0);
    expect(b + PAGE_SIZE <= a || b >= a + 2 * PAGE_SIZE).toBe(true);
    expect(c + 3 * PAGE_SIZE <= b || c >= b + PAGE_SIZE).toBe(true);
    expect(a + 2 * PAGE_SIZE).toBeLessThan(TASK_SIZE);
    // deterministic
    const q = machine().createProcess();
    expect([q.mmap(5000), q.mmap(PAGE_SIZE, { align: 16 * MiB })]).toEqual([a, b]);
  });

  it('rejects bad arguments', () => {
    const p = machine().createProcess();
    expect(() => p.mmap(0)).toThrow(errno('EINVAL'));
    expect(() => p.mmap(PAGE_SIZE, { align: 3000 })).toThrow(errno('EINVAL'));
    expect(() => p.mmap(PAGE_SIZE, { align: 2048 })).toThrow(errno('EINVAL'));
    expect(() => p.munmap(123, PAGE_SIZE)).toThrow(errno('EINVAL'));
    expect(() => p.munmap(PAGE_SIZE, 0)).toThrow(errno('EINVAL'));
    p.munmap(PAGE_SIZE * 100, PAGE_SIZE); // nothing mapped there: fine
  });

  it('munmap of the middle splits the VMA; the rest stays usable', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(10 * PAGE_SIZE, { populate: true });
    p.write(a + 8 * PAGE_SIZE, new Uint8Array([42]));
    p.munmap(a + 2 * PAGE_SIZE, 3 * PAGE_SIZE);
    expect(p.mm.vmas.length).toBe(2);
    expect(p.translate(a + 2 * PAGE_SIZE)).toBe(-1);
    expect(() => p.read(a + 3 * PAGE_SIZE, 1)).toThrow(errno('EFAULT'));
    expect(() => p.read(a + PAGE_SIZE, 2 * PAGE_SIZE)).toThrow(errno('EFAULT'));
    expect(p.read(a + 8 * PAGE_SIZE, 1)[0]).toBe(42);
    expect(sys.kernel.counters.framesFreed).toBe(3);
    sys.checkInvariants();
  });

  it('read faults pages in on first touch; readOnly mappings refuse writes', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(4 * PAGE_SIZE, { readOnly: true });
    expect(p.translate(a)).toBe(-1);
    expect(Array.from(p.read(a, 3))).toEqual([0, 0, 0]);
    expect(p.translate(a)).toBeGreaterThanOrEqual(0);
    expect(sys.kernel.counters.pageFaults).toBe(1);
    expect(() => p.write(a, new Uint8Array([1]))).toThrow(errno('EFAULT'));
  });
});

describe('shared and file mappings', () => {
  it('shared mappings share frames with fork children, both ways', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(4 * PAGE_SIZE, { shared: true });
    p.write(a, new Uint8Array([1]));
    const c = p.fork();
    c.write(a + PAGE_SIZE, new Uint8Array([2])); // faulted first in the child
    expect(p.read(a + PAGE_SIZE, 1)[0]).toBe(2);
    c.write(a, new Uint8Array([3]));
    expect(p.read(a, 1)[0]).toBe(3);
    expect(c.translate(a)).toBe(p.translate(a));
    expect(sys.kernel.counters.cowBreaks).toBe(0);
    p.exit();
    expect(c.read(a, 2)[0]).toBe(3);
    sys.checkInvariants();
    c.exit();
    sys.checkInvariants();
    expect(sys.phys.buddy.freeFrames + 4 * 512).toBe(sys.phys.nframes);
  });

  it('private file mappings read the page cache and copy on first write', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(2 * PAGE_SIZE, { file: true });
    p.read(a, 1);
    const cached = p.translate(a);
    expect(sys.phys.refCount(cached)).toBe(2); // page cache + mapping
    const c = p.fork();
    expect(c.translate(a)).toBe(cached);
    p.write(a, new Uint8Array([5]));
    expect(p.translate(a)).not.toBe(cached);
    expect(c.read(a, 1)[0]).toBe(0);
    expect(sys.kernel.counters.cowBreaks).toBe(1);
    // a write to a page never read copies at once
    p.write(a + PAGE_SIZE, new Uint8Array([6]));
    expect(sys.kernel.counters.cowBreaks).toBe(2);
    sys.checkInvariants();
  });
});

describe('fork and copy-on-write', () => {
  it('a write on either side breaks copy-on-write; the other side keeps its data', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(2 * PAGE_SIZE);
    p.write(a, new Uint8Array([1]));
    p.write(a + PAGE_SIZE, new Uint8Array([2]));
    const f0 = p.translate(a);
    const c = p.fork();
    expect(c.translate(a)).toBe(f0);
    expect(sys.phys.refCount(f0)).toBe(2);
    c.write(a, new Uint8Array([10])); // child side
    expect(c.translate(a)).not.toBe(f0);
    expect(p.read(a, 1)[0]).toBe(1);
    expect(p.translate(a)).toBe(f0);
    // the parent is the only user left: its write reuses the frame
    p.write(a, new Uint8Array([11]));
    expect(p.translate(a)).toBe(f0);
    expect(sys.kernel.counters.cowBreaks).toBe(1);
    // parent side first on the second page
    const f1 = p.translate(a + PAGE_SIZE);
    p.write(a + PAGE_SIZE, new Uint8Array([20]));
    expect(p.translate(a + PAGE_SIZE)).not.toBe(f1);
    expect(c.read(a + PAGE_SIZE, 1)[0]).toBe(2);
    expect(c.translate(a + PAGE_SIZE)).toBe(f1);
    expect(sys.kernel.counters.cowBreaks).toBe(2);
    sys.checkInvariants();
  });

  it('fork copies pinned private pages at once so the pin stays with the parent', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(2 * PAGE_SIZE);
    const out = new Uint32Array(1);
    p.mm.pinUserPages(a, 1, true, out, 0);
    const c = p.fork();
    expect(c.translate(a)).not.toBe(out[0]);
    p.write(a, new Uint8Array([1]));
    expect(p.translate(a)).toBe(out[0]);
    expect(sys.kernel.counters.cowBreaks).toBe(0);
    void c;
    sys.checkInvariants();
  });

  it('private hugetlb pages are copied whole on a write after fork', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(2 * MiB, { hugetlb: '2M', populate: true });
    p.write(a + 100, new Uint8Array([7]));
    const c = p.fork();
    c.write(a, new Uint8Array([1]));
    expect(c.translate(a) % 512).toBe(0);
    expect(c.translate(a)).not.toBe(p.translate(a));
    expect(c.read(a + 100, 1)[0]).toBe(7);
    expect(sys.phys.hugetlb2M.free).toBe(2);
    sys.checkInvariants();
  });
});

describe('exit and mm lifetime', () => {
  it('the mm is torn down when its last user goes; the object stays valid', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(4 * PAGE_SIZE, { populate: true });
    const mm = p.mm;
    expect(mm.tryGet()).toBe(true);
    p.exit();
    expect(p.alive).toBe(false);
    expect(mm.alive).toBe(true);
    expect(mm.pt.present).toBe(4);
    const out = new Uint32Array(4);
    expect(mm.pinUserPages(a, 4, false, out, 0)).toBe(4); // a remote pin through the held reference
    mm.put();
    expect(mm.alive).toBe(false);
    expect(mm.tryGet()).toBe(false);
    expect(mm.pt.present).toBe(0);
    expect(() => mm.pinUserPages(a, 1, false, out, 0)).toThrow(errno('EFAULT'));
    expect(() => p.read(a, 1)).toThrow(errno('EFAULT'));
    expect(() => p.mmap(PAGE_SIZE)).toThrow(errno('EINVAL'));
    sys.checkInvariants();
    sys.phys.unpinPages(out, 0, 4, false);
    sys.checkInvariants();
    expect(sys.kernel.counters.framesFreed).toBe(4);
  });

  it('children share the user; uid default 1000', () => {
    const sys = machine();
    const p = sys.createProcess();
    const c = p.fork();
    const other = sys.createProcess({ uid: 0 });
    expect(p.user.uid).toBe(1000);
    expect(c.user).toBe(p.user);
    expect(other.user).not.toBe(p.user);
    expect(sys.createProcess({ uid: 1000 }).user).toBe(p.user);
    expect(new Set([p.pid, c.pid, other.pid]).size).toBe(3);
  });
});

describe('more edges', () => {
  it('copyToUser / copyFromUser stop at the first page they cannot reach, the bytes before it copied (as copy_to_user)', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(2 * PAGE_SIZE);
    p.munmap(a + PAGE_SIZE, PAGE_SIZE);
    // runs past the end of the mapping: EFAULT, the first two bytes written (Linux: the same, fuzz seed 9 in the kernel)
    expect(() => p.write(a + PAGE_SIZE - 2, new Uint8Array([1, 2, 3, 4]))).toThrow(errno('EFAULT'));
    expect(p.mm.pt.present).toBe(1);
    expect(Array.from(p.read(a + PAGE_SIZE - 3, 3))).toEqual([0, 1, 2]);
    const dst = new Uint8Array(8);
    expect(() => p.mm.copyFromUser(a + PAGE_SIZE - 4, dst, 0, 8)).toThrow(errno('EFAULT'));
    p.mm.copyToUser(a + 10, new Uint8Array([5, 6, 7]), 1, 2);
    p.mm.copyFromUser(a + 9, dst, 0, 4);
    expect(Array.from(dst.subarray(0, 4))).toEqual([0, 6, 7, 0]);
    // a read that faults part way has faulted in the pages before the fault
    const b = p.mmap(3 * PAGE_SIZE);
    p.munmap(b + 2 * PAGE_SIZE, PAGE_SIZE);
    expect(() => p.read(b, 3 * PAGE_SIZE)).toThrow(errno('EFAULT'));
    expect(p.translate(b)).toBeGreaterThanOrEqual(0);
    expect(p.translate(b + PAGE_SIZE)).toBeGreaterThanOrEqual(0);
    // a write into a read-only mapping further on writes up to it
    const q = sys.createProcess();
    const ro = q.mmap(PAGE_SIZE, { readOnly: true });
    const c = q.mmap(PAGE_SIZE);
    expect(c + PAGE_SIZE).toBe(ro); // top-down, as Linux
    expect(() => q.write(c + PAGE_SIZE - 1, new Uint8Array([9, 9]))).toThrow(errno('EFAULT'));
    expect(q.read(c + PAGE_SIZE - 1, 1)[0]).toBe(9);
  });

  it('shared hugetlb mappings reserve at mmap and share huge pages with children', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(4 * MiB, { hugetlb: '2M', shared: true });
    expect(sys.phys.hugetlb2M.reserved).toBe(2);
    const c = p.fork();
    c.write(a + 2 * MiB, new Uint8Array([4]));
    expect(p.read(a + 2 * MiB, 1)[0]).toBe(4);
    expect(p.translate(a + 2 * MiB)).toBe(c.translate(a + 2 * MiB));
    expect(sys.phys.hugetlb2M.reserved).toBe(1);
    p.exit();
    c.exit();
    expect(sys.phys.hugetlb2M.reserved).toBe(0);
    expect(sys.phys.hugetlb2M.free).toBe(4);
    sys.checkInvariants();
  });

  it('munmap of part of a hugetlb area keeps the reservations of the rest', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(6 * MiB, { hugetlb: '2M' });
    p.write(a, new Uint8Array([1]));
    p.munmap(a + 2 * MiB, 2 * MiB); // unfaulted middle page: its reservation goes
    expect(sys.phys.hugetlb2M.reserved).toBe(1);
    p.write(a + 4 * MiB, new Uint8Array([1]));
    expect(sys.phys.hugetlb2M.reserved).toBe(0);
    expect(sys.phys.hugetlb2M.free).toBe(2);
    sys.checkInvariants();
  });

  it('createProcess with a parent inherits uid and limits, not memory', () => {
    const sys = machine();
    const p = sys.createProcess({ uid: 7 });
    p.memlockLimit = 4096;
    p.capIpcLock = true;
    p.mmap(PAGE_SIZE);
    const q = sys.createProcess({ parent: p });
    expect(q.user).toBe(p.user);
    expect([q.memlockLimit, q.capIpcLock]).toEqual([4096, true]);
    expect(q.mm.vmas.length).toBe(0);
  });

  it('reports its own memory cost', () => {
    const sys = machine();
    const p = sys.createProcess();
    p.mmap(4 * MiB, { populate: true });
    const m = sys.engineMemory();
    expect(m.frames).toBe(32768);
    expect(m.bytesPerFrame).toBeLessThanOrEqual(16);
    expect(m.mappedPages).toBe(1024);
    expect(m.bytesPerMappedPage).toBeLessThanOrEqual(8);
    expect(m.contentBytes).toBe(0);
  });
});

describe('option shapes match lab.d.ts', () => {
  it('MachineOptions and MmapOptions are interchangeable with the scenario API globals', () => {
    const fromLab: MachineOptions = {
      physicalMemory: 64 * MiB,
      fragmentation: 0,
      seed: 3,
      hugetlbPages2M: 1,
    };
    const mine: MmMachineOptions = fromLab;
    const back: MachineOptions = mine;
    const m: MmapOptions = { hugetlb: '2M', align: 4096 };
    const m2: MmMmapOptions = m;
    const m3: MmapOptions = m2;
    expect(back).toBe(fromLab);
    expect(m3).toBe(m);
    const sys = new MemorySystem(new Kernel(), mine);
    expect(sys.options.seed).toBe(3);
    expect(sys.createProcess().mm.id).toBe(1); // ids are per machine
  });
});
