import { describe, expect, it } from 'vitest';
import { Kernel, PAGE_SIZE } from '../base';
import { MemorySystem } from './memory-system';

const MiB = 2 ** 20;
const errno = (e: string): unknown => expect.objectContaining({ errno: e });

function machine(fragmentation = 0.5): MemorySystem {
  return new MemorySystem(new Kernel(), { physicalMemory: 128 * MiB, fragmentation, hugetlbPages2M: 4 });
}

describe('pinUserPages (pin_user_pages FOLL_LONGTERM)', () => {
  it('faults pages in, pins them, returns their frames; counts one call', () => {
    const sys = machine(0);
    const p = sys.createProcess();
    const a = p.mmap(8 * PAGE_SIZE);
    const out = new Uint32Array(10);
    expect(p.mm.pinUserPages(a, 8, true, out, 2)).toBe(8);
    for (let i = 0; i < 8; i++) {
      expect(out[2 + i]).toBe(p.translate(a + i * PAGE_SIZE));
      expect(sys.phys.pinCount(out[2 + i])).toBe(1);
      expect(sys.phys.refCount(out[2 + i])).toBe(2);
    }
    const c = sys.kernel.counters;
    expect([c.pinCalls, c.pagesPinned, c.pageFaults]).toEqual([1, 8, 8]);
    sys.checkRefs(p, a, 8 * PAGE_SIZE, 1);
    sys.phys.unpinRange(out[2], 8, true);
    expect(c.pagesUnpinned).toBe(8);
    expect(sys.phys.isDirty(out[2])).toBe(true);
    sys.checkRefs(p, a, 8 * PAGE_SIZE, 0);
    sys.checkInvariants();
  });

  it('is short at the end of a VMA followed by a hole; EFAULT when the hole is first', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(4 * PAGE_SIZE);
    p.munmap(a + 3 * PAGE_SIZE, PAGE_SIZE);
    const out = new Uint32Array(8);
    expect(p.mm.pinUserPages(a, 8, false, out, 0)).toBe(3);
    expect(() => p.mm.pinUserPages(a + 3 * PAGE_SIZE, 2, false, out, 0)).toThrow(errno('EFAULT'));
    expect(sys.kernel.counters.pinCalls).toBe(2);
    expect(sys.kernel.counters.pagesPinned).toBe(3);
    sys.phys.unpinPages(out, 0, 3, false);
    sys.checkInvariants();
  });

  it('continues into an adjacent VMA', () => {
    const sys = machine();
    const p = sys.createProcess();
    const out = new Uint32Array(8);
    // three VMAs back to back: private, read-only private, private
    const c = p.mmap(6 * PAGE_SIZE, { populate: true });
    p.munmap(c + 2 * PAGE_SIZE, PAGE_SIZE);
    const d = p.mmap(PAGE_SIZE, { readOnly: true });
    expect(d).toBe(c + 2 * PAGE_SIZE); // fills the hole (top-down, first fit from the top)
    expect(p.mm.vmas.filter((v) => v.start >= c && v.end <= c + 6 * PAGE_SIZE).length).toBe(3);
    expect(p.mm.pinUserPages(c, 6, false, out, 0)).toBe(6);
    sys.phys.unpinPages(out, 0, 6, false);
    // a write pin stops at the read-only VMA
    expect(p.mm.pinUserPages(c, 6, true, out, 0)).toBe(2);
    sys.phys.unpinPages(out, 0, 2, false);
    expect(() => p.mm.pinUserPages(d, 1, true, out, 0)).toThrow(errno('EFAULT'));
    sys.checkInvariants();
  });

  it('pin after exit → EFAULT', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE);
    p.exit();
    expect(() => p.mm.pinUserPages(a, 1, false, new Uint32Array(1), 0)).toThrow(errno('EFAULT'));
  });

  it('munmap of a pinned page removes the mapping; the frame lives until the last unpin', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(2 * PAGE_SIZE);
    p.write(a, new Uint8Array([77]));
    const out = new Uint32Array(2);
    p.mm.pinUserPages(a, 1, true, out, 0);
    p.mm.pinUserPages(a, 1, false, out, 1);
    expect(out[0]).toBe(out[1]);
    expect(sys.phys.pinCount(out[0])).toBe(2);
    p.munmap(a, 2 * PAGE_SIZE);
    expect(p.translate(a)).toBe(-1);
    expect(sys.phys.refCount(out[0])).toBe(2);
    const b = new Uint8Array(1);
    sys.phys.readFrame(out[0], 0, b, 0, 1);
    expect(b[0]).toBe(77);
    sys.checkInvariants();
    sys.phys.unpinPages(out, 0, 1, false);
    expect(sys.phys.refCount(out[0])).toBe(1);
    sys.phys.unpinPages(out, 1, 1, false);
    expect(sys.phys.refCount(out[0])).toBe(0);
    expect(sys.kernel.counters.framesFreed).toBe(1);
    sys.checkInvariants();
  });

  it('a write pin breaks copy-on-write; the pinned frame is the process’s own', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE);
    p.write(a, new Uint8Array([1]));
    const shared = p.translate(a);
    const c = p.fork();
    const out = new Uint32Array(1);
    c.mm.pinUserPages(a, 1, true, out, 0);
    expect(out[0]).not.toBe(shared);
    expect(c.translate(a)).toBe(out[0]);
    expect(p.translate(a)).toBe(shared);
    expect(sys.kernel.counters.cowBreaks).toBe(1);
    c.write(a, new Uint8Array([2]));
    expect(c.translate(a)).toBe(out[0]); // no second copy
    expect(sys.kernel.counters.cowBreaks).toBe(1);
    sys.checkInvariants();
  });

  it('ro_unshare: a read-only pin of a copy-on-write page unshares it, so later writes stay coherent', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE);
    p.write(a, new Uint8Array([1]));
    const shared = p.translate(a);
    const c = p.fork();
    const out = new Uint32Array(1);
    p.mm.pinUserPages(a, 1, false, out, 0);
    expect(out[0]).not.toBe(shared); // the parent now owns a private copy, pinned
    expect(p.translate(a)).toBe(out[0]);
    expect(c.translate(a)).toBe(shared);
    expect(sys.kernel.counters.cowBreaks).toBe(1);
    p.write(a, new Uint8Array([9])); // exclusive: made writable without another copy
    expect(p.translate(a)).toBe(out[0]);
    expect(sys.kernel.counters.cowBreaks).toBe(1);
    const b = new Uint8Array(1);
    sys.phys.readFrame(out[0], 0, b, 0, 1);
    expect(b[0]).toBe(9); // the device sees what the process writes
    expect(c.read(a, 1)[0]).toBe(1);
    sys.checkInvariants();
  });

  it('ro_unshare of a page-cache page in a private file mapping', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE, { file: true });
    p.read(a, 1);
    const cached = p.translate(a);
    const out = new Uint32Array(1);
    p.mm.pinUserPages(a, 1, false, out, 0);
    expect(out[0]).not.toBe(cached);
    expect(p.translate(a)).toBe(out[0]);
    sys.checkInvariants();
  });

  it('a read-only pin of an exclusive page does not copy; shared mappings are pinned as they are', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE);
    const s = p.mmap(PAGE_SIZE, { shared: true, readOnly: true });
    const out = new Uint32Array(2);
    p.mm.pinUserPages(a, 1, false, out, 0);
    p.mm.pinUserPages(s, 1, false, out, 1);
    expect(p.translate(a)).toBe(out[0]);
    expect(p.translate(s)).toBe(out[1]);
    expect(sys.kernel.counters.cowBreaks).toBe(0);
  });

  it('rejects unaligned starts and bad counts', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE);
    const out = new Uint32Array(1);
    expect(() => p.mm.pinUserPages(a + 1, 1, false, out, 0)).toThrow(errno('EINVAL'));
    expect(() => p.mm.pinUserPages(a, 0, false, out, 0)).toThrow(errno('EINVAL'));
    expect(() => p.mm.pinUserPages(a, 2, false, out, 0)).toThrow(errno('EINVAL'));
  });

  it('unpin of an unpinned frame WARNs and changes nothing', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE, { populate: true });
    sys.phys.unpinRange(p.translate(a), 1, false);
    expect(sys.kernel.counters.warnings).toBe(1);
    sys.checkInvariants();
  });
});

describe('pin totals (PhysMemory.totalPins / pinnedFrames)', () => {
  it('follow every pin and unpin, THP and hugetlb frames included, and equal a sweep', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(8 * PAGE_SIZE);
    const t = p.mmap(4 * MiB, { thp: true, align: 2 * MiB });
    const h = p.mmap(2 * MiB, { hugetlb: '2M' });
    const out = new Uint32Array(2048);
    const totals = (): [number, number] => [sys.phys.totalPins, sys.phys.pinnedFrames];
    expect(totals()).toEqual([0, 0]);
    p.mm.pinUserPages(a, 8, true, out, 0);
    p.mm.pinUserPages(a + 2 * PAGE_SIZE, 3, false, out, 8);
    expect(totals()).toEqual([11, 8]);
    p.mm.pinUserPages(t, 1024, true, out, 16);
    p.mm.pinUserPages(h, 512, false, out, 1040);
    expect(totals()).toEqual([11 + 1536, 8 + 1536]);
    expect(sys.phys.scanPins()).toEqual({ totalPins: 11 + 1536, pinnedFrames: 8 + 1536 });
    sys.checkInvariants();
    sys.phys.unpinPages(out, 8, 3, false);
    sys.phys.unpinRange(out[16], 1024, true);
    expect(totals()).toEqual([8 + 512, 8 + 512]);
    // an unpin of an unpinned frame WARNs and leaves the totals alone
    sys.phys.unpinRange(out[16], 1, false);
    expect(totals()).toEqual([8 + 512, 8 + 512]);
    sys.phys.unpinPages(out, 0, 8, false);
    sys.phys.unpinPages(out, 1040, 512, false);
    expect(totals()).toEqual([0, 0]);
    expect(sys.phys.scanPins()).toEqual({ totalPins: 0, pinnedFrames: 0 });
    sys.checkInvariants();
  });

  it('the deep check reports a pin count changed behind the totals', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(PAGE_SIZE, { populate: true });
    const pfn = p.translate(a);
    sys.phys.frames.pin[pfn]++;
    sys.phys.frames.ref[pfn]++;
    expect(() => sys.checkInvariants()).toThrow(/pin totals 0 pins on 0 frames, the frames hold 1 on 1/);
    sys.phys.frames.pin[pfn]--;
    sys.phys.frames.ref[pfn]--;
    sys.checkInvariants();
  });
});

describe('checkRefs / pinCountAt', () => {
  it('checks every page, huge pages included; EIO names the first bad page', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(2 * MiB, { hugetlb: '2M' });
    const out = new Uint32Array(3);
    p.mm.pinUserPages(a + PAGE_SIZE, 3, false, out, 0);
    sys.checkRefs(p, a + PAGE_SIZE, 3 * PAGE_SIZE, 1);
    sys.checkRefs(p, a + 4 * PAGE_SIZE, 2 * MiB - 4 * PAGE_SIZE, 0);
    expect(sys.pinCountAt(p, a + PAGE_SIZE + 17)).toBe(1);
    expect(sys.pinCountAt(p, a)).toBe(0);
    let err: unknown;
    try {
      sys.checkRefs(p, a, 4 * PAGE_SIZE, 1);
    } catch (e) {
      err = e;
    }
    expect(err).toEqual(errno('EIO'));
    expect((err as { detail: unknown }).detail).toEqual({ uptr: a, expected: 1, actual: 0 });
    expect(() => sys.checkRefs(p, a + 1, PAGE_SIZE, 0)).toThrow(errno('EINVAL'));
    expect(() => sys.checkRefs(p, a, 100, 0)).toThrow(errno('EINVAL'));
  });

  it('does not fault pages in', () => {
    const sys = machine();
    const p = sys.createProcess();
    const a = p.mmap(4 * PAGE_SIZE);
    sys.checkRefs(p, a, 4 * PAGE_SIZE, 0);
    expect(sys.pinCountAt(p, a)).toBe(0);
    expect(p.mm.pt.present).toBe(0);
    expect(sys.kernel.counters.pageFaults).toBe(0);
  });
});
