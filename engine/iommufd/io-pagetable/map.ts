/**
 * Mapping (IOMMUFD-ALGORITHMS.md §9.2): iopt_map_user_pages → iopt_map_pages.
 * One area per list element, inserted with pages === null (reserving the
 * IOVA), filled into every domain, then published. Any failure undoes the
 * fills of earlier elements; the caller aborts the areas and drops the pages
 * references (the list elements still own them).
 */
import { fail, PAGE_SIZE, ULONG_MAX } from '../../base';
import type { Process } from '../../mm';
import { IoptArea } from '../area-pages';
import { fillDomains, IoptPages, unfillDomains } from '../pages';
import { allocIova } from './alloc-iova';
import { IOMMU_WRITE } from '../../iommu/types';
import type { AccountContext, IoPagetableState } from './io-pagetable-state';

/** struct iopt_pages_list: one slice of an IoptPages to map. */
export interface IoptPagesListElm {
  /** Owned reference; null once moved into a published area. */
  pages: IoptPages | null;
  /** The area created for this element; null until created and after publish. */
  area: IoptArea | null;
  startByte: number;
  length: bigint;
}

export interface MapFlags {
  /** IOPT_ALLOC_IOVA: choose the IOVA (else `iova` is fixed). */
  allocIova: boolean;
}

function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

/** iopt_check_iova: the fixed-IOVA checks. */
export function checkIova(iopt: IoPagetableState, iova: bigint, length: bigint): void {
  if (iova % BigInt(iopt.iovaAlignment) !== 0n)
    fail('EINVAL', `iova ${hex(iova)} is not aligned to the IOAS alignment ${iopt.iovaAlignment}`);
  const last = iova + length - 1n;
  if (last > ULONG_MAX) fail('EOVERFLOW', `iova ${hex(iova)} + length ${hex(length)} overflows`);
  const resv = iopt.reservedItree.iterFirst(iova, last);
  if (resv !== null)
    fail(
      'EINVAL',
      `iova range [${hex(iova)}, ${hex(last)}] intersects the reserved range [${hex(resv.start)}, ${hex(resv.last)}]`,
    );
  const area = iopt.areaItree.iterFirst(iova, last);
  if (area !== null)
    fail(
      'EEXIST',
      `iova range [${hex(iova)}, ${hex(last)}] overlaps the mapped area [${hex(area.start)}, ${hex(area.last)}]`,
    );
}

/** iopt_insert_area: create the area for `pages` and insert it (pages stays null). */
export function insertArea(
  iopt: IoPagetableState,
  pages: IoptPages,
  iova: bigint,
  startByte: number,
  length: bigint,
  iommuProt: number,
): IoptArea {
  if ((iommuProt & IOMMU_WRITE) !== 0 && !pages.writable)
    fail('EPERM', 'write permission requested on pages that were mapped read-only');
  const pageOffset = startByte % PAGE_SIZE;
  if (pageOffset % iopt.iovaAlignment !== 0)
    fail(
      'EINVAL',
      `the user address's page offset ${hex(pageOffset)} is not aligned to the IOAS alignment ${iopt.iovaAlignment}`,
    );
  if (iova + length - 1n > ULONG_MAX)
    fail('EOVERFLOW', `iova ${hex(iova)} + length ${hex(length)} overflows`);
  const area = new IoptArea(iopt, iova, length, pages, startByte, iommuProt);
  iopt.areaInsert(area);
  return area;
}

/** iopt_abort_area: remove a never-published area from area_itree. */
export function abortArea(iopt: IoPagetableState, area: IoptArea): void {
  iopt.areaRemove(area);
}

/** iopt_free_pages_list */
export function freePagesList(iopt: IoPagetableState, list: IoptPagesListElm[]): void {
  for (const elm of list) {
    if (elm.area !== null) abortArea(iopt, elm.area);
    elm.area = null;
    if (elm.pages !== null) elm.pages.put();
    elm.pages = null;
  }
}

/** iopt_alloc_area_pages: choose/check the IOVA and insert busy areas. */
function allocAreaPages(
  iopt: IoPagetableState,
  list: IoptPagesListElm[],
  length: bigint,
  dstIova: bigint,
  iommuProt: number,
  flags: MapFlags,
): bigint {
  for (let i = 0; i < list.length; i++)
    if (iopt.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_area allocation failed');
  if (length === 0n) fail('EINVAL', 'length must be non-zero');
  if (length % BigInt(iopt.iovaAlignment) !== 0n)
    fail('EINVAL', `length ${hex(length)} is not a multiple of the IOAS alignment ${iopt.iovaAlignment}`);
  let iova = dstIova;
  if (flags.allocIova) {
    const first = list[0];
    const pages = first.pages as IoptPages;
    iova = allocIova(iopt, pages.uptr + first.startByte, length);
  } else {
    checkIova(iopt, iova, length);
  }
  let cur = iova;
  for (const elm of list) {
    elm.area = insertArea(iopt, elm.pages as IoptPages, cur, elm.startByte, elm.length, iommuProt);
    cur += elm.length;
  }
  return iova;
}

/**
 * iopt_map_pages: returns the IOVA. On failure the list elements keep their
 * areas (inserted, pages null) and pages; the caller frees the list.
 */
export function mapPages(
  iopt: IoPagetableState,
  list: IoptPagesListElm[],
  length: bigint,
  dstIova: bigint,
  iommuProt: number,
  flags: MapFlags,
  current: Process,
): bigint {
  const iova = allocAreaPages(iopt, list, length, dstIova, iommuProt, flags);
  // iopt_fill_domains_pages
  let i = 0;
  try {
    for (; i < list.length; i++) fillDomains(list[i].area as IoptArea, list[i].pages as IoptPages, current);
  } catch (e) {
    for (let u = 0; u < i; u++) unfillDomains(list[u].area as IoptArea, list[u].pages as IoptPages);
    throw e;
  }
  // publish: the areas take over the pages references
  for (const elm of list) {
    (elm.area as IoptArea).pages = elm.pages;
    elm.pages = null;
    elm.area = null;
  }
  return iova;
}

/** iopt_map_user_pages: returns the IOVA. */
export function mapUserPages(
  iopt: IoPagetableState,
  ctx: AccountContext,
  current: Process,
  iova: bigint,
  uptr: number,
  length: bigint,
  iommuProt: number,
  flags: MapFlags,
): bigint {
  if (length > BigInt(Number.MAX_SAFE_INTEGER - PAGE_SIZE)) {
    // iopt_alloc_pages' checks, then iopt_alloc_iova's, in the kernel's order
    if (length === 0n || length > ULONG_MAX - BigInt(PAGE_SIZE))
      fail('EINVAL', `length ${hex(length)} must be non-zero and at most SIZE_MAX - PAGE_SIZE`);
    if (BigInt(uptr) + length > ULONG_MAX)
      fail('EOVERFLOW', `uptr ${hex(uptr)} + length ${hex(length)} overflows`);
    if (flags.allocIova && length >= ULONG_MAX / 2n)
      fail('EOVERFLOW', `length ${hex(length)} is too large for automatic IOVA allocation`);
    // Deviation: the emulator's pages index with JS numbers; such a length
    // could only ever be mapped lazily without domains.
    fail('EINVAL', `length ${hex(length)} is beyond what the emulator maps (2^53 - PAGE_SIZE bytes)`);
  }
  const pages = IoptPages.alloc(iopt.kernel, current, uptr, Number(length), (iommuProt & IOMMU_WRITE) !== 0);
  if (ctx.accountModeMm && pages.accountMode === 'user') pages.accountMode = 'mm';
  const elm: IoptPagesListElm = { pages, area: null, startByte: uptr - pages.uptr, length };
  try {
    return mapPages(iopt, [elm], length, iova, iommuProt, flags, current);
  } finally {
    freePagesList(iopt, [elm]);
  }
}
