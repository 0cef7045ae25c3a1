/**
 * struct pfn_reader (IOMMUFD-ALGORITHMS.md §6): iterates [start, last] of an
 * IoptPages in batches, reading every index from the cheapest tier that
 * holds it — the xarray for access-held indexes, the storage domain for
 * domain-held ones, and pin_user_pages for holes. Caller holds pages.mutex.
 */
import { fail } from '../../base';
import type { Process } from '../../mm';
import { DoubleSpanIter } from '../ds';
import { batchFromDomain } from './batch-domain';
import type { IoptPages } from '../area-pages';
import { PfnBatch } from './pfn-batch';
import { PfnReaderUser } from './pfn-reader-user';
import { userUpdatePinned } from './accounting';

export class PfnReader {
  readonly span = new DoubleSpanIter<number>();
  batch!: PfnBatch;
  batchStartIndex = 0;
  batchEndIndex = 0;
  lastIndex = 0;
  readonly user: PfnReaderUser;
  private readonly unpinSpan = new DoubleSpanIter<number>();

  constructor(
    readonly pages: IoptPages,
    current: Process,
  ) {
    this.user = new PfnReaderUser(pages, current);
  }

  /** pfn_reader_init: may fail (batch_init). */
  private init(start: number, last: number): void {
    this.batchStartIndex = start;
    this.batchEndIndex = start;
    this.lastIndex = last;
    this.batch = PfnBatch.init(this.pages.kernel, last - start + 1);
    this.span.first(this.pages.accessItree, this.pages.domainsItree, start, last);
  }

  /** pfn_reader_first: on error everything is released and the error thrown. */
  static first(pages: IoptPages, current: Process, start: number, last: number): PfnReader {
    if (start > last) pages.kernel.warn('pages', 'pfn_reader_first with start > last');
    const r = new PfnReader(pages, current);
    r.init(start, last);
    try {
      r.next();
    } catch (e) {
      r.destroy();
      throw e;
    }
    return r;
  }

  done(): boolean {
    return this.batchStartIndex === this.lastIndex + 1;
  }

  /** pfn_reader_fill_span */
  private fillSpan(): void {
    const span = this.span;
    const pages = this.pages;
    const s = this.batchEndIndex;
    if (span.isUsed === 1) {
      this.batch.fromXarray(pages.pinnedPfns, s, span.lastUsed);
      return;
    }
    if (span.isUsed === 2) {
      const node = pages.domainsItree.iterFirst(s, s);
      if (node === null || node.value.storageDomain === null) {
        pages.kernel.warn('pages', `no storage domain covers index ${s}`);
        fail('EINVAL', 'domains_itree span without an area');
      }
      const area = node.value;
      batchFromDomain(
        this.batch,
        area.storageDomain as NonNullable<typeof area.storageDomain>,
        area,
        s,
        Math.min(area.lastIndex, span.lastUsed),
      );
      return;
    }
    const user = this.user;
    if (s >= user.upagesEnd) user.pin(s, span.lastHole);
    this.batch.fromPages(
      user.upages as Uint32Array,
      user.upagesOff + (s - user.upagesStart),
      user.upagesEnd - s,
    );
  }

  /** pfn_reader_next: load the next batch. */
  next(): void {
    const batch = this.batch;
    batch.clear();
    this.batchStartIndex = this.batchEndIndex;
    while (this.batchEndIndex !== this.lastIndex + 1) {
      const before = batch.totalPfns;
      if (this.span.done()) {
        this.pages.kernel.warn('pages', 'pfn_reader span done before the range');
        fail('EINVAL', 'pfn_reader span iterator ended before the range');
      }
      this.fillSpan();
      if (batch.totalPfns === 0) {
        this.pages.kernel.warn('pages', 'pfn_reader made no progress');
        fail('EINVAL', 'pfn_reader made no progress');
      }
      this.batchEndIndex = this.batchStartIndex + batch.totalPfns;
      if (this.batchEndIndex === this.span.lastUsed + 1) this.span.next();
      if (batch.totalPfns === before) return;
    }
  }

  /** pfn_reader_unpin: unpin the batch's PFNs that no tree holds. */
  unpin(): void {
    const span = this.unpinSpan;
    const pages = this.pages;
    for (
      span.first(pages.accessItree, pages.domainsItree, this.batchStartIndex, this.batchEndIndex - 1);
      !span.done();
      span.next()
    ) {
      if (span.isUsed !== 0) continue;
      this.batch.unpin(pages, span.startHole - this.batchStartIndex, span.lastHole - span.startHole + 1);
    }
  }

  /** pfn_reader_release_pins: drop every pin this reader took and did not commit. */
  releasePins(): void {
    const user = this.user;
    if (user.upagesEnd > this.batchEndIndex) user.unpinTail(this.batchEndIndex);
    if (this.batchStartIndex !== this.batchEndIndex) {
      this.unpin();
      this.batchStartIndex = this.batchEndIndex;
    }
  }

  /** pfn_reader_update_pinned */
  updatePinned(): void {
    userUpdatePinned(this.pages);
  }

  private destroyed = false;

  /** pfn_reader_destroy (once: the batch's arrays are recycled) */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.batch !== undefined) this.releasePins();
    this.user.destroy();
    if (this.batch !== undefined) this.batch.destroy();
    if (this.pages.lastNpinned !== this.pages.npinned)
      this.pages.kernel.warn('pages', 'pfn_reader_destroy with unaccounted pins');
  }
}
