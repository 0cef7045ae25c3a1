import { fail, type Kernel, PAGE_SIZE } from '../base';
import { BuddyAllocator } from './allocator';
import { FrameContents } from './contents';
import {
  FRAME_COMPOUND,
  FRAME_DIRTY,
  FRAME_FREE,
  FRAME_HUGETLB,
  FRAME_PAGECACHE,
  FrameArrays,
  GPAGE_NR,
  GPAGE_ORDER,
  HPAGE_NR,
  HPAGE_ORDER,
} from './frames';
import { HugetlbPool } from './hugetlb';

export interface PhysOptions {
  nframes: number;
  fragmentation: number;
  seed: number;
  hugetlbPages2M: number;
  hugetlbPages1G: number;
}

/**
 * The machine's physical memory: frames with reference and pin counts,
 * dirty bits and sparse contents; the buddy allocator for the general pool
 * and the hugetlb pools reserved at the top of memory at boot.
 */
export class PhysMemory {
  readonly nframes: number;
  readonly frames: FrameArrays;
  readonly contents = new FrameContents();
  readonly buddy: BuddyAllocator;
  readonly hugetlb2M: HugetlbPool;
  readonly hugetlb1G: HugetlbPool;
  /**
   * Sum of the long-term pin counts of all frames (the kernel's
   * nr_foll_pin_acquired - nr_foll_pin_released), kept exact at every pin and
   * unpin so that checks and digests need not sweep the frame array.
   */
  totalPins = 0;
  /** Frames whose pin count is non-zero, kept exact likewise. */
  pinnedFrames = 0;
  private readonly kernel: Kernel;

  constructor(kernel: Kernel, o: PhysOptions) {
    this.kernel = kernel;
    this.nframes = o.nframes;
    const f = (this.frames = new FrameArrays(o.nframes));
    // hugetlb pools from the top of memory, aligned, like hugepages= at boot
    let top = o.nframes;
    const heads1G: number[] = [];
    for (let i = 0; i < o.hugetlbPages1G; i++) {
      top = Math.floor(top / GPAGE_NR) * GPAGE_NR - GPAGE_NR;
      if (top < 0)
        fail('ENOMEM', `hugetlbPages1G: ${o.hugetlbPages1G} pages of 1 GiB do not fit in physical memory`);
      heads1G.unshift(top);
    }
    const heads2M: number[] = [];
    for (let i = 0; i < o.hugetlbPages2M; i++) {
      top = Math.floor(top / HPAGE_NR) * HPAGE_NR - HPAGE_NR;
      if (top < 0)
        fail('ENOMEM', `hugetlbPages2M: ${o.hugetlbPages2M} pages of 2 MiB do not fit in physical memory`);
      heads2M.unshift(top);
    }
    for (const h of heads1G) {
      f.flags.fill(FRAME_HUGETLB | FRAME_COMPOUND, h, h + GPAGE_NR);
      f.order.fill(GPAGE_ORDER, h, h + GPAGE_NR);
    }
    for (const h of heads2M) {
      f.flags.fill(FRAME_HUGETLB | FRAME_COMPOUND, h, h + HPAGE_NR);
      f.order.fill(HPAGE_ORDER, h, h + HPAGE_NR);
    }
    this.hugetlb1G = new HugetlbPool(GPAGE_ORDER, heads1G);
    this.hugetlb2M = new HugetlbPool(HPAGE_ORDER, heads2M);
    this.buddy = new BuddyAllocator(f, top, o.fragmentation, o.seed);
  }

  // ---- the contract -----------------------------------------------------

  refCount(pfn: number): number {
    this.checkPfn(pfn);
    return this.frames.flags[pfn] & FRAME_FREE ? 0 : this.frames.ref[pfn];
  }

  pinCount(pfn: number): number {
    this.checkPfn(pfn);
    return this.frames.flags[pfn] & FRAME_FREE ? 0 : this.frames.pin[pfn];
  }

  isDirty(pfn: number): boolean {
    this.checkPfn(pfn);
    return (this.frames.flags[pfn] & FRAME_DIRTY) !== 0;
  }

  readFrame(pfn: number, offset: number, dst: Uint8Array, dstOffset: number, length: number): void {
    this.checkPfn(pfn);
    checkInFrame(offset, length);
    this.contents.read(pfn, offset, dst, dstOffset, length);
  }

  /** A write by the CPU or a device: stores the bytes and marks the frame dirty. */
  writeFrame(pfn: number, offset: number, src: Uint8Array, srcOffset: number, length: number): void {
    this.checkPfn(pfn);
    checkInFrame(offset, length);
    this.contents.write(pfn, offset, src, srcOffset, length);
    this.frames.flags[pfn] |= FRAME_DIRTY;
  }

  /** unpin_user_page_range_dirty_lock: npages contiguous frames from pfn. */
  unpinRange(pfn: number, npages: number, dirty: boolean): void {
    if (npages <= 0) return;
    this.checkPfn(pfn);
    this.checkPfn(pfn + npages - 1);
    for (let i = 0; i < npages; i++) this.unpinOne(pfn + i, dirty);
    this.kernel.counters.pagesUnpinned += npages;
  }

  /** unpin_user_pages(_dirty_lock) over pfns[offset .. offset+count). */
  unpinPages(pfns: Uint32Array, offset: number, count: number, dirty: boolean): void {
    for (let i = 0; i < count; i++) {
      const pfn = pfns[offset + i];
      this.checkPfn(pfn);
      this.unpinOne(pfn, dirty);
    }
    if (count > 0) this.kernel.counters.pagesUnpinned += count;
  }

  // ---- kernel side --------------------------------------------------------

  private unpinOne(pfn: number, dirty: boolean): void {
    const f = this.frames;
    const fl = f.flags[pfn];
    if ((fl & FRAME_FREE) !== 0 || f.pin[pfn] === 0) {
      this.kernel.warn('mm', `unpin of frame ${pfn} that is not pinned`);
      return;
    }
    if (--f.pin[pfn] === 0) this.pinnedFrames--;
    this.totalPins--;
    if (dirty) f.flags[pfn] = fl | FRAME_DIRTY;
    // putRef, with the common cases inline: a pin is never the last reference of a mapped page
    if ((fl & FRAME_COMPOUND) !== 0) {
      f.ref[pfn]--;
      const slot = f.compoundSlot(pfn);
      if (--f.compoundRefs[slot] === 0) this.freeCompound(f.compoundHead(pfn));
    } else if (f.ref[pfn] > 1) {
      f.ref[pfn]--;
    } else {
      this.putRef(pfn);
    }
  }

  /** A GUP pin: one more pin and one more reference. */
  pinFrame(pfn: number): void {
    if (this.frames.pin[pfn]++ === 0) this.pinnedFrames++;
    this.totalPins++;
    this.getRef(pfn);
  }

  getRef(pfn: number): void {
    const f = this.frames;
    f.ref[pfn]++;
    if (f.flags[pfn] & FRAME_COMPOUND) f.compoundRefs[f.compoundSlot(pfn)]++;
  }

  /** Drop one reference; the frame (or its huge page, once all its frames are unreferenced) is freed. */
  putRef(pfn: number): void {
    const f = this.frames;
    if (f.ref[pfn] === 0) {
      this.kernel.warn('mm', `reference count underflow on frame ${pfn}`);
      return;
    }
    f.ref[pfn]--;
    if (f.flags[pfn] & FRAME_COMPOUND) {
      if (--f.compoundRefs[f.compoundSlot(pfn)] === 0) this.freeCompound(f.compoundHead(pfn));
    } else if (f.ref[pfn] === 0) {
      this.clearFrame(pfn);
      f.flags[pfn] = 0;
      this.buddy.free(pfn, 0);
      this.kernel.counters.framesFreed++;
    }
  }

  /** An order-0 frame with one reference; -1 when memory is exhausted. */
  allocFrame(): number {
    const pfn = this.buddy.alloc(0);
    if (pfn < 0) return -1;
    this.frames.ref[pfn] = 1;
    this.kernel.counters.framesAllocated++;
    return pfn;
  }

  /** A transparent huge page: 512 aligned frames, each with one reference; -1 when none. */
  allocThp(): number {
    const head = this.buddy.alloc(HPAGE_ORDER);
    if (head < 0) return -1;
    const f = this.frames;
    f.flags.fill(FRAME_COMPOUND, head, head + HPAGE_NR);
    f.order.fill(HPAGE_ORDER, head, head + HPAGE_NR);
    f.ref.fill(1, head, head + HPAGE_NR);
    f.compoundRefs[head / HPAGE_NR] = HPAGE_NR;
    this.kernel.counters.framesAllocated += HPAGE_NR;
    return head;
  }

  /** A hugetlb page from a pool, each frame with one reference; -1 when none. */
  allocHugetlb(pool: HugetlbPool, fromReservation: boolean): number {
    const head = pool.alloc(fromReservation);
    if (head < 0) return -1;
    const nr = pool.nrPages;
    this.frames.ref.fill(1, head, head + nr);
    this.frames.compoundRefs[head / HPAGE_NR] = nr;
    this.kernel.counters.framesAllocated += nr;
    return head;
  }

  poolOf(order: number): HugetlbPool {
    return order === GPAGE_ORDER ? this.hugetlb1G : this.hugetlb2M;
  }

  private freeCompound(head: number): void {
    const f = this.frames;
    const order = f.order[head];
    const nr = 2 ** order;
    for (let i = 0; i < nr; i++) this.clearFrame(head + i);
    if (f.flags[head] & FRAME_HUGETLB) {
      f.flags.fill(FRAME_HUGETLB | FRAME_COMPOUND, head, head + nr);
      this.poolOf(order).release(head);
    } else {
      f.flags.fill(0, head, head + nr);
      f.order.fill(0, head, head + nr);
      this.buddy.free(head, order);
    }
    this.kernel.counters.framesFreed += nr;
  }

  private clearFrame(pfn: number): void {
    this.frames.flags[pfn] &= ~(FRAME_DIRTY | FRAME_PAGECACHE);
    this.contents.drop(pfn);
  }

  /** Copy-on-write: dst receives src's contents; an anonymous copy is dirty. */
  copyFrame(dst: number, src: number): void {
    this.contents.copy(dst, src);
    this.frames.flags[dst] |= FRAME_DIRTY;
  }

  isPageCache(pfn: number): boolean {
    return (this.frames.flags[pfn] & FRAME_PAGECACHE) !== 0;
  }

  /**
   * Sweep the frame array for the pin totals (slow: O(frames)); the deep
   * check compares them with totalPins and pinnedFrames.
   */
  scanPins(): { totalPins: number; pinnedFrames: number } {
    const { pin, flags } = this.frames;
    const FREE = FRAME_FREE;
    let totalPins = 0;
    let pinnedFrames = 0;
    for (let f = 0; f < this.nframes; f++) {
      const c = pin[f];
      // free frames overlay their free-list links on `pin`: they count 0
      if (c !== 0 && (flags[f] & FREE) === 0) {
        totalPins += c;
        pinnedFrames++;
      }
    }
    return { totalPins, pinnedFrames };
  }

  /** Which frames are free (in the allocator or in a hugetlb pool). Slow; for checks. */
  freeMap(): Uint8Array {
    const out = new Uint8Array(this.nframes);
    this.buddy.markFree(out);
    for (const pool of [this.hugetlb2M, this.hugetlb1G]) {
      for (const h of pool.freeHeads()) out.fill(1, h, h + pool.nrPages);
    }
    return out;
  }

  /** Bytes of engine memory spent on frame metadata (no contents). */
  get metadataBytes(): number {
    return this.frames.byteLength + this.buddy.byteLength + (this.hugetlb2M.total + this.hugetlb1G.total) * 8;
  }

  private checkPfn(pfn: number): void {
    if (!Number.isInteger(pfn) || pfn < 0 || pfn >= this.nframes)
      fail('EINVAL', `pfn ${pfn} outside physical memory`);
  }
}

function checkInFrame(offset: number, length: number): void {
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > PAGE_SIZE
  )
    fail('EINVAL', `frame access [${offset}, +${length}) outside one page`);
}
