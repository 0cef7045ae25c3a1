import { fail, PAGE_SIZE, type Kernel } from '../base';
import { hex, iommuPgsize } from './align';
import { IotlbGather } from './gather';
import { DomainCounters } from './stats';
import type {
  DomainKind,
  DomainStats,
  IommuDomain,
  MappedRange,
  PagetableFormatName,
  PfnSink,
  ReservedRegion,
} from './types';

export interface DomainGeometry {
  pageSizes: readonly number[];
  apertureStart: number;
  apertureEnd: number;
  batchApi: boolean;
  format: PagetableFormatName | null;
}

/**
 * What every emulated domain shares: geometry, counters, the counted
 * iova_to_phys with its warning/probe policy, and the batch API (§13)
 * expressed through the driver's storage primitives. A driver supplies
 * install/erase (storage), unmapPages (with its own checks), lookup and the
 * run walk.
 */
export abstract class DomainBase implements IommuDomain {
  readonly pgsizeBitmap: number;
  readonly pageSizes: readonly number[];
  readonly minPageSize: number;
  readonly apertureStart: number;
  readonly apertureEnd: number;
  readonly batchApi: boolean;
  readonly format: PagetableFormatName | null;
  readonly source: string;
  freed = false;
  protected readonly counters: DomainCounters;

  constructor(
    readonly kernel: Kernel,
    readonly id: number,
    readonly kind: DomainKind,
    geo: DomainGeometry,
  ) {
    this.pageSizes = geo.pageSizes.slice().sort((a, b) => a - b);
    let bitmap = 0;
    for (const s of this.pageSizes) bitmap = (bitmap | s) >>> 0;
    this.pgsizeBitmap = bitmap;
    this.minPageSize = this.pageSizes[0];
    this.apertureStart = geo.apertureStart;
    this.apertureEnd = geo.apertureEnd;
    this.batchApi = geo.batchApi;
    this.format = geo.format;
    this.source = `${kind}-domain ${id}`;
    this.counters = new DomainCounters(kernel);
  }

  // ---- storage primitives supplied by the driver ----

  /**
   * Install pgcount leaves of pgsize from iova → paddr as one mapping unit
   * (the mock marks its first and last entry). All or nothing; throws.
   */
  protected abstract install(
    iova: number,
    paddr: number,
    pgsize: number,
    pgcount: number,
    prot: number,
  ): void;
  /** Silently remove what install() put in [iova, iova+size): undo of this call's own work. */
  protected abstract erase(iova: number, size: number): void;
  /** What iova_to_phys answers (mock: the 2 KiB frame base), or -1. No counting. */
  protected abstract lookup(iova: number): number;
  abstract translate(iova: number): number;
  abstract unmapPages(iova: number, pgsize: number, pgcount: number, gather: IotlbGather): number;
  abstract mappedRanges(): MappedRange[];
  abstract entryCount(): number;
  /** Drop all storage (after the free() warning). */
  protected abstract releaseAll(): void;
  /** Release table pages queued on the gather (after the flush). */
  protected releaseFreed(gather: IotlbGather): void {
    if (gather.freelist.length !== 0) gather.freelist.length = 0;
  }

  // ---- shared behaviour ----

  stats(): DomainStats {
    return this.counters.snapshot(this.entryCount());
  }

  reservedRegions(): ReservedRegion[] {
    return [];
  }

  /** Core-shim bookkeeping: iommu_map / iommu_unmap calls on this domain. */
  countMapCall(): void {
    this.counters.mapCalls++;
    this.kernel.counters.iommuMapCalls++;
  }

  countUnmapCall(): void {
    this.counters.unmapCalls++;
    this.kernel.counters.iommuUnmapCalls++;
  }

  assertLive(): void {
    if (this.freed) fail('EINVAL', `${this.source}: domain already freed`);
  }

  mapPages(iova: number, paddr: number, pgsize: number, pgcount: number, prot: number): void {
    this.counters.mapPagesCalls++;
    this.install(iova, paddr, pgsize, pgcount, prot);
  }

  iovaToPhys(iova: number, probe: boolean): number {
    this.counters.iovaToPhysCalls++;
    this.kernel.counters.iovaToPhysCalls++;
    this.checkReadAlignment(iova);
    const phys = this.lookup(iova);
    if (phys < 0) this.reportUnmappedRead(iova, probe);
    return phys;
  }

  /** The mock WARNs on reads not aligned to its IO page; real tables do not care. */
  protected checkReadAlignment(iova: number): void {
    void iova;
  }

  protected reportUnmappedRead(iova: number, probe: boolean): void {
    const msg = `iova_to_phys of unmapped IOVA ${hex(iova)}`;
    if (probe) this.kernel.events.probe(this.source, msg);
    else this.kernel.warn(this.source, msg);
  }

  iotlbSync(gather: IotlbGather): void {
    if (gather.empty) return;
    this.counters.iotlbFlushes++;
    this.kernel.counters.iotlbFlushes++;
    this.releaseFreed(gather);
    gather.reset();
  }

  readPfns(iova: number, npages: number, sink: PfnSink, probe: boolean): number {
    this.counters.readPfnsCalls++;
    this.kernel.counters.readPfnsCalls++;
    let consumed = 0;
    let runPfn = 0;
    let runLen = 0;
    let off = 0;
    for (let k = 0; k < npages; k++) {
      const at = k === 0 ? iova : iova - off + k * PAGE_SIZE;
      const phys = this.lookup(at);
      if (phys < 0) {
        this.reportUnmappedRead(at, probe);
        break;
      }
      if (k === 0) off = phys % PAGE_SIZE;
      const pfn = Math.floor(phys / PAGE_SIZE);
      if (runLen > 0 && pfn === runPfn + runLen) {
        runLen++;
        continue;
      }
      if (runLen > 0) {
        if (!sink(runPfn, runLen)) return consumed;
        consumed += runLen;
      }
      runPfn = pfn;
      runLen = 1;
    }
    if (runLen > 0 && sink(runPfn, runLen)) consumed += runLen;
    return consumed;
  }

  mapPfnList(iova: number, paddrs: Float64Array, sizes: Float64Array, count: number, prot: number): void {
    this.counters.mapPfnListCalls++;
    this.kernel.counters.mapPfnListCalls++;
    let cur = iova;
    try {
      for (let s = 0; s < count; s++) {
        let paddr = paddrs[s];
        let rem = sizes[s];
        while (rem > 0) {
          const c = iommuPgsize(this.pageSizes, cur, paddr, rem);
          const pgsize = c.pgsize;
          const pgcount = c.count;
          this.install(cur, paddr, pgsize, pgcount, prot);
          const bytes = pgsize * pgcount;
          cur += bytes;
          paddr += bytes;
          rem -= bytes;
        }
      }
    } catch (e) {
      if (cur > iova) this.erase(iova, cur - iova);
      throw e;
    }
  }

  free(): void {
    if (this.freed) return;
    const n = this.entryCount();
    if (n > 0) this.kernel.warn(this.source, `domain freed with ${n} entries still mapped`);
    this.releaseAll();
    this.counters.mappedBytes = 0;
    this.freed = true;
  }
}
