/**
 * Inspection of a live state for the app's views (engine/base/inspect-types):
 * tier summaries of IoptPages, the physical memory summary, the domains.
 * Pure reads of the machine: no counters move, no events, no faults.
 */
import { fail } from '../../base/errno';
import type { InspectAnswer, InspectQuery } from '../../base/inspect-types';
import type { MemorySystem } from '../../mm';
import type { IommufdCtx } from '../objects/context';
import type { IoptPages } from '../pages';
import { domainsAnswer } from './domains';
import { indexPages, pagesKey, type PagesIndex } from './pages-order';
import { pagesTiers, resolveRange } from './pages-tiers';
import { pagesFrames, physSummary } from './phys';

export { tierCounts, bucketBounds, effectiveBuckets, unionSpans } from './buckets';
export { indexPages, pagesInOrder, pagesKey } from './pages-order';
export { answerFromDigest } from './digest-tiers';

function findPages(index: PagesIndex, q: { pages?: number; key?: string }): IoptPages | undefined {
  if (q.pages !== undefined) return index.order[q.pages - 1];
  return index.order.find((p) => pagesKey(p) === q.key);
}

export function inspectState(
  memory: MemorySystem,
  contexts: readonly IommufdCtx[],
  queries: readonly InspectQuery[],
): InspectAnswer[] {
  const index = indexPages(contexts);
  const out: InspectAnswer[] = [];
  for (const q of queries) {
    if (q.kind === 'tiers') {
      if (q.pages === undefined && q.key === undefined) {
        for (const p of index.order) out.push(pagesTiers(p, index, q));
        continue;
      }
      const p = findPages(index, q);
      if (p === undefined) fail('ENOENT', `no pages object ${q.key ?? `#${q.pages}`} at this step`);
      out.push(pagesTiers(p, index, q));
    } else if (q.kind === 'phys') {
      let hl: Float64Array | null = null;
      if (q.highlight !== undefined) {
        const p = findPages(index, { key: q.highlight.key });
        if (p !== undefined) {
          const [s, e] = resolveRange(p.npages, q.highlight.start, q.highlight.end);
          hl = pagesFrames(p, s, e);
        } else hl = new Float64Array(0);
      }
      out.push(physSummary(memory.phys, q, hl));
    } else if (q.kind === 'domains') {
      out.push(domainsAnswer(contexts));
    } else {
      fail('EINVAL', `unknown inspect query kind ${String((q as { kind?: unknown }).kind)}`);
    }
  }
  return out;
}
