/// <reference path="../api/lab.d.ts" />
/** The scenario's `Iommufd` context: a hardened facade over the engine's. */
import type { EngineIommufd } from '../engine-types';
import { wrapAccess } from './access';
import type { FacadeContext } from './context';
import { wrapIoas } from './ioas';

export function wrapIommufd(ctx: FacadeContext, e: EngineIommufd): Iommufd {
  const target = `iommufd ${ctx.nextFd++}`;
  return ctx.registry.wrap(e, target, () => {
    const fd: Iommufd = {
      ioasAlloc(): Ioas {
        return ctx.call('iommufd.ioasAlloc', target, [], 'write', () => wrapIoas(ctx, e.ioasAlloc()));
      },
      getOption(name: 'RLIMIT_MODE'): number {
        return ctx.call('iommufd.getOption', target, [name], 'read', ([n]) => e.getOption(n));
      },
      setOption(name: 'RLIMIT_MODE', value: number): void {
        ctx.call('iommufd.setOption', target, [name, value], 'write', ([n, v]) => e.setOption(n, v));
      },
      createAccess(ioas: Ioas, opts?: { needsPinPages?: boolean; onUnmap?: 'unpin' | 'ignore' }): Access {
        return ctx.call('iommufd.createAccess', target, [ioas, opts], 'write', ([i, o]) => {
          ctx.registry.requireEngine(i, 'createAccess: ioas', 'an Ioas');
          return wrapAccess(ctx, e.createAccess(i, o));
        });
      },
      close(): void {
        ctx.call('iommufd.close', target, [], 'write', () => e.close());
      },
    };
    return fd;
  });
}
