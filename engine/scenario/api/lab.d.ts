/**
 * PFN Lab scenario API, version 1 (SCENARIO-API.md). This file is the single
 * source of the `lab` declarations: the app's editor loads it, scenario files
 * reference it (`/// <reference path="../engine/scenario/api/lab.d.ts" />`),
 * and `pfnlab check` type-checks against it.
 */

/** A non-negative safe integer, or a bigint (IOVA space is 64-bit). */
type U64 = number | bigint;

type LabErrno =
  | 'EINVAL'
  | 'EOVERFLOW'
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOSPC'
  | 'EADDRINUSE'
  | 'EBUSY'
  | 'EFAULT'
  | 'ENOMEM'
  | 'EPERM'
  | 'EMSGSIZE'
  | 'EDEADLOCK'
  | 'EBADE'
  | 'EIO';

/** Every failing call throws one of these. */
interface LabError extends Error {
  readonly errno: LabErrno;
  readonly message: string;
  /** Data the kernel returns alongside the error (e.g. EMSGSIZE from iovaRanges). */
  readonly detail?: unknown;
}

interface Counters {
  iommuMapCalls: number;
  iommuUnmapCalls: number;
  iovaToPhysCalls: number;
  ioPagesMapped: number;
  ioPagesUnmapped: number;
  pteWrites: number;
  iotlbFlushes: number;
  readPfnsCalls: number;
  mapPfnListCalls: number;
  pinCalls: number;
  pagesPinned: number;
  pagesUnpinned: number;
  pageFaults: number;
  cowBreaks: number;
  framesAllocated: number;
  framesFreed: number;
  xarrayStores: number;
  xarrayErases: number;
  batchRuns: number;
  batchPfns: number;
  rwBytes: number;
  tempMemoryPeakBytes: number;
  faultsInjected: number;
  warnings: number;
}

interface MachineOptions {
  /** Bytes of emulated RAM, default 4 GiB. */
  physicalMemory?: number;
  /** 0..1: how scattered free 4 KiB frames are at start, default 0.5. */
  fragmentation?: number;
  /** Default 1; same seed → same PFNs, same results. */
  seed?: number;
  /** hugetlb pool size in 2 MiB pages, default 64. */
  hugetlbPages2M?: number;
  /** hugetlb pool size in 1 GiB pages, default 0. */
  hugetlbPages1G?: number;
}

interface MmapOptions {
  /** MAP_SHARED (fork children see the same frames); default false. */
  shared?: boolean;
  /** MAP_HUGETLB: backed by the hugetlb pool; ENOMEM when empty. */
  hugetlb?: '2M' | '1G';
  /** Transparent huge pages where 2 MiB aligned; default false. */
  thp?: boolean;
  /** Fault every page in now; default false (first touch or pin faults it in). */
  populate?: boolean;
  /** Private file-backed (copy-on-write on first write). */
  file?: boolean;
  /** PROT_READ only. */
  readOnly?: boolean;
  /** Power of two >= PAGE_SIZE. */
  align?: number;
}

interface Process {
  readonly pid: number;
  /** Anonymous (or file) mapping; returns its address. Page aligned; `align` may ask for more. */
  mmap(length: number, opts?: MmapOptions): number;
  munmap(uptr: number, length: number): void;
  /** CPU access by the process (faults pages in). EFAULT if unmapped. */
  read(uptr: number, length: number): Uint8Array;
  /** CPU write by the process (a write breaks copy-on-write). EFAULT if unmapped. */
  write(uptr: number, data: Uint8Array): void;
  /** A child process: private mappings copy-on-write, shared mappings share frames. */
  fork(): Process;
  /** The process exits; its mm goes away once nothing references it. */
  exit(): void;
  readonly alive: boolean;
  /** RLIMIT_MEMLOCK in bytes, default Infinity. */
  memlockLimit: number;
  /** Default false. */
  capIpcLock: boolean;
  /** Default true (needed to set RLIMIT_MODE). */
  capSysResource: boolean;
  /** Accounting counters, in pages. */
  accounting(): { userLockedVm: number; mmLockedVm: number; mmPinnedVm: number };
}

interface Iommufd {
  ioasAlloc(): Ioas;
  /** IOMMU_OPTION on the context. 'RLIMIT_MODE': 0 = per-user (default), 1 = per-mm. */
  getOption(name: 'RLIMIT_MODE'): number;
  /** Other values → EINVAL; without capSysResource → EPERM; once objects exist → EBUSY. */
  setOption(name: 'RLIMIT_MODE', value: number): void;
  /** An in-kernel access user of an IOAS (like a mediated device driver). */
  createAccess(
    ioas: Ioas,
    opts?: {
      /** May pin; raises the IOAS alignment to PAGE_SIZE. */
      needsPinPages?: boolean;
      /** Reaction to an unmap of pinned IOVA; default 'unpin'. */
      onUnmap?: 'unpin' | 'ignore';
    },
  ): Access;
  /** Destroy every object and release every pin this context holds. */
  close(): void;
}

interface IovaRange {
  start: bigint;
  last: bigint;
}

interface Ioas {
  readonly id: number;
  /** IOMMU_IOAS_MAP. Default: kernel-chosen IOVA, read and write. Returns the IOVA. */
  map(
    uptr: number,
    length: U64,
    opts?: { iova?: U64; read?: boolean; write?: boolean; process?: Process },
  ): bigint;
  /** IOMMU_IOAS_UNMAP. Returns bytes unmapped. (0, U64_MAX) unmaps everything. Not atomic. */
  unmap(iova: U64, length: U64): bigint;
  /** IOMMU_IOAS_COPY from `src` into this IOAS, sharing the source pages. Returns the IOVA. */
  copyFrom(
    src: Ioas,
    srcIova: U64,
    length: U64,
    opts?: { iova?: U64; read?: boolean; write?: boolean; process?: Process },
  ): bigint;
  /** IOMMU_IOAS_IOVA_RANGES. capacity too small → EMSGSIZE with detail { numIovas, ranges }. */
  iovaRanges(capacity?: number): { ranges: IovaRange[]; alignment: bigint };
  /** IOMMU_IOAS_ALLOW_IOVAS: replaces the allowed list; [] clears it. */
  allowIovas(ranges: { start: U64; last: U64 }[]): void;
  /** Test helper (IOMMU_TEST_OP_ADD_RESERVED): reserve [start, start+length). */
  addReserved(start: U64, length: U64): void;
  /** IOMMU_OPTION on the IOAS. 'HUGE_PAGES': 1 (default) or 0. */
  getOption(name: 'HUGE_PAGES'): number;
  setOption(name: 'HUGE_PAGES', value: number): void;
  /** Create a device with a new domain and attach it to this IOAS. Default kind 'mock'. */
  attachDomain(opts?: DomainOptions): Domain;
  /** IOMMU_DESTROY. EBUSY while a domain or an access refers to it. */
  destroy(): void;
}

interface DomainOptions {
  kind?: 'mock' | 'pagetable';
  /** For 'pagetable': a multi-level radix table with these leaf sizes. */
  format?: 'x86_64' | 'arm64_4k';
  /** For 'pagetable': which leaf sizes the domain may use, default all of the format. */
  pageSizes?: number[];
  /** The seed's proposed batch API (readPfns / mapPfnList); default false. */
  batchApi?: boolean;
}

interface DomainStats {
  mappedBytes: number;
  mapCalls: number;
  unmapCalls: number;
  pteWrites: number;
  tableBytes: number;
  [more: string]: number;
}

interface Domain {
  readonly id: number;
  readonly kind: 'mock' | 'pagetable';
  /** MD_CHECK_MAP: every IO page of [iova, iova+length) maps to the frame behind uptr. */
  checkMap(iova: U64, length: U64, uptr: number, opts?: { process?: Process }): void;
  /** Physical address mapped at iova, or null. */
  iovaToPhys(iova: U64): bigint | null;
  /** Destroy the device and its domain: detaches from the IOAS. */
  detach(): void;
  stats(): DomainStats;
}

interface AccessItem {
  readonly id: number;
  readonly iova: bigint;
  readonly length: bigint;
}

interface Access {
  readonly id: number;
  /** Pin [iova, iova+length). `uptr` given: the pinned frames must be the frames behind it (else EBADE). */
  pin(iova: U64, length: U64, opts?: { write?: boolean; uptr?: number }): AccessItem;
  /** Unpin an item. Unknown or already released → ENOENT. */
  unpin(item: AccessItem | number): void;
  /** Items still pinned. */
  readonly items: AccessItem[];
  /** CPU read through the access, any byte granularity. length > 16 MiB → ENOMEM. */
  read(iova: U64, length: number, opts?: { slowPath?: boolean }): Uint8Array;
  /** CPU write through the access, any byte granularity. length > 16 MiB → ENOMEM. */
  write(iova: U64, data: Uint8Array, opts?: { slowPath?: boolean }): void;
  /** Unpin everything and destroy the access. */
  close(): void;
}

interface Lab {
  readonly PAGE_SIZE: number;
  readonly HUGEPAGE_SIZE: number;
  readonly MOCK_PAGE_SIZE: number;
  readonly MOCK_APERTURE_START: bigint;
  readonly MOCK_APERTURE_LAST: bigint;
  readonly U64_MAX: bigint;

  /** Emulated machine settings. Only before the first mmap; later → EBUSY. */
  configure(opts: MachineOptions): void;
  /** The process the scenario runs as. */
  readonly process: Process;
  /** Open an iommufd context, like open("/dev/iommu"), owned by `process` (default lab.process). */
  open(opts?: { process?: Process }): Iommufd;

  /** Long-term pin count of every PAGE_SIZE page of [uptr, uptr+length) must equal refs (else EIO). */
  checkRefs(uptr: number, length: number, refs: number, opts?: { process?: Process }): void;
  /** Pin count of the page that backs `uptr`. */
  pinCount(uptr: number, opts?: { process?: Process }): number;

  /** Cap on temporary batch memory, bytes (default 65536). < 12 → EINVAL. */
  setTempMemoryLimit(bytes: number): void;

  /** Fault injection: make the n-th fallible step from now on fail (n >= 1). */
  failNth(n: number): void;
  /** Whether the armed fault has fired; disarms it. */
  faultConsumed(): boolean;

  /** Run the full internal consistency check now; throws EINVAL with a description on any violation. */
  checkInvariants(): void;

  /** Deterministic random numbers from the run's seed. */
  random(): number;
  /** A timeline marker, shown in the app and in exported traces. */
  mark(label: string): void;
  /** Run fn and return the counter deltas it caused (also recorded as a span on the timeline). */
  measure(label: string, fn: () => void): Counters;
  /** Cumulative counters since the run started. */
  counters(): Counters;
  /** Printed to the run log. */
  log(...values: unknown[]): void;
}

declare const lab: Lab;
