/** DomainAnswer: every attached domain's stats and mapped ranges (O(domains + runs)). */
import type { DomainAnswer } from '../../base/inspect-types';
import type { IommufdCtx } from '../objects/context';

export function domainsAnswer(contexts: readonly IommufdCtx[]): DomainAnswer {
  const domains: DomainAnswer['domains'] = [];
  for (const ctx of contexts)
    for (const ioas of ctx.ioases())
      for (const d of ioas.domains)
        domains.push({
          id: d.id,
          ioas: ioas.id,
          kind: d.kind,
          stats: { ...d.stats() },
          mapped: d.hw.mappedRanges().map((m) => [String(m.iova), String(m.length), m.pageSize]),
        });
  return { kind: 'domains', domains };
}
