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
  | 'EIO'
  | 'EOPNOTSUPP';

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
  /**
   * How IOAS mappings store their PFNs (docs/strategies.md): 'iommufd' (default),
   * 'iommufd+batch-api', 'naive', 'vfio-type1'. Unknown → EINVAL naming the valid ones.
   * Not given: the current one is kept (`pfnlab run --strategy` sets it before the run).
   * What a strategy cannot express fails with EOPNOTSUPP naming it.
   */
  strategy?: 'iommufd' | 'iommufd+batch-api' | 'naive' | 'vfio-type1';
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
  /**
   * Back the mapping with a captured PFN layout (`pfnlab capture`; its JSON
   * text or the parsed file): at mmap time every page the layout lists is
   * mapped, present, at frames placed like the captured ones — runs
   * contiguous in the capture are contiguous here, others are not, huge runs
   * keep their 2 MiB phase and become transparent huge pages — rebased to
   * the lowest place of the emulated machine where all of them are free.
   * Pages the layout does not list fault as usual. Private anonymous only
   * (with shared, file or hugetlb → EINVAL); a layout shorter than `length`
   * → EINVAL, a longer one is cut; a malformed layout → EINVAL naming the
   * field; no free place → ENOMEM. The mapping is aligned to 2 MiB when the
   * layout has a 2 MiB-or-larger block.
   */
  layout?: LayoutFile | string;
  /**
   * With `layout`: the emulated PFN where the placement starts instead of
   * the lowest free place (a multiple of the layout's alignment, else
   * EINVAL); frames there already in use → EBUSY.
   */
  layoutBase?: number;
}

/**
 * A PFN layout file (docs/LAYOUT-FORMAT.md), version 1, as `pfnlab capture`
 * writes it: runs of present pages, each virtually and physically contiguous.
 */
interface LayoutFile {
  format: 'pfnlab-layout';
  version: number;
  pageSize: number;
  /** Virtual address of page 0 in the captured process, hex. */
  start: string;
  /** Pages covered, present or not. */
  pages: number;
  /** [first virtual page offset, first PFN, count, flags (1 present, 2 THP, 4 hugetlb)], sorted, disjoint. */
  runs: [number, number, number, number][];
  /** Provenance: pid, command, host, kernel, capturedAt. */
  source?: Record<string, unknown>;
}

/** What `lab.layout` reads from a layout. */
interface LayoutInfo {
  /** Pages covered, present or not. */
  pages: number;
  /** Present pages. */
  frames: number;
  /** Contiguous runs (virtually and physically), neighbours that continue each other joined. */
  runs: number;
  /** Runs flagged THP or hugetlb. */
  hugeRuns: number;
  /** Groups of runs that are contiguous physically (the frames' own fragmentation). */
  physicalBlocks: number;
}

interface Process {
  readonly pid: number;
  /**
   * Anonymous (or file) mapping; returns its address. Page aligned; `align` may ask for more.
   *
   * Kernel: `do_mmap` (first touch later: `handle_mm_fault`).
   */
  mmap(length: number, opts?: MmapOptions): number;
  /**
   * Kernel: `__vm_munmap` → `unmap_region` (pinned pages stay pinned: the pin holds a reference).
   */
  munmap(uptr: number, length: number): void;
  /**
   * CPU access by the process (faults pages in). EFAULT if unmapped; a read
   * that runs into an unmapped page has faulted in the pages before it.
   *
   * Kernel: `handle_mm_fault` on first touch (a CPU load of the process).
   */
  read(uptr: number, length: number): Uint8Array;
  /**
   * CPU write by the process (a write breaks copy-on-write). EFAULT if unmapped;
   * a write that runs into an unmapped or read-only page stops there, the bytes
   * before it written (as the CPU's stores, and as copy_to_user).
   *
   * Kernel: `handle_mm_fault` → `do_wp_page` (copy-on-write break).
   */
  write(uptr: number, data: Uint8Array): void;
  /**
   * A child process: private mappings copy-on-write, shared mappings share frames.
   *
   * Kernel: `kernel_clone` → `dup_mm` → `copy_page_range` (private pages write-protected for copy-on-write).
   */
  fork(): Process;
  /**
   * The process exits; its mm goes away once nothing references it.
   *
   * Kernel: `do_exit` → `mmput` → `exit_mmap` (the mm lives on while iopt_pages hold a reference: `mmgrab`).
   */
  exit(): void;
  readonly alive: boolean;
  /** RLIMIT_MEMLOCK in bytes, default Infinity. */
  memlockLimit: number;
  /** Default false. */
  capIpcLock: boolean;
  /** Default true (needed to set RLIMIT_MODE). */
  capSysResource: boolean;
  /**
   * Accounting counters, in pages.
   *
   * Kernel: `user_struct.locked_vm`, `mm_struct.locked_vm` / `pinned_vm` as charged by `incr_user_locked_vm` and `update_mm_locked_vm` (pages.c `do_update_pinned`).
   */
  accounting(): { userLockedVm: number; mmLockedVm: number; mmPinnedVm: number };
}

interface Iommufd {
  /**
   * Kernel: `iommufd_ioas_alloc_ioctl` → `iommufd_ioas_alloc` → `iopt_init_table`.
   */
  ioasAlloc(): Ioas;
  /**
   * IOMMU_OPTION on the context. 'RLIMIT_MODE': 0 = per-user (default), 1 = per-mm.
   *
   * Kernel: `iommufd_option` (IOMMU_OPTION) → `iommufd_option_rlimit_mode`.
   */
  getOption(name: 'RLIMIT_MODE'): number;
  /**
   * Other values → EINVAL; without capSysResource → EPERM; once objects exist → EBUSY.
   *
   * Kernel: `iommufd_option` (IOMMU_OPTION) → `iommufd_option_rlimit_mode`.
   */
  setOption(name: 'RLIMIT_MODE', value: number): void;
  /**
   * An in-kernel access user of an IOAS (like a mediated device driver).
   *
   * Kernel: `iommufd_test_create_access` → `iommufd_access_create` (attaching: `iopt_add_access`, which recalculates the IOVA alignment).
   */
  createAccess(
    ioas: Ioas,
    opts?: {
      /** May pin; raises the IOAS alignment to PAGE_SIZE. */
      needsPinPages?: boolean;
      /** Reaction to an unmap of pinned IOVA; default 'unpin'. */
      onUnmap?: 'unpin' | 'ignore';
    },
  ): Access;
  /**
   * Destroy every object and release every pin this context holds.
   *
   * Kernel: `iommufd_fops_release` (destroys every object: `iommufd_object_destroy_user`).
   */
  close(): void;
}

interface IovaRange {
  start: bigint;
  last: bigint;
}

interface Ioas {
  readonly id: number;
  /**
   * IOMMU_IOAS_MAP. Default: kernel-chosen IOVA, read and write. Returns the IOVA.
   *
   * Kernel: `iommufd_ioas_map` → `iopt_map_user_pages` → `iopt_map_pages` → `iopt_area_fill_domains` (IOVA: `iopt_alloc_iova` or `iopt_check_iova`).
   */
  map(
    uptr: number,
    length: U64,
    opts?: { iova?: U64; read?: boolean; write?: boolean; process?: Process },
  ): bigint;
  /**
   * IOMMU_IOAS_UNMAP. Returns bytes unmapped. (0, U64_MAX) unmaps everything. Not atomic.
   *
   * Kernel: `iommufd_ioas_unmap` → `iopt_unmap_iova` (everything: `iopt_unmap_all`) → `iopt_area_unfill_domains`; accesses told by `iommufd_access_notify_unmap`.
   */
  unmap(iova: U64, length: U64): bigint;
  /**
   * IOMMU_IOAS_COPY from `src` into this IOAS, sharing the source pages. Returns the IOVA.
   *
   * Kernel: `iommufd_ioas_copy` → `iopt_get_pages` + `iopt_map_pages` (the new areas share the source's `iopt_pages`).
   */
  copyFrom(
    src: Ioas,
    srcIova: U64,
    length: U64,
    opts?: { iova?: U64; read?: boolean; write?: boolean; process?: Process },
  ): bigint;
  /**
   * IOMMU_IOAS_IOVA_RANGES. capacity too small → EMSGSIZE with detail { numIovas, ranges }.
   *
   * Kernel: `iommufd_ioas_iova_ranges` (the holes of `reserved_itree`).
   */
  iovaRanges(capacity?: number): { ranges: IovaRange[]; alignment: bigint };
  /**
   * IOMMU_IOAS_ALLOW_IOVAS: replaces the allowed list; [] clears it.
   *
   * Kernel: `iommufd_ioas_allow_iovas` → `iopt_set_allow_iova`.
   */
  allowIovas(ranges: { start: U64; last: U64 }[]): void;
  /**
   * Test helper (IOMMU_TEST_OP_ADD_RESERVED): reserve [start, start+length).
   *
   * Kernel: `iommufd_test_add_reserved` → `iopt_reserve_iova`.
   */
  addReserved(start: U64, length: U64): void;
  /**
   * IOMMU_OPTION on the IOAS. 'HUGE_PAGES': 1 (default) or 0.
   *
   * Kernel: `iommufd_ioas_option` (IOMMU_OPTION_HUGE_PAGES).
   */
  getOption(name: 'HUGE_PAGES'): number;
  /**
   * Kernel: `iommufd_ioas_option` → `iopt_disable_large_pages` / `iopt_enable_large_pages`.
   */
  setOption(name: 'HUGE_PAGES', value: number): void;
  /**
   * Create a device with a new domain and attach it to this IOAS. Default kind 'mock'.
   *
   * Kernel: `iommufd_test_mock_domain` → `iopt_table_add_domain` → `iopt_fill_domain` → `iopt_area_fill_domain`.
   */
  attachDomain(opts?: DomainOptions): Domain;
  /**
   * IOMMU_DESTROY. EBUSY while a domain or an access refers to it.
   *
   * Kernel: `iommufd_destroy` → `iommufd_ioas_destroy` → `iopt_destroy_table`.
   */
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
  /**
   * MD_CHECK_MAP: every IO page of [iova, iova+length) maps to the frame behind uptr.
   *
   * Kernel: `iommufd_test_md_check_pa` (IOMMU_TEST_OP_MD_CHECK_MAP) → `iommu_iova_to_phys`.
   */
  checkMap(iova: U64, length: U64, uptr: number, opts?: { process?: Process }): void;
  /**
   * Physical address mapped at iova, or null.
   *
   * Kernel: `iommu_iova_to_phys` (mock domain: `mock_domain_iova_to_phys`).
   */
  iovaToPhys(iova: U64): bigint | null;
  /**
   * Destroy the device and its domain: detaches from the IOAS.
   *
   * Kernel: `iopt_table_remove_domain` → `iopt_unfill_domain` (the last domain: `iopt_area_unfill_domain`, which reads PFNs back and unpins).
   */
  detach(): void;
  /**
   * Kernel: none — PFN Lab's own counts of the `iommu_map` / `iommu_unmap` calls it made.
   */
  stats(): DomainStats;
}

interface AccessItem {
  readonly id: number;
  readonly iova: bigint;
  readonly length: bigint;
}

interface Access {
  readonly id: number;
  /**
   * Pin [iova, iova+length). `uptr` given: the pinned frames must be the frames behind it (else EBADE).
   *
   * Kernel: `iommufd_test_access_pages` → `iommufd_access_pin_pages` → `iopt_area_add_access` → `iopt_pages_add_access` / `iopt_pages_fill_xarray`.
   */
  pin(iova: U64, length: U64, opts?: { write?: boolean; uptr?: number }): AccessItem;
  /**
   * Unpin an item. Unknown or already released → ENOENT.
   *
   * Kernel: `iommufd_test_access_item_destroy` → `iommufd_access_unpin_pages` → `iopt_area_remove_access` → `iopt_pages_remove_access` / `iopt_pages_unfill_xarray`.
   */
  unpin(item: AccessItem | number): void;
  /** Items still pinned. */
  readonly items: AccessItem[];
  /**
   * CPU read through the access, any byte granularity. length > 16 MiB → ENOMEM.
   *
   * Kernel: `iommufd_test_access_rw` → `iommufd_access_rw` → `iopt_pages_rw_access` (slow path: `iopt_pages_rw_slow`).
   */
  read(iova: U64, length: number, opts?: { slowPath?: boolean }): Uint8Array;
  /**
   * CPU write through the access, any byte granularity. length > 16 MiB → ENOMEM.
   *
   * Kernel: `iommufd_test_access_rw` → `iommufd_access_rw` → `iopt_pages_rw_access` (slow path: `iopt_pages_rw_slow`).
   */
  write(iova: U64, data: Uint8Array, opts?: { slowPath?: boolean }): void;
  /**
   * Unpin everything and destroy the access.
   *
   * Kernel: `iommufd_access_destroy` (the test access unpins its items first).
   */
  close(): void;
}

interface Lab {
  readonly PAGE_SIZE: number;
  readonly HUGEPAGE_SIZE: number;
  readonly MOCK_PAGE_SIZE: number;
  readonly MOCK_APERTURE_START: bigint;
  readonly MOCK_APERTURE_LAST: bigint;
  readonly U64_MAX: bigint;

  /**
   * Emulated machine settings. Only before the first mmap; later → EBUSY.
   *
   * Kernel: none — the emulated machine (memory size, fragmentation, hugetlb pools).
   */
  configure(opts: MachineOptions): void;
  /** The process the scenario runs as. */
  readonly process: Process;
  /**
   * Validate a captured PFN layout (JSON text or parsed) and summarise it;
   * EINVAL naming the field at fault (also: every PFN 0, a capture without
   * CAP_SYS_ADMIN). Pass the same value to `mmap(len, { layout })`.
   *
   * Kernel: none — reads a `/proc/PID/pagemap` capture (`pfnlab capture`).
   */
  layout(source: LayoutFile | string): LayoutInfo;
  /**
   * Open an iommufd context, like open("/dev/iommu"), owned by `process` (default lab.process).
   *
   * Kernel: `iommufd_fops_open` (open("/dev/iommu")).
   */
  open(opts?: { process?: Process }): Iommufd;

  /**
   * Long-term pin count of every PAGE_SIZE page of [uptr, uptr+length) must equal refs (else EIO).
   *
   * Kernel: `iommufd_test_md_check_refs` (IOMMU_TEST_OP_MD_CHECK_REFS).
   */
  checkRefs(uptr: number, length: number, refs: number, opts?: { process?: Process }): void;
  /**
   * Pin count of the page that backs `uptr`.
   *
   * Kernel: none — reads the emulated page's pin count, as `iommufd_test_md_check_refs` does.
   */
  pinCount(uptr: number, opts?: { process?: Process }): number;

  /**
   * Cap on temporary batch memory, bytes (default 65536). < 12 → EINVAL.
   *
   * Kernel: IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT (the `pfn_batch` cap of `temp_kmalloc`).
   */
  setTempMemoryLimit(bytes: number): void;

  /**
   * Fault injection: make the n-th fallible step from now on fail (n >= 1).
   *
   * Kernel: `iommufd_should_fail` with fail_nth (every fallible step is an injection site).
   */
  failNth(n: number): void;
  /**
   * Whether the armed fault has fired; disarms it.
   *
   * Kernel: none — whether fail_nth fired, as the selftest reads it back.
   */
  faultConsumed(): boolean;

  /**
   * Run the full internal consistency check now; throws EINVAL with a description on any violation.
   *
   * Kernel: none — PFN Lab's consistency check (the invariants the kernel's WARN_ONs guard).
   */
  checkInvariants(): void;

  /**
   * Deterministic random numbers from the run's seed.
   *
   * Kernel: none — PFN Lab only.
   */
  random(): number;
  /**
   * A timeline marker, shown in the app and in exported traces.
   *
   * Kernel: none — PFN Lab only.
   */
  mark(label: string): void;
  /**
   * Run fn and return the counter deltas it caused (also recorded as a span on the timeline).
   *
   * Kernel: none — PFN Lab only (the counters are the cost model).
   */
  measure(label: string, fn: () => void): Counters;
  /**
   * Cumulative counters since the run started.
   *
   * Kernel: none — PFN Lab only (the counters are the cost model).
   */
  counters(): Counters;
  /**
   * Printed to the run log.
   *
   * Kernel: none — PFN Lab only.
   */
  log(...values: unknown[]): void;
}

declare const lab: Lab;
