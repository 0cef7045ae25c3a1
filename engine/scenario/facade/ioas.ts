/// <reference path="../api/lab.d.ts" />
/** The scenario's `Ioas`: a hardened facade over an engine IOAS. */
import type { EngineIoas } from '../engine-types';
import type { FacadeContext } from './context';
import { wrapDomain } from './domain';

type MapOpts = { iova?: U64; read?: boolean; write?: boolean; process?: Process };
type CopyOpts = { iova?: U64; read?: boolean; write?: boolean; process?: Process };

export function wrapIoas(ctx: FacadeContext, e: EngineIoas): Ioas {
  const target = `ioas ${e.id}`;
  return ctx.registry.wrap(e, target, () => {
    const io: Ioas = {
      id: e.id,
      map(uptr: number, length: U64, opts?: MapOpts): bigint {
        return ctx.call('ioas.map', target, [uptr, length, opts], 'write', ([u, l, o]) => e.map(u, l, o));
      },
      unmap(iova: U64, length: U64): bigint {
        return ctx.call('ioas.unmap', target, [iova, length], 'write', ([i, l]) => e.unmap(i, l));
      },
      copyFrom(src: Ioas, srcIova: U64, length: U64, opts?: CopyOpts): bigint {
        return ctx.call('ioas.copyFrom', target, [src, srcIova, length, opts], 'write', ([s, i, l, o]) => {
          ctx.registry.requireEngine(s, 'copyFrom: src', 'an Ioas');
          return e.copyFrom(s, i, l, o);
        });
      },
      iovaRanges(capacity?: number) {
        return ctx.call(
          'ioas.iovaRanges',
          target,
          capacity === undefined ? [] : [capacity],
          'read',
          ([c]) => {
            const r = e.iovaRanges(c);
            return {
              ranges: r.ranges.map((x) => ({ start: x.start, last: x.last })),
              alignment: r.alignment,
            };
          },
        );
      },
      allowIovas(ranges: { start: U64; last: U64 }[]): void {
        ctx.call('ioas.allowIovas', target, [ranges], 'write', ([r]) => e.allowIovas(r));
      },
      addReserved(start: U64, length: U64): void {
        ctx.call('ioas.addReserved', target, [start, length], 'write', ([s, l]) => e.addReserved(s, l));
      },
      getOption(name: 'HUGE_PAGES'): number {
        return ctx.call('ioas.getOption', target, [name], 'read', ([n]) => e.getOption(n));
      },
      setOption(name: 'HUGE_PAGES', value: number): void {
        ctx.call('ioas.setOption', target, [name, value], 'write', ([n, v]) => e.setOption(n, v));
      },
      attachDomain(opts?: DomainOptions): Domain {
        return ctx.call('ioas.attachDomain', target, [opts], 'write', ([o]) =>
          wrapDomain(ctx, e.attachDomain(o)),
        );
      },
      destroy(): void {
        ctx.call('ioas.destroy', target, [], 'write', () => e.destroy());
      },
    };
    return io;
  });
}
