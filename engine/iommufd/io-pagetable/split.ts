/**
 * Splitting and large pages (IOMMUFD-ALGORITHMS.md §9.8, with the 2023 fix
 * that updates domains_itree for both halves). VFIO type1 v1 compatibility.
 */
import { fail } from '../../base';
import type { IoptArea } from '../area-pages';
import type { IoPagetableState } from './io-pagetable-state';
import { calculateIovaAlignment } from './domains';
import { insertArea } from './map';

/** iopt_area_split: `iova` becomes the last byte of the left part. */
export function areaSplit(iopt: IoPagetableState, area: IoptArea, iova: bigint): void {
  const align = BigInt(iopt.iovaAlignment);
  const startIova = area.iova;
  const lastIova = area.lastIova;
  const newStart = iova + 1n;
  const pages = area.pages;
  if (iova === startIova || iova === lastIova) return;
  if (pages === null || area.preventAccess) fail('EBUSY', `the area at 0x${startIova.toString(16)} is busy`);
  if (newStart % align !== 0n || BigInt(area.startByte(newStart)) % align !== 0n)
    fail(
      'EINVAL',
      `cut at 0x${iova.toString(16)} is not aligned to the IOAS alignment ${iopt.iovaAlignment}`,
    );
  if (iopt.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_area allocation failed');
  if (iopt.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_area allocation failed');
  if (area.numAccesses !== 0) fail('EINVAL', 'cannot split an area that an access has pinned');
  if (area.storageDomain !== null && !iopt.disableLargePages)
    fail('EINVAL', 'cannot split an area mapped into a domain with large pages enabled');

  iopt.areaRemove(area);
  let lhs: IoptArea;
  let rhs: IoptArea;
  try {
    lhs = insertArea(iopt, pages, startIova, area.startByte(startIova), newStart - startIova, area.iommuProt);
  } catch (e) {
    iopt.kernel.warn('io_pagetable', 'split: insert of the left half failed');
    iopt.areaInsert(area);
    throw e;
  }
  try {
    rhs = insertArea(
      iopt,
      pages,
      newStart,
      area.startByte(newStart),
      lastIova - newStart + 1n,
      area.iommuProt,
    );
  } catch (e) {
    iopt.kernel.warn('io_pagetable', 'split: insert of the right half failed');
    iopt.areaRemove(lhs);
    iopt.areaInsert(area);
    throw e;
  }
  if (area.storageDomain !== null) {
    if (area.domainsNode !== null) pages.domainsItree.remove(area.domainsNode);
    area.domainsNode = null;
    lhs.domainsNode = pages.domainsItree.insert(lhs.index, lhs.lastIndex, lhs);
    rhs.domainsNode = pages.domainsItree.insert(rhs.index, rhs.lastIndex, rhs);
  }
  lhs.storageDomain = area.storageDomain;
  rhs.storageDomain = area.storageDomain;
  lhs.pages = pages;
  rhs.pages = pages;
  pages.get();
  area.pages = null;
  area.storageDomain = null;
}

/** iopt_cut_iova: split so that each given IOVA ends an area. */
export function cutIova(iopt: IoPagetableState, iovas: bigint[]): void {
  for (const iova of iovas) {
    const n = iopt.areaItree.iterFirst(iova, iova);
    if (n === null) continue;
    areaSplit(iopt, n.value, iova);
  }
}

/** iopt_disable_large_pages (IOAS option HUGE_PAGES = 0) */
export function disableLargePages(iopt: IoPagetableState): void {
  if (iopt.disableLargePages) return;
  if (iopt.domains.length !== 0 && !iopt.areaItree.isEmpty())
    fail('EINVAL', 'cannot disable huge pages while areas are mapped into domains');
  iopt.disableLargePages = true;
  try {
    calculateIovaAlignment(iopt);
  } catch (e) {
    iopt.disableLargePages = false;
    throw e;
  }
}

/** iopt_enable_large_pages (IOAS option HUGE_PAGES = 1) */
export function enableLargePages(iopt: IoPagetableState): void {
  iopt.disableLargePages = false;
  try {
    calculateIovaAlignment(iopt);
  } catch {
    iopt.kernel.warn('io_pagetable', 'alignment recalculation failed when enabling large pages');
  }
}
