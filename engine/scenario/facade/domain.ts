/// <reference path="../api/lab.d.ts" />
/** The scenario's `Domain`: a hardened facade over an engine domain. */
import type { EngineDomain } from '../engine-types';
import type { FacadeContext } from './context';
import { copyOut } from './values';

export function wrapDomain(ctx: FacadeContext, e: EngineDomain): Domain {
  const target = `domain ${e.id}`;
  return ctx.registry.wrap(e, target, () => {
    const d: Domain = {
      id: e.id,
      kind: e.kind,
      checkMap(iova: U64, length: U64, uptr: number, opts?: { process?: Process }): void {
        ctx.call('domain.checkMap', target, [iova, length, uptr, opts], 'read', ([i, l, u, o]) =>
          e.checkMap(i, l, u, o),
        );
      },
      iovaToPhys(iova: U64): bigint | null {
        return ctx.call('domain.iovaToPhys', target, [iova], 'read', ([i]) => e.iovaToPhys(i));
      },
      detach(): void {
        ctx.call('domain.detach', target, [], 'write', () => e.detach());
      },
      stats(): DomainStats {
        return ctx.call('domain.stats', target, [], 'read', () => copyOut(e.stats()) as DomainStats);
      },
    };
    return d;
  });
}
