/**
 * Loading an area's PFNs into iommu domains (IOMMUFD-ALGORITHMS.md §7.1,
 * §7.3). PFNs are read once per batch through the tier-selecting reader and
 * pushed into every domain; failures unwind to exactly the prior state.
 */
import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import type { IoptArea, IoptPages } from '../area-pages';
import { batchToDomain } from './batch-domain';
import { appendHeldRuns, commitHeldRuns, heldRunsFromFill } from './held-runs';
import { PfnReader } from './pfn-reader';
import { unfillPartialDomain, unmapDomainRange } from './unfill-domain';

/**
 * iopt_area_fill_domains: map a new area (not yet in domains_itree, area.pages
 * still null) into every domain of its io_pagetable, then make domains[0]
 * its storage domain and insert it into domains_itree.
 */
export function fillDomains(area: IoptArea, pages: IoptPages, current: Process): void {
  const domains = area.iopt.domains;
  const ndomains = domains.length;
  if (ndomains === 0) return;
  if (area.domainsNode !== null)
    pages.kernel.warn('pages', 'fill_domains on an area already in domains_itree');

  // an object that held nothing: its held runs are the batches (for digests)
  const held = heldRunsFromFill(pages);
  const reader = PfnReader.first(pages, current, area.index, area.lastIndex);
  let doneFirstEnd = area.index;
  let doneAllEnd = area.index;
  let failedDomain = ndomains;
  try {
    while (!reader.done()) {
      doneFirstEnd = reader.batchEndIndex;
      doneAllEnd = reader.batchStartIndex;
      for (let d = 0; d < ndomains; d++) {
        failedDomain = d;
        batchToDomain(reader.batch, domains[d], area, reader.batchStartIndex);
      }
      failedDomain = ndomains;
      doneAllEnd = doneFirstEnd;
      if (held !== null) appendHeldRuns(held, reader.batch.pfns, reader.batch.npfns, reader.batch.end);
      reader.next();
    }
    reader.updatePinned();
  } catch (e) {
    reader.releasePins();
    for (let u = 0; u < ndomains; u++) {
      const end = u < failedDomain ? doneFirstEnd : doneAllEnd;
      if (u !== ndomains - 1) {
        if (end !== area.index) unmapDomainRange(area, domains[u], area.index, end - 1);
      } else {
        unfillPartialDomain(area, pages, domains[u], end);
      }
    }
    reader.destroy();
    throw e;
  }
  area.storageDomain = domains[0];
  area.domainsNode = pages.domainsItree.insert(area.index, area.lastIndex, area);
  reader.destroy();
  if (held !== null) commitHeldRuns(held);
}

/**
 * iopt_area_fill_domain: map an existing area into one new domain. The caller
 * inserts the area into domains_itree afterwards if it had no storage domain.
 * Reads the PFNs from `area.pages`.
 */
export function fillDomain(area: IoptArea, domain: IommuDomain, current: Process): void {
  const pages = area.pages;
  if (pages === null) {
    area.kernel.warn('pages', 'fill_domain on an area without pages');
    return;
  }
  const reader = PfnReader.first(pages, current, area.index, area.lastIndex);
  let doneEnd = area.index;
  try {
    while (!reader.done()) {
      doneEnd = reader.batchStartIndex;
      batchToDomain(reader.batch, domain, area, reader.batchStartIndex);
      doneEnd = reader.batchEndIndex;
      reader.next();
    }
    reader.updatePinned();
  } catch (e) {
    reader.releasePins();
    unfillPartialDomain(area, pages, domain, doneEnd);
    reader.destroy();
    throw e;
  }
  reader.destroy();
}
