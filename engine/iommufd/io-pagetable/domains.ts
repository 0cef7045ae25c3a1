/**
 * Domains (IOMMUFD-ALGORITHMS.md §9.6): iopt_table_add_domain /
 * iopt_table_remove_domain and the IOVA alignment rules.
 */
import { fail, PAGE_SIZE, ULONG_MAX } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import type { IoptArea } from '../area-pages';
import { fillDomain, unfillDomain, unmapDomain } from '../pages';
import type { IoPagetableState } from './io-pagetable-state';
import { removeReservedIova, reserveIova } from './reserved';

/** 1 << __ffs(pgsize_bitmap): the domain's smallest IO page size. */
export function domainMinPageSize(domain: IommuDomain): number {
  return domain.minPageSize;
}

/** iopt_check_iova_alignment: every area must be aligned to `align`. */
export function checkIovaAlignment(iopt: IoPagetableState, align: number): void {
  const a = BigInt(align);
  for (const area of iopt.areas()) {
    if (area.iova % a !== 0n || area.length % a !== 0n || area.pageOffset % align !== 0)
      fail(
        'EADDRINUSE',
        `the area at 0x${area.iova.toString(16)} (length 0x${area.length.toString(16)}, page offset 0x${area.pageOffset.toString(16)}) is not aligned to the new IOAS alignment ${align}`,
      );
  }
  for (const access of iopt.accessList)
    if (access.iovaAlignment > align) {
      iopt.kernel.warn('io_pagetable', 'access alignment above the new IOAS alignment');
      fail('EADDRINUSE', 'an access needs a larger alignment');
    }
}

/** The alignment the table's domains, accesses and large-page setting require. */
export function calculatedAlignment(iopt: IoPagetableState): number {
  let align = iopt.disableLargePages ? PAGE_SIZE : 1;
  for (const d of iopt.domains) align = Math.max(align, domainMinPageSize(d));
  for (const a of iopt.accessList) align = Math.max(align, a.iovaAlignment);
  return align;
}

/** iopt_calculate_iova_alignment: may fail EADDRINUSE when the alignment grows. */
export function calculateIovaAlignment(iopt: IoPagetableState): void {
  const align = calculatedAlignment(iopt);
  if (align > iopt.iovaAlignment) checkIovaAlignment(iopt, align);
  iopt.iovaAlignment = align;
}

/** iopt_fill_domain: map every published area into the new domain. */
function fillDomainAll(iopt: IoPagetableState, domain: IommuDomain, current: Process): void {
  const done: IoptArea[] = [];
  try {
    for (const area of iopt.areas()) {
      const pages = area.pages;
      if (pages === null) continue;
      fillDomain(area, domain, current);
      if (area.storageDomain === null) {
        if (iopt.domains.length !== 0)
          iopt.kernel.warn('io_pagetable', 'area without storage domain while domains exist');
        area.storageDomain = domain;
        area.domainsNode = pages.domainsItree.insert(area.index, area.lastIndex, area);
      }
      done.push(area);
    }
  } catch (e) {
    for (const area of done) {
      const pages = area.pages;
      if (pages === null) continue;
      if (iopt.domains.length === 0) {
        if (area.domainsNode !== null) pages.domainsItree.remove(area.domainsNode);
        area.domainsNode = null;
        area.storageDomain = null;
      }
      unfillDomain(area, pages, domain);
    }
    throw e;
  }
}

/** iopt_table_add_domain */
export function tableAddDomain(iopt: IoPagetableState, domain: IommuDomain, current: Process): void {
  if (iopt.domains.includes(domain)) {
    iopt.kernel.warn('io_pagetable', 'domain added twice');
    fail('EEXIST', `domain ${domain.id} is already attached`);
  }
  const newAlign = Math.max(domainMinPageSize(domain), iopt.iovaAlignment);
  if (newAlign > PAGE_SIZE)
    fail('EINVAL', `domain ${domain.id}: smallest IO page size ${newAlign} is above PAGE_SIZE`);
  if (newAlign !== iopt.iovaAlignment) checkIovaAlignment(iopt, newAlign);
  try {
    const apStart = BigInt(domain.apertureStart);
    const apEnd = BigInt(domain.apertureEnd);
    if (apStart !== 0n) reserveIova(iopt, 0n, apStart - 1n, domain);
    if (apEnd !== ULONG_MAX) reserveIova(iopt, apEnd + 1n, ULONG_MAX, domain);
    if (iopt.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'domains xarray slot allocation failed');
    fillDomainAll(iopt, domain, current);
  } catch (e) {
    removeReservedIova(iopt, domain);
    throw e;
  }
  iopt.iovaAlignment = newAlign;
  iopt.domains.push(domain);
}

/** iopt_unfill_domain */
function unfillDomainAll(iopt: IoPagetableState, domain: IommuDomain): void {
  if (iopt.domains.length !== 0) {
    // another domain holds every PFN: just unmap this one
    const storage = iopt.domains[0];
    for (const area of iopt.areas()) {
      const pages = area.pages;
      if (pages === null) continue;
      if (area.storageDomain === null) iopt.kernel.warn('io_pagetable', 'area without storage domain');
      if (area.storageDomain === domain) area.storageDomain = storage;
      unmapDomain(area, domain);
    }
    return;
  }
  for (const area of iopt.areas()) {
    const pages = area.pages;
    if (pages === null) continue;
    if (area.domainsNode !== null) pages.domainsItree.remove(area.domainsNode);
    area.domainsNode = null;
    if (area.storageDomain !== domain)
      iopt.kernel.warn('io_pagetable', 'storage domain is not the last domain');
    area.storageDomain = null;
    unfillDomain(area, pages, domain);
  }
}

/** iopt_table_remove_domain: cannot fail. */
export function tableRemoveDomain(iopt: IoPagetableState, domain: IommuDomain): void {
  const index = iopt.domains.indexOf(domain);
  if (index < 0) {
    iopt.kernel.warn('io_pagetable', `remove of domain ${domain.id} that is not attached`);
    return;
  }
  // compress: the tail moves into the freed slot
  const tail = iopt.domains.pop() as IommuDomain;
  if (index !== iopt.domains.length) iopt.domains[index] = tail;
  unfillDomainAll(iopt, domain);
  removeReservedIova(iopt, domain);
  try {
    calculateIovaAlignment(iopt);
  } catch {
    iopt.kernel.warn('io_pagetable', 'alignment recalculation failed on domain removal');
  }
}
