/**
 * Tier summary of one live IoptPages (TierAnswer) from its trees: the
 * access_itree and domains_itree coverage over [start, end) as spans, merged
 * into tier runs and bucketed — O(nodes in range + buckets), never per page.
 * Zoomed in (end - start <= buckets), per-page detail: PFN, tier, pin count
 * and holders, O(range).
 */
import { PAGE_SIZE } from '../../base';
import { fail } from '../../base/errno';
import type { InspectAccessNode, PageDetail, TierAnswer } from '../../base/inspect-types';
import { FRAME_FREE } from '../../mm/frames';
import type { IntervalTree } from '../ds';
import type { IoptPages } from '../pages';
import { effectiveBuckets, tierCounts, unionSpans } from './buckets';
import { pagesKey, type PagesIndex } from './pages-order';

const XARRAY_BIT = 0x80000000;

/** Flat [start, last] pairs of the nodes of `tree` meeting [lo, hi], in start order. */
function nodePairs<V>(tree: IntervalTree<number, V>, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let n = tree.iterFirst(lo, hi); n !== null; n = tree.iterNext(n, lo, hi)) out.push(n.start, n.last);
  return out;
}

/** Resolve [start, end) against npages (defaults: the whole object). */
export function resolveRange(npages: number, start?: number, end?: number): [number, number] {
  const s = start ?? 0;
  const e = end ?? npages;
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(e) || s < 0 || e > npages || s > e)
    fail('EINVAL', `page range [${s}, ${e}) outside [0, ${npages})`);
  return [s, e];
}

export function checkBuckets(buckets: unknown): number {
  if (typeof buckets !== 'number' || !Number.isSafeInteger(buckets) || buckets < 1 || buckets > 1 << 20)
    fail('EINVAL', `buckets must be an integer in [1, 2^20], got ${String(buckets)}`);
  return buckets;
}

export function pagesTiers(
  pages: IoptPages,
  index: PagesIndex,
  q: { start?: number; end?: number; buckets: number; detail?: boolean },
): TierAnswer {
  const [start, end] = resolveRange(pages.npages, q.start, q.end);
  const buckets = effectiveBuckets(start, end, checkBuckets(q.buckets));
  const hi = end - 1;
  const access = end > start ? unionSpans(nodePairs(pages.accessItree, start, hi), start, hi) : [];
  const domains = end > start ? unionSpans(nodePairs(pages.domainsItree, start, hi), start, hi) : [];
  const wantDetail = q.detail !== false && end - start <= q.buckets;
  const tier = wantDetail ? new Uint8Array(end - start) : null;
  const counts = tierCounts(
    access,
    domains,
    start,
    end,
    buckets,
    tier ? (s, e, t) => tier.fill(t, s - start, e - start) : undefined,
  );
  const accesses: InspectAccessNode[] = [];
  for (
    let n = pages.accessItree.iterFirst(start, Math.max(start, hi));
    n !== null && end > start;
    n = pages.accessItree.iterNext(n, start, hi)
  )
    accesses.push({ start: n.start, last: n.last, users: n.value.users });
  const areas = (index.areas.get(pages) ?? []).filter((a) => a.lastIndex >= start && a.index < end);
  const ans: TierAnswer = {
    kind: 'tiers',
    pages: index.ids.get(pages) ?? 0,
    key: pagesKey(pages),
    pid: pages.sourceTask.pid,
    uptr: pages.uptr,
    npages: pages.npages,
    npinned: pages.npinned,
    lastNpinned: pages.lastNpinned,
    start,
    end,
    buckets,
    counts,
    areas,
    accesses,
  };
  if (tier) ans.detail = pageDetail(pages, index, start, end, tier);
  return ans;
}

function pageDetail(
  pages: IoptPages,
  index: PagesIndex,
  start: number,
  end: number,
  tier: Uint8Array,
): PageDetail {
  const n = end - start;
  const pfn = new Float64Array(n).fill(-1);
  const pin = new Uint32Array(n);
  const holders = new Uint32Array(n);
  const domainIds: number[] = [];
  const bitOf = new Map<number, number>();
  const phys = pages.phys;
  // domains: every domain of the io_pagetable of an area in domains_itree maps its pages
  for (
    let node = pages.domainsItree.iterFirst(start, end - 1);
    node !== null;
    node = pages.domainsItree.iterNext(node, start, end - 1)
  ) {
    const area = node.value;
    const lo = Math.max(start, area.index);
    const last = Math.min(end - 1, area.lastIndex);
    for (const hw of area.iopt.domains) {
      const id = index.domainIds.get(hw) ?? -1;
      let bit = bitOf.get(id);
      if (bit === undefined) {
        if (domainIds.length >= 31) continue; // bit 31 is the xarray's
        bit = domainIds.length;
        domainIds.push(id);
        bitOf.set(id, bit);
      }
      for (let i = lo; i <= last; i++) {
        const pa = hw.translate(area.indexToIova(i));
        if (pa < 0) continue;
        holders[i - start] = (holders[i - start] as number) | (1 << bit);
        pfn[i - start] = Math.floor(pa / PAGE_SIZE);
      }
    }
  }
  for (let i = start; i < end; i++) {
    const k = i - start;
    const x = pages.pinnedPfns.load(i);
    if (x >= 0) {
      holders[k] = ((holders[k] as number) | XARRAY_BIT) >>> 0;
      pfn[k] = x;
    }
    if ((pfn[k] as number) < 0) pfn[k] = pages.sourceMm.translate(pages.uptr + i * PAGE_SIZE);
    const f = pfn[k] as number;
    if (f >= 0 && f < phys.nframes)
      pin[k] = (phys.frames.flags[f] as number) & FRAME_FREE ? 0 : (phys.frames.pin[f] as number);
  }
  return { start, end, pfn, tier, pin, holders, domainIds };
}
