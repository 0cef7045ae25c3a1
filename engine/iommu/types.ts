/**
 * Public types of the emulated IOMMU (CONTRACTS.md, iommu). IOVAs and
 * physical addresses are plain numbers: every aperture is below 2^53.
 */
import type { Kernel } from '../base';
import type { IotlbGather } from './gather';

/** iommu_map prot bits (include/linux/iommu.h). */
export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;
export const IOMMU_CACHE = 4;

export type DomainKind = 'mock' | 'pagetable';
export type PagetableFormatName = 'x86_64' | 'arm64_4k';

/** createDomain options (the scenario API's DomainOptions). */
export interface CreateDomainOptions {
  kind?: DomainKind;
  /** 'pagetable' only; default 'x86_64'. */
  format?: PagetableFormatName;
  /** 'pagetable' only; leaf sizes the domain may use; default all of the format. */
  pageSizes?: number[];
  /** The seed's proposed batch API (§13): readPfns / mapPfnList. Default false. */
  batchApi?: boolean;
}

/** Per-domain work counters (the scenario API's DomainStats, plus more). */
export interface DomainStats {
  /** Bytes currently mapped. */
  mappedBytes: number;
  /** iommu_map calls on this domain. */
  mapCalls: number;
  /** iommu_unmap calls on this domain. */
  unmapCalls: number;
  /** Page-table (or mock xarray) entry writes, installs and clears. */
  pteWrites: number;
  /** Bytes of live page-table pages (0 for the mock). */
  tableBytes: number;
  [more: string]: number;
}

/** One run of a domain's mappings: adjacent IOVA, same leaf size. */
export interface MappedRange {
  iova: number;
  length: number;
  pageSize: number;
}

/** A reserved IOVA region reported by the domain (iommu_get_resv_regions). */
export interface ReservedRegion {
  start: number;
  /** Inclusive. */
  last: number;
}

/**
 * Receives one run of physically contiguous PAGE_SIZE frames. Returning false
 * refuses the whole run (the batch is full) and stops the read.
 */
export type PfnSink = (pfn: number, count: number) => boolean;

/**
 * An emulated iommu_domain. Callers go through the core shim (iommuMap,
 * iommuUnmap, iommuIovaToPhys, iommuReadPfns, iommuMapPfnList); the driver
 * ops below are what the shim calls and are public only for the shim and tests.
 */
export interface IommuDomain {
  readonly kernel: Kernel;
  readonly id: number;
  readonly kind: DomainKind;
  /** 'pagetable' only; null for the mock. */
  readonly format: PagetableFormatName | null;
  /** OR of the supported page sizes (all below 2^31). */
  readonly pgsizeBitmap: number;
  /** The supported page sizes, ascending. */
  readonly pageSizes: readonly number[];
  /** Smallest supported page size: the alignment of every map and unmap. */
  readonly minPageSize: number;
  readonly apertureStart: number;
  /** Inclusive. */
  readonly apertureEnd: number;
  /** Whether the domain offers readPfns / mapPfnList (§13). */
  readonly batchApi: boolean;
  /** Name used for warnings and probes, e.g. 'mock-domain 3'. */
  readonly source: string;
  readonly freed: boolean;

  stats(): DomainStats;
  /** Run-length summary of the mappings, ascending IOVA. */
  mappedRanges(): MappedRange[];
  /** Live leaf entries (mock: 2 KiB entries; pagetable: leaf PTEs). */
  entryCount(): number;
  /** Reserved regions inside the aperture (none for the emulated kinds). */
  reservedRegions(): ReservedRegion[];
  /** Exact physical address behind iova, or -1. Inspection only: no counters, no events. */
  translate(iova: number): number;
  /** iommu_domain_free. WARNs if anything is still mapped. */
  free(): void;

  // ---- driver ops (domain->ops), called by the core shim ----
  /** map_pages: all or nothing; throws LabError. */
  mapPages(iova: number, paddr: number, pgsize: number, pgcount: number, prot: number): void;
  /** unmap_pages: returns bytes unmapped (stops short, with a warning, where it cannot). */
  unmapPages(iova: number, pgsize: number, pgcount: number, gather: IotlbGather): number;
  /** iova_to_phys: the physical address, or -1 when not mapped (WARN, or a probe event). */
  iovaToPhys(iova: number, probe: boolean): number;
  /** iotlb_sync: flush what the gather collected and release freed table pages. */
  iotlbSync(gather: IotlbGather): void;
  /** Batch API (§13): read npages PAGE_SIZE frames from iova as runs, one call. */
  readPfns(iova: number, npages: number, sink: PfnSink, probe: boolean): number;
  /** Batch API (§13): map `count` segments back to back from iova, one call, all or nothing. */
  mapPfnList(iova: number, paddrs: Float64Array, sizes: Float64Array, count: number, prot: number): void;
}
