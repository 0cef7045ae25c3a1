/**
 * Unmapping an area from domains and unpinning what nobody else holds
 * (IOMMUFD-ALGORITHMS.md §7.2, §7.4, §7.5). Never fails: the batch uses the
 * stack backup. Unmaps only at legal cut points (PFN discontinuities or the
 * area's ends) and always before the unpin of the same PFNs.
 */
import type { IommuDomain } from '../../iommu';
import type { IoptArea, IoptPages } from '../area-pages';
import { DoubleSpanIter } from '../ds';
import { updateUnpinned } from './accounting';
import { batchFromDomain, batchFromDomainContinue, unmapChecked } from './batch-domain';
import { PfnBatch } from './pfn-batch';

/** iopt_area_unmap_domain_range: unmap indexes [first, last] of the area. */
export function unmapDomainRange(area: IoptArea, domain: IommuDomain, first: number, last: number): void {
  const iova = area.indexToIova(first);
  const lastIova = area.indexToIovaLast(last);
  unmapChecked(area, domain, iova, lastIova - iova + 1);
}

/** iopt_area_unmap_domain: one unmap of the whole area, no unpin. */
export function unmapDomain(area: IoptArea, domain: IommuDomain): void {
  unmapChecked(area, domain, Number(area.iova), Number(area.length));
}

interface UnfillState {
  unmappedEnd: number;
}

/** The unpin_domain step of __iopt_area_unfill_domain for one hole. */
function unpinDomain(
  batch: PfnBatch,
  area: IoptArea,
  pages: IoptPages,
  domain: IommuDomain,
  st: UnfillState,
  startIndex: number,
  holeLast: number,
  realLast: number,
): void {
  const kernel = pages.kernel;
  let start = startIndex;
  while (start <= holeLast) {
    let batchLast: number;
    if (st.unmappedEnd <= holeLast) {
      const readFrom = Math.max(start, st.unmappedEnd);
      if (batch.totalPfns > 0 && st.unmappedEnd - batch.totalPfns !== start)
        kernel.warn('pages', 'unfill carry does not end at unmapped_end');
      batchFromDomain(batch, domain, area, readFrom, holeLast);
      // FIXED (v6.3): count from start, the carry is part of the batch
      batchLast = start + batch.totalPfns - 1;
    } else {
      batchLast = holeLast;
    }
    if (batchLast > realLast) kernel.warn('pages', 'unfill batch runs past the area');
    if (batchLast === holeLast && holeLast !== realLast) {
      // read ahead while contiguous so the unmap ends at a legal cut point;
      // past unmapped_end the IOVA is already unmapped: a harmless probe
      batchFromDomainContinue(batch, domain, area, holeLast + 1, realLast, st.unmappedEnd > holeLast + 1);
    }
    if (st.unmappedEnd <= batchLast) {
      unmapDomainRange(area, domain, st.unmappedEnd, start + batch.totalPfns - 1);
      st.unmappedEnd = start + batch.totalPfns;
    }
    batch.unpin(pages, 0, batchLast - start + 1);
    start = batchLast + 1;
    batch.clearCarry(st.unmappedEnd - batchLast - 1);
  }
}

/** __iopt_area_unfill_domain: unmap [area.index, last] and unpin what no tree holds. */
function unfillDomainTo(area: IoptArea, pages: IoptPages, domain: IommuDomain, last: number): void {
  const st: UnfillState = { unmappedEnd: area.index };
  // sized by last + 1, like the kernel
  const batch = PfnBatch.initBackup(pages.kernel, last + 1);
  const span = new DoubleSpanIter<number>();
  for (span.first(pages.domainsItree, pages.accessItree, area.index, last); !span.done(); span.next()) {
    if (span.isUsed !== 0) {
      batch.skipCarry(span.lastUsed - span.startUsed + 1);
      continue;
    }
    unpinDomain(batch, area, pages, domain, st, span.startHole, span.lastHole, last);
  }
  if (st.unmappedEnd !== last + 1) unmapDomainRange(area, domain, st.unmappedEnd, last);
  if (batch.totalPfns !== 0) pages.kernel.warn('pages', 'unfill left PFNs in the carry');
  batch.destroy();
  updateUnpinned(pages);
}

/** iopt_area_unfill_partial_domain: undo a fill that reached index `end` (exclusive). */
export function unfillPartialDomain(
  area: IoptArea,
  pages: IoptPages,
  domain: IommuDomain,
  end: number,
): void {
  if (end !== area.index) unfillDomainTo(area, pages, domain, end - 1);
}

/** iopt_area_unfill_domain */
export function unfillDomain(area: IoptArea, pages: IoptPages, domain: IommuDomain): void {
  unfillDomainTo(area, pages, domain, area.lastIndex);
}

/** iopt_area_unfill_domains: the area is being destroyed. */
export function unfillDomains(area: IoptArea, pages: IoptPages): void {
  const storage = area.storageDomain;
  if (storage === null) return;
  for (const domain of area.iopt.domains) if (domain !== storage) unmapDomain(area, domain);
  if (area.domainsNode !== null) {
    pages.domainsItree.remove(area.domainsNode);
    area.domainsNode = null;
  }
  unfillDomain(area, pages, storage);
  area.storageDomain = null;
}
