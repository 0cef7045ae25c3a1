/**
 * struct iopt_area and struct iopt_pages (io_pagetable.h), declared together
 * because each refers to the other: an area maps a slice of one IoptPages,
 * and an IoptPages keeps the areas that store its PFNs in domains_itree.
 *
 * IoptArea (IOMMUFD-ALGORITHMS.md §1.1, §2.4): a slice of one IoptPages mapped
 * at an IOVA range of one io_pagetable. IOVAs are bigints (the IOVA space is
 * 64-bit) in the area node; every domain call takes numbers (domain apertures
 * are below 2^53), so the number helpers (indexToIova, indexToIovaLast) are
 * only used for areas inside a domain.
 *
 * IoptPages (§2.3): one user VA range whose PFNs are held in three tiers — the
 * pinned_pfns xarray (indexes covered by access_itree), the storage domains of
 * the areas in domains_itree, or nowhere (not pinned).
 */
import { fail, PAGE_SIZE, U64_MAX, type Kernel } from '../base';
import type { IommuDomain } from '../iommu';
import type { MmStruct, PhysMemory, Process, UserStruct } from '../mm';
import { DoubleSpanIter, IntervalTree, Xarray, type ItNode } from './ds';

const PAGE_SIZE_N = BigInt(PAGE_SIZE);

/** What the pages code needs of an io_pagetable: its domains, dense by id. */
export interface IoptDomainTable {
  readonly domains: readonly IommuDomain[];
  readonly disableLargePages: boolean;
}

export class IoptArea {
  /** Node in iopt.area_itree; set and cleared by io_pagetable. */
  node: ItNode<bigint, IoptArea> | null = null;
  iova: bigint;
  lastIova: bigint;
  /** Index interval in pages (the kernel's pages_node). */
  pagesNode: { start: number; last: number };
  /** The pages.domains_itree node while inserted (storage_domain != null). */
  domainsNode: ItNode<number, IoptArea> | null = null;
  pageOffset: number;
  iommuProt: number;
  preventAccess = false;
  numAccesses = 0;
  storageDomain: IommuDomain | null = null;
  /** Null while the area is being created or destroyed ("busy"). */
  pages: IoptPages | null = null;
  readonly iopt: IoptDomainTable;
  /** For the test-build WARN assertions of the index helpers. */
  readonly kernel: Kernel;

  constructor(
    iopt: IoptDomainTable,
    iova: bigint,
    length: bigint,
    pages: IoptPages,
    startByte: number,
    iommuProt: number,
  ) {
    this.iopt = iopt;
    this.kernel = pages.kernel;
    this.iommuProt = iommuProt;
    if (length <= 0n) fail('EINVAL', 'area length must be non-zero');
    if (iova < 0n || iova > U64_MAX) fail('EINVAL', 'area iova out of range');
    if (!Number.isSafeInteger(startByte) || startByte < 0) fail('EINVAL', 'area start_byte out of range');
    this.iova = iova;
    const lastIova = iova + length - 1n;
    if (lastIova > U64_MAX) fail('EOVERFLOW', 'iova + length overflows');
    this.lastIova = lastIova;
    const lastByte = BigInt(startByte) + length - 1n;
    if (lastByte > BigInt(Number.MAX_SAFE_INTEGER)) fail('EOVERFLOW', 'start_byte + length overflows');
    this.pageOffset = startByte % PAGE_SIZE;
    this.pagesNode = {
      start: Math.floor(startByte / PAGE_SIZE),
      last: Number(lastByte / PAGE_SIZE_N),
    };
    if (this.pagesNode.last >= pages.npages) {
      this.kernel.warn('pages', 'area last index beyond pages.npages');
      fail('EOVERFLOW', 'area extends past the end of its pages');
    }
  }

  /** First index in pages (area.pages_node.start). */
  get index(): number {
    return this.pagesNode.start;
  }

  /** Last index in pages (inclusive). */
  get lastIndex(): number {
    return this.pagesNode.last;
  }

  /** iopt_area_length */
  get length(): bigint {
    return this.lastIova - this.iova + 1n;
  }

  /** iopt_area_start_byte: byte of pages that `iova` maps. */
  startByte(iova: bigint): number {
    if (iova < this.iova || iova > this.lastIova)
      this.kernel.warn('pages', 'iova outside area in area_start_byte');
    return Number(iova - this.iova) + this.pageOffset + this.index * PAGE_SIZE;
  }

  /** iopt_area_iova_to_index */
  iovaToIndex(iova: bigint): number {
    return Math.floor(this.startByte(iova) / PAGE_SIZE);
  }

  private checkIndex(i: number): void {
    if (i < this.index || i > this.lastIndex) this.kernel.warn('pages', `index ${i} outside area`);
  }

  /** iopt_area_index_to_iova as a number (areas inside a domain only). */
  indexToIova(i: number): number {
    this.checkIndex(i);
    if (i === this.index) return Number(this.iova);
    return Number(this.iova) - this.pageOffset + (i - this.index) * PAGE_SIZE;
  }

  /** iopt_area_index_to_iova_last as a number (areas inside a domain only). */
  indexToIovaLast(i: number): number {
    this.checkIndex(i);
    if (i === this.lastIndex) return Number(this.lastIova);
    return Number(this.iova) - this.pageOffset + (i - this.index + 1) * PAGE_SIZE - 1;
  }

  /** iopt_area_index_to_iova */
  indexToIovaBig(i: number): bigint {
    this.checkIndex(i);
    if (i === this.index) return this.iova;
    return this.iova - BigInt(this.pageOffset) + BigInt(i - this.index) * PAGE_SIZE_N;
  }

  /** iopt_area_index_to_iova_last */
  indexToIovaLastBig(i: number): bigint {
    this.checkIndex(i);
    if (i === this.lastIndex) return this.lastIova;
    return this.iova - BigInt(this.pageOffset) + BigInt(i - this.index + 1) * PAGE_SIZE_N - 1n;
  }

  /** Last IOVA + 1 as a number (areas inside a domain only). */
  get lastIovaNum(): number {
    return Number(this.lastIova);
  }
}

export type AccountMode = 'none' | 'user' | 'mm';

/** struct iopt_pages_access: an interval lock on [start, last]. */
export interface IoptPagesAccess {
  node: ItNode<number, IoptPagesAccess> | null;
  users: number;
}

let nextPagesId = 1;

export class IoptPages {
  readonly id: number;
  readonly kernel: Kernel;
  readonly npages: number;
  npinned = 0;
  lastNpinned = 0;
  /**
   * Bumped by every pin and unpin of this object's pages (pages/), so a
   * digest may keep the held PFN runs it computed while pinGen is unchanged.
   */
  pinGen = 0;
  /** The held PFN runs the digest keeps (pages/held-runs.ts owns it; a field, not a WeakMap entry per object). */
  heldRunsCache: object | null = null;
  /** User VA aligned down to PAGE_SIZE. */
  readonly uptr: number;
  readonly writable: boolean;
  accountMode: AccountMode;
  readonly sourceTask: Process;
  readonly sourceMm: MmStruct;
  readonly sourceUser: UserStruct;
  readonly accessItree = new IntervalTree<number, IoptPagesAccess>();
  readonly domainsItree = new IntervalTree<number, IoptArea>();
  readonly pinnedPfns = new Xarray();
  /** kref: one per area (+ temporary references). */
  readonly users: Kref;
  released = false;

  private constructor(kernel: Kernel, task: Process, uptr: number, length: number, writable: boolean) {
    this.id = nextPagesId++;
    this.kernel = kernel;
    const off = uptr % PAGE_SIZE;
    this.uptr = uptr - off;
    this.npages = Math.ceil((length + off) / PAGE_SIZE);
    this.writable = writable;
    this.sourceTask = task;
    this.sourceMm = task.mm;
    this.sourceUser = task.user;
    this.accountMode = task.capIpcLock ? 'none' : 'user';
    this.users = new Kref(kernel, () => this.release());
  }

  /** iopt_alloc_pages: EINVAL for a zero or huge length, EOVERFLOW for uptr + length. */
  static alloc(kernel: Kernel, task: Process, uptr: number, length: number, writable: boolean): IoptPages {
    if (!Number.isSafeInteger(length) || length <= 0 || length > Number.MAX_SAFE_INTEGER - PAGE_SIZE)
      fail('EINVAL', 'length must be non-zero and below SIZE_MAX - PAGE_SIZE');
    if (!Number.isSafeInteger(uptr) || uptr < 0) fail('EINVAL', 'uptr out of range');
    if (!Number.isSafeInteger(uptr + length) || uptr + length > 2 ** 64)
      fail('EOVERFLOW', 'uptr + length overflows');
    if (kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_pages allocation failed');
    return new IoptPages(kernel, task, uptr, length, writable);
  }

  /** The emulated physical memory behind the source mm. */
  get phys(): PhysMemory {
    return this.sourceMm.phys;
  }

  /** kref_get */
  get(): void {
    this.users.get();
  }

  /** kref_put; the last put releases (iopt_release_pages). */
  put(): void {
    this.users.put();
  }

  private release(): void {
    if (!this.accessItree.isEmpty()) this.kernel.warn('pages', 'release with access_itree not empty');
    if (!this.domainsItree.isEmpty()) this.kernel.warn('pages', 'release with domains_itree not empty');
    if (this.npinned !== 0) this.kernel.warn('pages', 'release with npinned != 0');
    if (!this.pinnedPfns.isEmpty()) this.kernel.warn('pages', 'release with pinned_pfns not empty');
    this.released = true;
  }

  /** Per-span tier digest, computed from the trees (never per page). */
  tierRuns(): { start: number; last: number; tier: 'none' | 'xarray' | 'domain' }[] {
    return tierRunsOf(this);
  }

  /** Bytes the engine holds for this pages object beyond emulated RAM and IOMMU tables. */
  engineBytes(): number {
    return engineBytesOf(this);
  }
}

/** Size of one interval tree node in the kernel (rb_node + start/last/subtree_last). */
export const ITREE_NODE_BYTES = 48;

function engineBytesOf(pages: IoptPages): number {
  return (
    pages.pinnedPfns.nodeBytes() +
    pages.accessItree.size * (ITREE_NODE_BYTES + 8) +
    pages.domainsItree.size * ITREE_NODE_BYTES
  );
}

function tierRunsOf(pages: IoptPages): { start: number; last: number; tier: 'none' | 'xarray' | 'domain' }[] {
  const out: { start: number; last: number; tier: 'none' | 'xarray' | 'domain' }[] = [];
  if (pages.npages === 0) return out;
  const span = new DoubleSpanIter<number>();
  for (span.first(pages.accessItree, pages.domainsItree, 0, pages.npages - 1); !span.done(); span.next()) {
    const tier = span.isUsed === 1 ? 'xarray' : span.isUsed === 2 ? 'domain' : 'none';
    out.push({ start: span.startUsed, last: span.lastUsed, tier });
  }
  return out;
}

/** struct kref */
export class Kref {
  private n = 1;
  constructor(
    private readonly kernel: Kernel,
    private readonly release: () => void,
  ) {}

  get count(): number {
    return this.n;
  }

  get(): void {
    if (this.n <= 0) this.kernel.warn('pages', 'kref_get on a released object');
    this.n++;
  }

  put(): void {
    if (this.n <= 0) {
      this.kernel.warn('pages', 'kref underflow');
      return;
    }
    if (--this.n === 0) this.release();
  }
}
