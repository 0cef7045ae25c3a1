/**
 * Moving PFN batches in and out of an iommu_domain (IOMMUFD-ALGORITHMS.md
 * §4.3–§4.4): batch_from_domain reads one PAGE_SIZE at a time with
 * iova_to_phys (the kernel's path) and batch_to_domain maps one run per
 * iommu_map call. When the domain has the §13 batch API switched on, reads go
 * through iommuReadPfns and maps through iommuMapPfnList instead; both paths
 * give identical domain contents.
 */
import { PAGE_SIZE } from '../../base';
import {
  iommuIovaToPhys,
  iommuMap,
  iommuMapPfnList,
  iommuReadPfns,
  iommuUnmap,
  MockDomain,
  PagetableDomain,
  type IommuDomain,
} from '../../iommu';
import type { IoptArea } from '../area-pages';
import type { PfnBatch } from './pfn-batch';

/** The run fast paths' cursor (single-threaded, reused: no allocation per batch). */
const cursor = { k: 0, iova: 0, full: false };

/**
 * Whether batch_to_domain / batch_from_domain take the pagetable domain's
 * run fast paths (mapPageRuns, readPageRuns). Always on; the differential
 * test switches it off to get the per-call reference.
 */
export const runFastPaths = { enabled: true };

/** batch_from_domain: add the PFNs of [start, last] until the batch is full. */
export function batchFromDomain(
  batch: PfnBatch,
  domain: IommuDomain,
  area: IoptArea,
  start: number,
  last: number,
): void {
  let iova = area.indexToIova(start);
  let off = start === area.index ? area.pageOffset : 0;
  if (domain.batchApi) {
    iommuReadPfns(domain, iova, last - start + 1, (pfn, count) => {
      // A run either extends the batch's last run or needs one new slot, so
      // "all of the run or none" is exactly what per-page adds would do.
      const k = batch.end - 1;
      if (k >= 0 && pfn === batch.pfns[k] + batch.npfns[k] && batch.npfns[k] + count <= 0xffffffff) {
        batch.npfns[k] += count;
      } else {
        if (batch.end === batch.arraySize) return false;
        batch.pfns[batch.end] = pfn;
        batch.npfns[batch.end] = count;
        batch.end++;
        batch.kernel.counters.batchRuns++;
      }
      batch.totalPfns += count;
      batch.kernel.counters.batchPfns += count;
      return true;
    });
    return;
  }
  let i = start;
  if (off === 0 && runFastPaths.enabled && (domain instanceof PagetableDomain || domain instanceof MockDomain)) {
    // the per-page reads in one pass over each leaf table; the page it stops
    // before (not mapped) is read the per-page way below, with its warning
    const n = domain.readPageRuns(iova, last - start + 1, batch, cursor);
    if (cursor.full) return;
    i += n;
    iova += n * PAGE_SIZE;
  }
  for (; i <= last; i++) {
    const phys = iommuIovaToPhys(domain, iova);
    if (!batch.addPfn(Math.floor((phys - off) / PAGE_SIZE))) return;
    iova += PAGE_SIZE - off;
    off = 0;
  }
}

/**
 * batch_from_domain_continue: only accept PFNs contiguous with the batch's
 * last run (stops at the first discontinuity or at `last`). `probe` marks a
 * read-ahead that may hit an already unmapped IOVA (§7.4 quirk).
 */
export function batchFromDomainContinue(
  batch: PfnBatch,
  domain: IommuDomain,
  area: IoptArea,
  start: number,
  last: number,
  probe: boolean,
): void {
  const saved = batch.arraySize;
  batch.arraySize = batch.end;
  try {
    if (probe) {
      // The first read may be of an unmapped IOVA: it returns 0, which is never
      // contiguous, so nothing is added. Ask the domain as a probe.
      const phys = iommuIovaToPhys(domain, area.indexToIova(start), { probe: true });
      const off = start === area.index ? area.pageOffset : 0;
      if (phys <= 0 || !batch.addPfn(Math.floor((phys - off) / PAGE_SIZE))) return;
      if (start < last) batchFromDomain(batch, domain, area, start + 1, last);
      return;
    }
    batchFromDomain(batch, domain, area, start, last);
  } finally {
    batch.arraySize = saved;
  }
}

/** map_small: PAGE_SIZE at a time (disable_large_pages); undoes itself on error. */
function mapSmall(
  domain: IommuDomain,
  iova: number,
  paddr: number,
  size: number,
  prot: number,
  area: IoptArea,
): void {
  if (iova % PAGE_SIZE !== 0 || paddr % PAGE_SIZE !== 0 || size % PAGE_SIZE !== 0)
    area.kernel.warn('pages', 'map_small with unaligned iova, paddr or size');
  for (let done = 0; done < size; done += PAGE_SIZE) {
    try {
      iommuMap(domain, iova + done, paddr + done, PAGE_SIZE, prot);
    } catch (e) {
      if (done > 0) iommuUnmap(domain, iova, done);
      throw e;
    }
  }
}

const listScratch = new WeakMap<PfnBatch, { paddrs: Float64Array; sizes: Float64Array }>();

/**
 * batch_to_domain: map the batch, whose first PFN is index `startIndex`, into
 * one domain. On failure the domain is as before this call.
 */
export function batchToDomain(
  batch: PfnBatch,
  domain: IommuDomain,
  area: IoptArea,
  startIndex: number,
): void {
  let off = startIndex === area.index ? area.pageOffset : 0;
  const startIova = area.indexToIova(startIndex);
  const endIova = area.lastIovaNum + 1;
  const prot = area.iommuProt;
  const small = area.iopt.disableLargePages;
  let iova = startIova;
  let next = iova;
  if (domain.batchApi && !small) {
    let s = listScratch.get(batch);
    if (s === undefined || s.paddrs.length < batch.end) {
      s = {
        paddrs: new Float64Array(Math.max(1, batch.arraySize)),
        sizes: new Float64Array(Math.max(1, batch.arraySize)),
      };
      listScratch.set(batch, s);
    }
    let count = 0;
    for (let k = 0; k < batch.end; k++) {
      if (batch.npfns[k] === 0) continue;
      next = Math.min(endIova, next + batch.npfns[k] * PAGE_SIZE - off);
      s.paddrs[count] = batch.pfns[k] * PAGE_SIZE + off;
      s.sizes[count] = next - iova;
      count++;
      iova = next;
      off = 0;
    }
    if (count > 0) iommuMapPfnList(domain, startIova, s.paddrs, s.sizes, count, prot);
    return;
  }
  const pt = !small && runFastPaths.enabled && domain instanceof PagetableDomain ? domain : null;
  for (let k = 0; k < batch.end; k++) {
    if (pt !== null && off === 0) {
      // runs of one 4 KiB page (fragmented memory) in one pass; it stops
      // before any run it cannot prove would map, which goes the per-call way
      cursor.k = k;
      cursor.iova = iova;
      pt.mapPageRuns(batch.pfns, batch.npfns, batch.end, endIova, prot, cursor);
      k = cursor.k;
      iova = next = cursor.iova;
      if (k === batch.end) break;
    }
    if (batch.npfns[k] === 0) continue;
    next = Math.min(endIova, next + batch.npfns[k] * PAGE_SIZE - off);
    const paddr = batch.pfns[k] * PAGE_SIZE + off;
    try {
      if (small) mapSmall(domain, iova, paddr, next - iova, prot, area);
      else iommuMap(domain, iova, paddr, next - iova, prot);
    } catch (e) {
      if (iova !== startIova) iommuUnmap(domain, startIova, iova - startIova);
      throw e;
    }
    iova = next;
    off = 0;
  }
}

/** iopt_area_unmap_domain_range helper: unmap IOVA [iova, iova + size) and WARN on a short unmap. */
export function unmapChecked(area: IoptArea, domain: IommuDomain, iova: number, size: number): void {
  const done = iommuUnmap(domain, iova, size);
  if (done !== size) area.kernel.warn('pages', `iommu_unmap returned ${done} for ${size} bytes`);
}

/**
 * raw_pages_from_domain: write the PFN of every index of [start, last] to
 * out[outOff..] (never stops early).
 */
export function rawPagesFromDomain(
  domain: IommuDomain,
  area: IoptArea,
  start: number,
  last: number,
  out: Uint32Array,
  outOff: number,
): void {
  let iova = area.indexToIova(start);
  let off = start === area.index ? area.pageOffset : 0;
  if (domain.batchApi) {
    let o = outOff;
    iommuReadPfns(domain, iova, last - start + 1, (pfn, count) => {
      for (let i = 0; i < count; i++) out[o++] = pfn + i;
      return true;
    });
    return;
  }
  for (let i = start; i <= last; i++) {
    const phys = iommuIovaToPhys(domain, iova);
    out[outOff + i - start] = Math.floor((phys - off) / PAGE_SIZE);
    iova += PAGE_SIZE - off;
    off = 0;
  }
}
