/**
 * The invariant checker of IOMMUFD-ALGORITHMS.md §14.9 for one IoptPages,
 * callable after any operation. Work is per span (from the trees); only the
 * domain-content checks look at every page, through the domains' inspection
 * hook (no counters, no events).
 */
import { PAGE_SIZE } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { IoptArea, IoptPages } from '../area-pages';
import { DoubleSpanIter } from '../ds';

/** PFN behind index i of `area` in `domain`, or -1. Inspection only. */
function domainPfn(domain: IommuDomain, area: IoptArea, i: number): number {
  const iova = area.indexToIova(i);
  const phys = domain.translate(iova);
  if (phys < 0) return -1;
  const off = i === area.index ? area.pageOffset : 0;
  return Math.floor((phys - off) / PAGE_SIZE);
}

/** Returns a list of violations (empty when every invariant holds). */
export function checkPagesInvariants(pages: IoptPages): string[] {
  const v: string[] = [];
  const xa = pages.pinnedPfns;
  let held = 0;
  if (pages.npages > 0) {
    const span = new DoubleSpanIter<number>();
    for (span.first(pages.accessItree, pages.domainsItree, 0, pages.npages - 1); !span.done(); span.next()) {
      const s = span.startUsed;
      const l = span.lastUsed;
      const n = l - s + 1;
      const inXa = xa.countRange(s, l);
      if (span.isUsed === 1) {
        held += n;
        if (inXa !== n) v.push(`access-held [${s}, ${l}]: ${n - inXa} indexes missing from the xarray`);
      } else if (span.isUsed === 2) {
        held += n;
        if (inXa !== 0) v.push(`domain-only [${s}, ${l}]: ${inXa} stray xarray entries`);
      } else if (inXa !== 0) v.push(`unpinned [${s}, ${l}]: ${inXa} stray xarray entries`);
    }
  }
  if (xa.size > 0) {
    // entries beyond npages would escape the span walk
    const beyond = xa.countRange(pages.npages, Number.MAX_SAFE_INTEGER);
    if (beyond !== 0) v.push(`${beyond} xarray entries beyond npages`);
  }
  if (pages.npinned !== held) v.push(`npinned ${pages.npinned} != indexes held by the trees ${held}`);
  if (pages.lastNpinned !== pages.npinned)
    v.push(`last_npinned ${pages.lastNpinned} != npinned ${pages.npinned}`);
  if (pages.npinned > pages.npages) v.push(`npinned ${pages.npinned} > npages ${pages.npages}`);

  for (const node of pages.accessItree) {
    if (node.value.users < 1) v.push(`access [${node.start}, ${node.last}] with ${node.value.users} users`);
    if (node.value.node !== node) v.push(`access [${node.start}, ${node.last}] node back-pointer mismatch`);
    if (node.last >= pages.npages) v.push(`access [${node.start}, ${node.last}] beyond npages`);
  }

  for (const node of pages.domainsItree) {
    const area = node.value;
    const tag = `area [${node.start}, ${node.last}]`;
    if (area.domainsNode !== node) v.push(`${tag}: domainsNode does not point at its domains_itree node`);
    if (node.start !== area.index || node.last !== area.lastIndex)
      v.push(`${tag}: node differs from pages_node`);
    if (area.pages !== null && area.pages !== pages) v.push(`${tag}: area.pages is another iopt_pages`);
    const domains = area.iopt.domains;
    if (domains.length === 0) v.push(`${tag}: in domains_itree but its iopt has no domain`);
    if (area.storageDomain === null) v.push(`${tag}: in domains_itree without a storage domain`);
    else if (!domains.includes(area.storageDomain)) v.push(`${tag}: storage domain not in its iopt`);
    if (area.storageDomain === null || domains.length === 0) continue;
    v.push(...checkAreaMapped(pages, area));
  }
  return v;
}

/** Every domain of the area's iopt maps every index of the area to the same PFN (and the xarray agrees). */
function checkAreaMapped(pages: IoptPages, area: IoptArea): string[] {
  const v: string[] = [];
  const domains = area.iopt.domains;
  const storage = area.storageDomain as IommuDomain;
  const xa = pages.pinnedPfns;
  let bad = 0;
  for (let i = area.index; i <= area.lastIndex && bad < 8; i++) {
    const want = domainPfn(storage, area, i);
    if (want < 0) {
      v.push(`area index ${i}: not mapped in storage domain ${storage.source}`);
      bad++;
      continue;
    }
    const x = xa.load(i);
    if (x !== -1 && x !== want) {
      v.push(`index ${i}: xarray PFN ${x} != domain PFN ${want}`);
      bad++;
    }
    for (const d of domains) {
      if (d === storage) continue;
      const got = domainPfn(d, area, i);
      if (got !== want) {
        v.push(`area index ${i}: ${d.source} maps PFN ${got}, storage domain ${want}`);
        bad++;
      }
    }
  }
  // the trimmed ends: the first and last IOVA must be mapped exactly
  for (const d of domains) {
    const first = d.translate(Number(area.iova));
    const last = d.translate(Number(area.lastIova));
    if (first < 0 || last < 0)
      v.push(`area [${area.iova}, ${area.lastIova}]: ends not mapped in ${d.source}`);
  }
  return v;
}

/**
 * Calls cb(pfn, npfns) for every run of frames this pages object holds pinned
 * (xarray for access-held indexes, storage domains for domain-held ones).
 * The machine-level checker sums these per frame against the pin counts.
 */
export function forEachHeldPfn(pages: IoptPages, cb: (pfn: number, npfns: number) => void): void {
  if (pages.npages === 0) return;
  let runPfn = -1;
  let runLen = 0;
  const add = (pfn: number): void => {
    if (runLen > 0 && pfn === runPfn + runLen) {
      runLen++;
      return;
    }
    if (runLen > 0) cb(runPfn, runLen);
    runPfn = pfn;
    runLen = 1;
  };
  const span = new DoubleSpanIter<number>();
  for (span.first(pages.accessItree, pages.domainsItree, 0, pages.npages - 1); !span.done(); span.next()) {
    if (span.isUsed === 0) continue;
    if (span.isUsed === 1) {
      for (let i = span.startUsed; i <= span.lastUsed; i++) add(pages.pinnedPfns.load(i));
      continue;
    }
    let s = span.startUsed;
    while (s <= span.lastUsed) {
      const node = pages.domainsItree.iterFirst(s, s);
      if (node === null || node.value.storageDomain === null) break;
      const area = node.value;
      const l = Math.min(area.lastIndex, span.lastUsed);
      for (let i = s; i <= l; i++) add(domainPfn(area.storageDomain as IommuDomain, area, i));
      s = l + 1;
    }
  }
  if (runLen > 0) cb(runPfn, runLen);
}
