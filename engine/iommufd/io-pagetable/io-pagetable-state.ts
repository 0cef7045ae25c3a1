/**
 * The data of struct io_pagetable (iommufd_private.h; IOMMUFD-ALGORITHMS.md
 * §2.6, §9): the IOVA space of one IOAS. Areas over the IOVA space, the
 * attached domains (dense ids), the attached in-kernel accesses, the allowed
 * and reserved ranges, and the required IOVA alignment, with the area-tree
 * helpers every algorithm uses. The algorithms (one file each: alloc-iova.ts,
 * map.ts, copy.ts, unmap.ts, reserved.ts, domains.ts, split.ts) take this;
 * `IoPagetable` (io-pagetable.ts) offers them as methods on top.
 *
 * Single threaded: the kernel's locks are not modelled, but "area.pages ===
 * null" still means "busy" (being created or destroyed).
 */
import { PAGE_SIZE, type Kernel } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { IoptArea, IoptDomainTable, IoptPages } from '../area-pages';
import { IntervalTree } from '../ds';

export { IOMMU_READ, IOMMU_WRITE } from '../../iommu/types';

/** Flags of iopt_map_pages: IOPT_ALLOC_IOVA. */
export const IOPT_ALLOC_IOVA = 1;

/** A reserved range's owner: a domain (aperture), a device, or null (test op). */
export type ReservedOwner = object | null;

export interface IoptReserved {
  readonly owner: ReservedOwner;
}

/** What the io_pagetable needs of an attached in-kernel access. */
export interface IoptAccessUser {
  /** PAGE_SIZE when the driver pins pages, else 1. */
  readonly iovaAlignment: number;
  /** ops->unmap: the driver must unpin everything in [iova, iova+length). */
  notifyUnmap(iova: bigint, length: bigint): void;
  /** Whether this access still holds any pin (for diagnostics). */
  readonly id: number;
}

/** The accounting mode the context imposes (iommufd_ctx.account_mode). */
export type AccountContext = { readonly accountModeMm: boolean };

export class IoPagetableState implements IoptDomainTable {
  /** Dense by id: domains[0 .. n-1] (the kernel's domains xarray + next_domain_id). */
  readonly domains: IommuDomain[] = [];
  /** iopt.access_list, in attach order. */
  readonly accessList: IoptAccessUser[] = [];
  readonly areaItree = new IntervalTree<bigint, IoptArea>();
  allowedItree = new IntervalTree<bigint, null>();
  readonly reservedItree = new IntervalTree<bigint, IoptReserved>();
  disableLargePages = false;
  /** Required alignment of area IOVA, length and page offset (starts at 1). */
  iovaAlignment = 1;
  /**
   * Allocator acceleration (not a kernel field): [PAGE_SIZE, coveredUpTo) is
   * known to be fully covered by areas and reserved ranges, so a first-fit
   * search whose window starts at or below it may start here with identical
   * results. Lowered whenever coverage shrinks.
   */
  coveredUpTo: bigint = BigInt(PAGE_SIZE);

  constructor(readonly kernel: Kernel) {}

  /** Coverage below `start` may have shrunk: lower the allocator hint. */
  coverageShrunk(start: bigint): void {
    if (start < this.coveredUpTo) this.coveredUpTo = start < BigInt(PAGE_SIZE) ? BigInt(PAGE_SIZE) : start;
  }

  /** Insert an area node into area_itree (the area's node field is set). */
  areaInsert(area: IoptArea): void {
    area.node = this.areaItree.insert(area.iova, area.lastIova, area);
  }

  /** Remove an area from area_itree. */
  areaRemove(area: IoptArea): void {
    if (area.node !== null) {
      this.areaItree.remove(area.node);
      area.node = null;
      this.coverageShrunk(area.iova);
    }
  }

  /** Areas intersecting [start, last] in IOVA order. */
  *areas(start = 0n, last = (1n << 64n) - 1n): IterableIterator<IoptArea> {
    let n = this.areaItree.iterFirst(start, last);
    while (n !== null) {
      const next = this.areaItree.iterNext(n, start, last);
      yield n.value;
      n = next;
    }
  }

  /** The distinct IoptPages referenced by this table's areas. */
  pagesSet(into: Set<IoptPages> = new Set()): Set<IoptPages> {
    for (const a of this.areas()) if (a.pages !== null) into.add(a.pages);
    return into;
  }
}
