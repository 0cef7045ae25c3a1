/**
 * Tier summaries from a MachineDigest alone (a past step of a finished run,
 * no machine needed): the digest keeps per pages object its access
 * intervals and domains_itree coverage, which give the four tiers; areas
 * and npinned are in it too. O(runs + buckets). Anything else (per-page
 * detail, physical memory, domain stats) needs the machine: null.
 */
import { fail } from '../../base/errno';
import type { InspectAnswer, InspectArea, InspectQuery, TierAnswer } from '../../base/inspect-types';
import type { MachineDigest, PagesDigest } from '../digest';
import { effectiveBuckets, tierCounts, unionSpans } from './buckets';
import { checkBuckets, resolveRange } from './pages-tiers';

const keyOf = (p: PagesDigest): string => `${p.pid}:${p.uptr}:${p.npages}`;

/** Whether `queries` can be answered from a digest (no detail, phys or domains). */
export function digestCanAnswer(queries: readonly InspectQuery[], digest: MachineDigest): boolean {
  for (const q of queries) {
    if (q.kind !== 'tiers') return false;
    if (q.detail === false) continue;
    const targets =
      q.pages === undefined && q.key === undefined
        ? digest.pages
        : digest.pages.filter((p) => p.id === q.pages || keyOf(p) === q.key);
    for (const p of targets) {
      const s = q.start ?? 0;
      const e = q.end ?? p.npages;
      if (e - s <= q.buckets) return false;
    }
  }
  return true;
}

function tiersOf(
  digest: MachineDigest,
  p: PagesDigest,
  q: { start?: number; end?: number; buckets: number },
): TierAnswer {
  const [start, end] = resolveRange(p.npages, q.start, q.end);
  const buckets = effectiveBuckets(start, end, checkBuckets(q.buckets));
  const hi = end - 1;
  const accessPairs: number[] = [];
  for (const [s, l] of p.accessIntervals) accessPairs.push(s, l);
  const domainPairs: number[] = [];
  for (const [s, l] of p.domainSpans) domainPairs.push(s, l);
  const counts = tierCounts(
    unionSpans(accessPairs, start, hi),
    unionSpans(domainPairs, start, hi),
    start,
    end,
    buckets,
  );
  const key = keyOf(p);
  const areas: InspectArea[] = [];
  for (const ctx of digest.contexts)
    for (const ioas of ctx.ioas)
      for (const a of ioas.areas)
        if (a.pages === p.id && a.lastIndex >= start && a.index < end)
          areas.push({
            ioas: ioas.id,
            iova: a.iova,
            length: a.length,
            index: a.index,
            lastIndex: a.lastIndex,
            pages: key,
            prot: a.prot,
            storageDomain: a.storageDomain,
            numAccesses: a.numAccesses,
          });
  return {
    kind: 'tiers',
    pages: p.id,
    key,
    pid: p.pid,
    uptr: p.uptr,
    npages: p.npages,
    npinned: p.npinned,
    lastNpinned: p.lastNpinned,
    start,
    end,
    buckets,
    counts,
    areas,
    accesses: p.accessIntervals
      .filter(([s, l]) => l >= start && s <= hi)
      .map(([s, l, users]) => ({ start: s, last: l, users })),
  };
}

/** Answers from the digest, or null when a query needs the machine. */
export function answerFromDigest(
  digest: MachineDigest,
  queries: readonly InspectQuery[],
): InspectAnswer[] | null {
  if (!digestCanAnswer(queries, digest)) return null;
  const out: InspectAnswer[] = [];
  for (const q of queries) {
    if (q.kind !== 'tiers') return null;
    if (q.pages === undefined && q.key === undefined) {
      for (const p of digest.pages) out.push(tiersOf(digest, p, q));
      continue;
    }
    const p = digest.pages.find((x) => (q.pages !== undefined ? x.id === q.pages : keyOf(x) === q.key));
    if (p === undefined) fail('ENOENT', `no pages object ${q.key ?? `#${q.pages}`} at this step`);
    out.push(tiersOf(digest, p, q));
  }
  return out;
}
