/**
 * struct iopt_pages (io_pagetable.h; IOMMUFD-ALGORITHMS.md §2.3): one user VA
 * range whose PFNs are held in three tiers — the pinned_pfns xarray (indexes
 * covered by access_itree), the storage domains of the areas in domains_itree,
 * or nowhere (not pinned).
 */
import { fail, PAGE_SIZE, type Kernel } from '../../base';
import type { MmStruct, PhysMemory, Process, UserStruct } from '../../mm';
import type { IoptArea } from '../area';
import { DoubleSpanIter, IntervalTree, Xarray, type ItNode } from '../ds';

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
