/**
 * Machine.inspect of a naive or vfio-type1 machine: tier summaries come
 * from the strategy digest (inspect/digest-tiers.ts; no per-page detail),
 * the physical summary is the shared one with the mapping's frames
 * highlighted (read through the process's page table), the domains as
 * inspect/domains.ts reports them. Reads only.
 */
import { fail, PAGE_SIZE } from '../../base';
import type { DomainAnswer, InspectAnswer, InspectQuery } from '../../base/inspect-types';
import type { MemorySystem } from '../../mm';
import { answerFromDigest } from '../inspect/digest-tiers';
import { resolveRange } from '../inspect/pages-tiers';
import { physSummary } from '../inspect/phys';
import { strategyDigest } from './digest';
import type { CtxView } from './types';

export function strategyInspect(
  memory: MemorySystem,
  contexts: readonly CtxView[],
  queries: readonly InspectQuery[],
): InspectAnswer[] {
  const out: InspectAnswer[] = [];
  let digest: ReturnType<typeof strategyDigest> | null = null;
  for (const q of queries) {
    if (q.kind === 'tiers') {
      digest ??= strategyDigest(memory, contexts);
      const a = answerFromDigest(digest, [{ ...q, detail: false }]);
      if (a !== null) out.push(...a);
    } else if (q.kind === 'phys') {
      let hl: Float64Array | null = null;
      if (q.highlight !== undefined) {
        hl = new Float64Array(0);
        const key = q.highlight.key;
        for (const ctx of contexts)
          for (const ioas of ctx.ioases())
            for (const m of ioas.mappings())
              if (`${m.task.pid}:${m.uptr}:${m.npages}` === key) {
                const [s, e] = resolveRange(m.npages, q.highlight.start, q.highlight.end);
                hl = new Float64Array(e - s);
                for (let i = s; i < e; i++) hl[i - s] = m.task.translate(m.uptr + i * PAGE_SIZE);
              }
      }
      out.push(physSummary(memory.phys, q, hl));
    } else if (q.kind === 'domains') {
      const domains: DomainAnswer['domains'] = [];
      for (const ctx of contexts)
        for (const ioas of ctx.ioases())
          for (const d of ioas.domains())
            domains.push({
              id: d.id,
              ioas: ioas.id,
              kind: d.kind,
              stats: { ...d.hw.stats() },
              mapped: d.hw.mappedRanges().map((m) => [String(m.iova), String(m.length), m.pageSize]),
            });
      out.push({ kind: 'domains', domains });
    } else {
      fail('EINVAL', `unknown inspect query kind ${String((q as { kind?: unknown }).kind)}`);
    }
  }
  return out;
}
