/**
 * struct pfn_reader_user (IOMMUFD-ALGORITHMS.md §5): pins user pages of an
 * IoptPages through the source mm into `upages` (PFNs), which covers indexes
 * [upagesStart, upagesEnd).
 */
import { fail, PAGE_SIZE } from '../../base';
import type { Process } from '../../mm';
import type { IoptPages } from '../area-pages';
import { giveU32, takeU32 } from './scratch-arrays';
import { tempKmalloc, tempRelease } from './temp-memory';

/** sizeof(struct page *) */
export const UPAGE_BYTES = 8;

export class PfnReaderUser {
  upages: Uint32Array | null = null;
  /** Offset of slot 0 inside `upages` (fill_xarray pins straight into the output). */
  upagesOff = 0;
  upagesLen = 0;
  upagesStart = 0;
  upagesEnd = 0;
  /** -1: no mm reference; 0: mm reference held (or not needed). */
  locked = -1;
  private mmRef = false;
  private heapBytes = 0;
  /** upages came from takeU32 (not an external array): given back on destroy. */
  private ownsUpages = false;
  readonly gupWrite: boolean;

  constructor(
    readonly pages: IoptPages,
    readonly current: Process,
  ) {
    this.gupWrite = pages.writable;
  }

  /** Capacity of `upages` from upagesOff, in pages. */
  private capacity(): number {
    return Math.floor(this.upagesLen / UPAGE_BYTES);
  }

  /** pfn_reader_user_pin: pin from `start`, at most up to `last` (may be short). */
  pin(start: number, last: number): void {
    const pages = this.pages;
    if (start > last) pages.kernel.warn('pages', 'pfn_reader_user_pin with start > last');
    if (this.upages === null) {
      this.upagesLen = (last - start + 1) * UPAGE_BYTES;
      const g = tempKmalloc(pages.kernel, this.upagesLen, 0);
      this.upagesLen = g.size;
      this.heapBytes = g.size;
      this.upages = takeU32(Math.max(1, Math.floor(g.size / UPAGE_BYTES)));
      this.ownsUpages = true;
      this.upagesOff = 0;
    }
    if (this.locked === -1) {
      if (pages.sourceMm !== this.current.mm) {
        if (!pages.sourceMm.tryGet()) fail('EFAULT', 'source mm is gone');
        this.mmRef = true;
      }
      this.locked = 0;
    }
    const n = Math.min(last - start + 1, this.capacity());
    if (pages.kernel.faults.shouldFail('pin_user_pages')) fail('EFAULT', 'pin_user_pages failed (injected)');
    const rc = pages.sourceMm.pinUserPages(
      pages.uptr + start * PAGE_SIZE,
      n,
      this.gupWrite,
      this.upages,
      this.upagesOff,
    );
    if (rc === 0) {
      pages.kernel.warn('pages', 'pin_user_pages returned 0');
      fail('EFAULT', 'pin_user_pages pinned nothing');
    }
    pages.npinned += rc;
    pages.pinGen++;
    if (pages.npinned > pages.npages) pages.kernel.warn('pages', 'npinned > npages');
    this.upagesStart = start;
    this.upagesEnd = start + rc;
  }

  /** Point `upages` at an external array (fill_xarray pins into out_pages). */
  useExternal(out: Uint32Array, off: number, lenPages: number): void {
    this.ownsUpages = false;
    this.upages = out;
    this.upagesOff = off;
    this.upagesLen = lenPages * UPAGE_BYTES;
  }

  /** Unpin (plain, not dirty) the upages entries of indexes [from, upagesEnd). */
  unpinTail(from: number): void {
    if (this.upages === null || from >= this.upagesEnd) return;
    const n = this.upagesEnd - from;
    this.pages.phys.unpinPages(this.upages, this.upagesOff + (from - this.upagesStart), n, false);
    this.pages.npinned -= n;
    this.pages.pinGen++;
    this.upagesEnd = from;
  }

  /** pfn_reader_user_destroy */
  destroy(): void {
    if (this.mmRef) {
      this.pages.sourceMm.put();
      this.mmRef = false;
    }
    this.locked = -1;
    if (this.heapBytes > 0) {
      tempRelease(this.pages.kernel, this.heapBytes);
      this.heapBytes = 0;
    }
    if (this.ownsUpages && this.upages !== null) giveU32(this.upages);
    this.ownsUpages = false;
    this.upages = null;
  }
}
