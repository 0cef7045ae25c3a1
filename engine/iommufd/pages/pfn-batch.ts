/**
 * struct pfn_batch (IOMMUFD-ALGORITHMS.md §4): a temporary vector of PFN
 * runs. pfns[k] is the first PFN of run k, npfns[k] its length. Capacity
 * comes from the temporary memory limit at 12 bytes per run; destroy paths
 * use a 256-byte backup (21 runs) and never fail. clearCarry/skipCarry have
 * the FIXED semantics of §12.1 (carry pfns[0] computed before npfns[0] is
 * written; end = 1 after a carry).
 */
import { PAGE_SIZE, type Kernel } from '../../base';
import type { PhysMemory } from '../../mm';
import type { Xarray } from '../ds';
import { giveF64, giveU32, takeF64, takeU32 } from './scratch-arrays';
import { tempKmalloc, tempRelease } from './temp-memory';

/** 8 bytes of pfn + 4 bytes of npfns */
export const BATCH_ELEMENT_SIZE = 12;
/** BATCH_BACKUP_SIZE: 32 u64 */
export const BATCH_BACKUP_BYTES = 256;
export const U32_MAX = 0xffffffff;

/** What batch_unpin needs of an iopt_pages. */
export interface PinHolder {
  npinned: number;
  pinGen: number;
  readonly writable: boolean;
  readonly phys: PhysMemory;
}

export class PfnBatch {
  readonly pfns: Float64Array;
  readonly npfns: Uint32Array;
  /** Runs in use. */
  end = 0;
  /** Capacity in runs. */
  arraySize: number;
  totalPfns = 0;
  private readonly heapBytes: number;
  private destroyed = false;

  private constructor(
    readonly kernel: Kernel,
    capacity: number,
    heapBytes: number,
  ) {
    this.arraySize = capacity;
    // recycled arrays (scratch-arrays.ts): stale contents, `end` says what is in use
    this.pfns = takeF64(Math.max(capacity, 1));
    this.npfns = takeU32(Math.max(capacity, 1));
    this.heapBytes = heapBytes;
  }

  /** batch_init: may fail with ENOMEM (site temp_kmalloc). */
  static init(kernel: Kernel, maxPages: number): PfnBatch {
    return PfnBatch.initCommon(kernel, maxPages, 0);
  }

  /** batch_init_backup: cannot fail (the stack backup). */
  static initBackup(kernel: Kernel, maxPages: number): PfnBatch {
    return PfnBatch.initCommon(kernel, maxPages, BATCH_BACKUP_BYTES);
  }

  private static initCommon(kernel: Kernel, maxPages: number, backupLen: number): PfnBatch {
    const g = tempKmalloc(kernel, maxPages * BATCH_ELEMENT_SIZE, backupLen);
    const capacity = Math.floor(g.size / BATCH_ELEMENT_SIZE);
    if (capacity === 0) kernel.warn('pages', 'pfn_batch with no room for a run');
    return new PfnBatch(kernel, capacity, g.backup ? 0 : g.size);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.heapBytes > 0) tempRelease(this.kernel, this.heapBytes);
    giveF64(this.pfns);
    giveU32(this.npfns);
  }

  /** batch_clear */
  clear(): void {
    this.totalPfns = 0;
    this.end = 0;
    this.pfns[0] = 0;
    this.npfns[0] = 0;
  }

  /**
   * batch_clear_carry: keep the last `keep` PFNs of the last run as the only
   * run (the carry). FIXED: compute the new first PFN before writing npfns[0],
   * and leave end = 1.
   */
  clearCarry(keep: number): void {
    if (keep === 0) {
      this.clear();
      return;
    }
    if (this.end === 0 || this.npfns[this.end - 1] < keep)
      this.kernel.warn('pages', 'batch carry larger than the last run');
    const first = this.pfns[this.end - 1] + this.npfns[this.end - 1] - keep;
    this.pfns[0] = first;
    this.npfns[0] = keep;
    this.totalPfns = keep;
    this.end = 1;
  }

  /** batch_skip_carry: drop `skip` PFNs from the front of the carry. */
  skipCarry(skip: number): void {
    if (this.totalPfns === 0) return;
    if (this.totalPfns !== this.npfns[0]) this.kernel.warn('pages', 'batch carry is not a single run');
    const n = Math.min(this.totalPfns, skip);
    this.pfns[0] += n;
    this.npfns[0] -= n;
    this.totalPfns -= n;
    // Deviation (documented in README): the kernel leaves a zero-length run
    // in slot 0. With a one-run batch (TEMP_MEMORY_LIMIT < 24) that run makes
    // the batch "full", the next read adds nothing and unpin_domain unmaps
    // [unmapped_end, start - 1] on its own — a cut through a map call. An
    // empty carry is an empty batch, so reset it.
    if (this.totalPfns === 0) this.clear();
  }

  /** batch_add_pfn: false when the batch is full (nothing added). */
  addPfn(pfn: number): boolean {
    const end = this.end;
    if (end > 0) {
      const k = end - 1;
      if (pfn === this.pfns[k] + this.npfns[k] && this.npfns[k] !== U32_MAX) {
        this.npfns[k]++;
        this.totalPfns++;
        this.kernel.counters.batchPfns++;
        return true;
      }
    }
    if (end === this.arraySize) return false;
    this.pfns[end] = pfn;
    this.npfns[end] = 1;
    this.end = end + 1;
    this.totalPfns++;
    this.kernel.counters.batchRuns++;
    this.kernel.counters.batchPfns++;
    return true;
  }

  /**
   * Add up to `n` PFNs from `src[off..]` (batch_from_pages). Returns how many
   * were added; stops when the batch is full.
   */
  fromPages(src: Uint32Array, off: number, n: number): number {
    let i = 0;
    for (; i < n; i++) if (!this.addPfn(src[off + i])) break;
    return i;
  }

  /** batch_from_xarray: entries must exist (WARN otherwise). */
  fromXarray(xa: Xarray, start: number, last: number): void {
    for (let i = start; i <= last; i++) {
      const pfn = xa.load(i);
      if (pfn < 0) {
        this.kernel.warn('pages', `xarray entry ${i} missing in batch_from_xarray`);
        return;
      }
      if (!this.addPfn(pfn)) return;
    }
  }

  /** batch_from_xarray_clear: erase each entry once it is in the batch. */
  fromXarrayClear(xa: Xarray, start: number, last: number): void {
    for (let i = start; i <= last; i++) {
      const pfn = xa.load(i);
      if (pfn < 0) {
        this.kernel.warn('pages', `xarray entry ${i} missing in batch_from_xarray_clear`);
        return;
      }
      if (!this.addPfn(pfn)) return;
      xa.erase(i);
      this.kernel.counters.xarrayErases++;
    }
  }

  /**
   * batch_unpin: skip `firstOff` PFNs, then unpin `count` PFNs run by run,
   * dirty iff the pages are writable.
   */
  unpin(pages: PinHolder, firstOff: number, count: number): void {
    const phys = pages.phys;
    const dirty = pages.writable;
    let off = firstOff;
    let left = count;
    for (let k = 0; k < this.end && left > 0; k++) {
      const n = this.npfns[k];
      if (off >= n) {
        off -= n;
        continue;
      }
      const take = Math.min(n - off, left);
      phys.unpinRange(this.pfns[k] + off, take, dirty);
      left -= take;
      off = 0;
    }
    if (left !== 0) this.kernel.warn('pages', 'batch_unpin past the end of the batch');
    if (pages.npinned < count) this.kernel.warn('pages', 'npinned underflow in batch_unpin');
    pages.npinned -= count;
    pages.pinGen++;
  }

  /**
   * batch_rw: copy between `data` and the batch's frames starting `offset`
   * bytes into the first page. Returns bytes copied.
   */
  rw(
    phys: PhysMemory,
    data: Uint8Array,
    dataOffset: number,
    offset: number,
    length: number,
    write: boolean,
  ): number {
    let copied = 0;
    let off = offset;
    for (let k = 0; k < this.end && length > 0; k++) {
      let pfn = this.pfns[k];
      const lastPfn = pfn + this.npfns[k];
      for (; pfn < lastPfn && length > 0; pfn++) {
        const n = Math.min(length, PAGE_SIZE - off);
        if (write) phys.writeFrame(pfn, off, data, dataOffset + copied, n);
        else phys.readFrame(pfn, off, data, dataOffset + copied, n);
        copied += n;
        length -= n;
        off = 0;
      }
    }
    return copied;
  }
}
