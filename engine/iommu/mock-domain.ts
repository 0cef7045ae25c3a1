import type { Kernel } from '../base';
import { hex } from './align';
import { DomainBase } from './domain-base';
import type { IotlbGather } from './gather';
import { MOCK_CHUNK, MOCK_LAST, MOCK_PRESENT, MOCK_START, MockStorage } from './mock-storage';
import { appendPfns, type RunCursor, type RunSink } from './run-sink';
import type { MappedRange } from './types';

const PAGE = 4096;

/** The selftest mock's IO page: PAGE_SIZE / 2 (§11.1). */
export const MOCK_IO_PAGE_SIZE = 2048;
export const MOCK_APERTURE_START = 1 << 24; // 16 MiB
export const MOCK_APERTURE_LAST = 2 ** 31 - 1; // 2 GiB - 1

/**
 * The kernel selftest mock domain (IOMMUFD-ALGORITHMS.md §11.1, xarray
 * version): one entry per 2 KiB IO page holding the frame, with separate
 * START and LAST markers on the first and last entry of every map call.
 * Every unmap must begin on a START and end on a LAST, else WARN — so any
 * iommufd bug that cuts through an earlier map call shows up.
 */
export class MockDomain extends DomainBase {
  private readonly store = new MockStorage();

  constructor(kernel: Kernel, id: number, batchApi: boolean) {
    super(kernel, id, 'mock', {
      pageSizes: [MOCK_IO_PAGE_SIZE],
      apertureStart: MOCK_APERTURE_START,
      apertureEnd: MOCK_APERTURE_LAST,
      batchApi,
      format: null,
    });
  }

  protected install(iova: number, paddr: number, pgsize: number, pgcount: number): void {
    if (iova % MOCK_IO_PAGE_SIZE !== 0 || pgsize % MOCK_IO_PAGE_SIZE !== 0) {
      this.kernel.warn(this.source, `map_pages: iova ${hex(iova)} or pgsize ${pgsize} not 2 KiB aligned`);
    }
    const n = (pgsize * pgcount) / MOCK_IO_PAGE_SIZE;
    const key0 = Math.floor(iova / MOCK_IO_PAGE_SIZE);
    const frame0 = Math.floor(paddr / MOCK_IO_PAGE_SIZE);
    const occupied = this.store.storeRun(key0, frame0, n);
    const firstOccupied = this.store.firstOccupied;
    const added = n - occupied;
    this.counters.mapped(added, added * MOCK_IO_PAGE_SIZE, n);
    if (occupied > 0) {
      this.kernel.warn(
        this.source,
        `map_pages over ${occupied} occupied entries, first at IOVA ${hex(
          (key0 + firstOccupied) * MOCK_IO_PAGE_SIZE,
        )}`,
      );
    }
  }

  protected erase(iova: number, size: number): void {
    const key0 = Math.floor(iova / MOCK_IO_PAGE_SIZE);
    const n = size / MOCK_IO_PAGE_SIZE;
    const erased = n - this.store.eraseRun(key0, n);
    this.counters.unmapped(erased, erased * MOCK_IO_PAGE_SIZE, erased);
  }

  unmapPages(iova: number, pgsize: number, pgcount: number, gather: IotlbGather): number {
    this.counters.unmapPagesCalls++;
    const size = pgsize * pgcount;
    const key0 = Math.floor(iova / MOCK_IO_PAGE_SIZE);
    const n = size / MOCK_IO_PAGE_SIZE;
    const missing = this.store.eraseRun(key0, n);
    const { firstMissing, firstFlags, lastFlags } = this.store;
    const erased = n - missing;
    this.counters.unmapped(erased, erased * MOCK_IO_PAGE_SIZE, erased);
    if (missing > 0) {
      this.kernel.warn(
        this.source,
        `unmap_pages of ${missing} missing entries, first at IOVA ${hex(
          (key0 + firstMissing) * MOCK_IO_PAGE_SIZE,
        )}`,
      );
    }
    if (firstFlags & MOCK_PRESENT && !(firstFlags & MOCK_START)) {
      this.kernel.warn(this.source, `unmap at ${hex(iova)} does not begin on a map boundary (START)`);
    }
    if (lastFlags & MOCK_PRESENT && !(lastFlags & MOCK_LAST)) {
      this.kernel.warn(
        this.source,
        `unmap [${hex(iova)}, ${hex(iova + size - 1)}] does not end on a map boundary (LAST)`,
      );
    }
    gather.add(iova, size);
    return size;
  }

  /**
   * batch_from_domain's per-page iova_to_phys reads of up to npages 4 KiB
   * pages from iova (PagetableDomain.readPageRuns for the mock): the same
   * counts, one chunk lookup per chunk, no events. Stops before a page that
   * is not mapped (the caller's per-page read then warns). Returns the pages
   * added; cur.full when the sink filled up (the page that did not fit was
   * read, as batch_from_domain reads it).
   */
  readPageRuns(iova: number, npages: number, sink: RunSink, cur: RunCursor): number {
    cur.full = false;
    if (this.freed || iova % PAGE !== 0) return 0;
    const end0 = sink.end;
    let added = 0;
    let reads = 0;
    let key = iova / MOCK_IO_PAGE_SIZE;
    walk: while (added < npages) {
      const ci = Math.floor(key / MOCK_CHUNK);
      const c = this.store.chunk(ci);
      if (c === undefined) break;
      const flags = c.flags;
      const frames = c.frames;
      let i = key - ci * MOCK_CHUNK;
      for (; i < MOCK_CHUNK && added < npages; i += PAGE / MOCK_IO_PAGE_SIZE) {
        if (!(flags[i] & MOCK_PRESENT)) break walk;
        reads++;
        // lookup's phys is frame * 2 KiB; the page's PFN is phys / 4 KiB
        const pfn = Math.floor(frames[i] / (PAGE / MOCK_IO_PAGE_SIZE));
        if (appendPfns(sink, pfn, 1) === 0) {
          cur.full = true;
          break walk;
        }
        added++;
      }
      key = ci * MOCK_CHUNK + i;
    }
    const runs = sink.end - end0;
    sink.totalPfns += added;
    this.counters.iovaToPhysCalls += reads;
    this.kernel.counters.iovaToPhysCalls += reads;
    this.kernel.counters.batchRuns += runs;
    this.kernel.counters.batchPfns += added;
    return added;
  }

  protected override checkReadAlignment(iova: number): void {
    if (iova % MOCK_IO_PAGE_SIZE !== 0) {
      this.kernel.warn(this.source, `iova_to_phys of IOVA ${hex(iova)} not 2 KiB aligned`);
    }
  }

  protected lookup(iova: number): number {
    const f = this.store.frameOf(Math.floor(iova / MOCK_IO_PAGE_SIZE));
    return f < 0 ? -1 : f * MOCK_IO_PAGE_SIZE;
  }

  translate(iova: number): number {
    const base = this.lookup(iova);
    return base < 0 ? -1 : base + (iova % MOCK_IO_PAGE_SIZE);
  }

  /** Whether the entry at iova carries the START / LAST marker (tests, digests). */
  markersAt(iova: number): { start: boolean; last: boolean } | null {
    const f = this.store.flagsOf(Math.floor(iova / MOCK_IO_PAGE_SIZE));
    if (!(f & MOCK_PRESENT)) return null;
    return { start: (f & MOCK_START) !== 0, last: (f & MOCK_LAST) !== 0 };
  }

  entryCount(): number {
    return this.store.size;
  }

  mappedRanges(): MappedRange[] {
    const out: MappedRange[] = [];
    let runStart = -1;
    let runEnd = -1; // exclusive key
    for (const ci of this.store.chunkKeys()) {
      const c = this.store.chunk(ci);
      if (c === undefined) continue;
      const base = ci * MOCK_CHUNK;
      const flags = c.flags;
      // an entry's flags are 0 exactly when it is absent (erase zeroes them, a store sets PRESENT):
      // the end of a present run is the native indexOf(0), not a loop per entry
      for (let i = c.lo; i <= c.hi; ) {
        if (flags[i] === 0) {
          i++;
          continue;
        }
        let j = flags.indexOf(0, i);
        if (j < 0) j = MOCK_CHUNK;
        if (base + i === runEnd) runEnd = base + j;
        else {
          if (runStart >= 0) out.push(range(runStart, runEnd));
          runStart = base + i;
          runEnd = base + j;
        }
        i = j;
      }
    }
    if (runStart >= 0) out.push(range(runStart, runEnd));
    return out;
  }

  protected releaseAll(): void {
    this.store.clear();
  }
}

function range(startKey: number, endKey: number): MappedRange {
  return {
    iova: startKey * MOCK_IO_PAGE_SIZE,
    length: (endKey - startKey) * MOCK_IO_PAGE_SIZE,
    pageSize: MOCK_IO_PAGE_SIZE,
  };
}
