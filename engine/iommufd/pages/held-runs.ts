/**
 * The PFN runs an IoptPages holds (its access and domain tiers), for state
 * digests: what forEachHeldPfn walks, as a list of (pfn, npfns) runs in
 * index order, kept per object while its `pinGen` is unchanged. The held set
 * changes only when the object pins or unpins (a tier move — an access over
 * a domain-held index, a storage domain change, an area split — keeps each
 * index's PFN), so a digest recomputes the runs of the objects that pinned
 * or unpinned since the last one and reuses the others: O(changed pages +
 * live runs) instead of O(held pages). Inspection only: no counters, no
 * events.
 */
import { PAGE_SIZE, storeAt } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { IoptPages } from '../area-pages';
import { DoubleSpanIter } from '../ds';

/** Held runs of one IoptPages: runs[2k] the first PFN of run k, runs[2k+1] its length. */
export interface HeldRuns {
  readonly pages: IoptPages;
  gen: number;
  count: number;
  /**
   * [pfn, n] pairs, runs[0 .. 2·count). A plain array: one per live object,
   * made at its first fill — a typed array would need a prototype of its
   * own to store fast under lockdown (base/typed.ts), costlier than the fill
   * of a small mapping.
   */
  runs: number[];
}

const span = new DoubleSpanIter<number>();

/** The held runs of `pages`, from the cache while its pinGen is unchanged. */
export function heldRuns(pages: IoptPages): HeldRuns {
  let h = pages.heldRunsCache as HeldRuns | null;
  if (h !== null && h.gen === pages.pinGen) return h;
  if (h === null) {
    h = { pages, gen: -1, count: 0, runs: [] };
    pages.heldRunsCache = h;
  }
  collect(h);
  h.gen = pages.pinGen;
  return h;
}

/**
 * fill_domains of an area of an object that held nothing yet: its held runs
 * will be exactly the batches the fill pushes, in index order. Returns the
 * (emptied) cache entry to append them to, or null when something is held.
 */
export function heldRunsFromFill(pages: IoptPages): HeldRuns | null {
  if (pages.npinned !== 0 || pages.accessItree.size !== 0 || pages.domainsItree.size !== 0) return null;
  let h = pages.heldRunsCache as HeldRuns | null;
  if (h === null) {
    h = { pages, gen: -1, count: 0, runs: [] };
    pages.heldRunsCache = h;
  }
  h.gen = -1;
  h.count = 0;
  return h;
}

/** Append a batch's runs (the fill's batches, in order). */
export function appendHeldRuns(h: HeldRuns, pfns: Float64Array, npfns: Uint32Array, end: number): void {
  for (let k = 0; k < end; k++) {
    const n = npfns[k];
    if (n === 0) continue;
    const c = h.count;
    if (c > 0 && pfns[k] === h.runs[2 * c - 2] + h.runs[2 * c - 1]) {
      h.runs[2 * c - 1] += n;
      continue;
    }
    storeRun(h, c, pfns[k] as number, n);
    h.count = c + 1;
  }
}

/** runs[2c], runs[2c+1] = pfn, n (storeAt: growing a plain array by index is slow under SES lockdown). */
function storeRun(h: HeldRuns, c: number, pfn: number, n: number): void {
  storeAt(h.runs, 2 * c, pfn);
  storeAt(h.runs, 2 * c + 1, n);
}

/** The fill succeeded: the runs are the object's held runs at its current pinGen. */
export function commitHeldRuns(h: HeldRuns): void {
  h.gen = h.pages.pinGen;
}

function push(h: HeldRuns, pfn: number): void {
  const n = h.count;
  if (n > 0 && pfn === h.runs[2 * n - 2] + h.runs[2 * n - 1]) {
    h.runs[2 * n - 1]++;
    return;
  }
  storeRun(h, n, pfn, 1);
  h.count = n + 1;
}

/** forEachHeldPfn's walk, without a callback per page. */
function collect(h: HeldRuns): void {
  const pages = h.pages;
  h.count = 0;
  if (pages.npages === 0) return;
  for (span.first(pages.accessItree, pages.domainsItree, 0, pages.npages - 1); !span.done(); span.next()) {
    if (span.isUsed === 0) continue;
    if (span.isUsed === 1) {
      for (let i = span.startUsed; i <= span.lastUsed; i++) push(h, pages.pinnedPfns.load(i));
      continue;
    }
    let s = span.startUsed;
    while (s <= span.lastUsed) {
      const node = pages.domainsItree.iterFirst(s, s);
      if (node === null || node.value.storageDomain === null) break;
      const area = node.value;
      const domain = area.storageDomain as IommuDomain;
      const l = Math.min(area.lastIndex, span.lastUsed);
      // IOVA of index i: iova0 + (i - s) pages, the area's first index shifted by its page offset
      const off = s === area.index ? area.pageOffset : 0;
      const iova0 = area.indexToIova(s) - off;
      for (let i = s; i <= l; i++) {
        const o = i === area.index ? off : 0;
        const phys = domain.translate(iova0 + (i - s) * PAGE_SIZE + o);
        push(h, phys < 0 ? -1 : Math.floor((phys - o) / PAGE_SIZE));
      }
      s = l + 1;
    }
  }
}
