/// <reference path="../api/lab.d.ts" />
/**
 * The scenario's `Access`. Items are frozen copies; each remembers the engine
 * item it stands for, so `unpin(item)` hands the engine its own object.
 */
import type { EngineAccess, EngineAccessItem } from '../engine-types';
import type { FacadeContext } from './context';

export function wrapAccess(ctx: FacadeContext, e: EngineAccess): Access {
  const target = `access ${e.id}`;
  const item = (it: EngineAccessItem): AccessItem =>
    ctx.registry.wrap(it, `item ${it.id}`, () => ({ id: it.id, iova: it.iova, length: it.length }));
  return ctx.registry.wrap(e, target, () => {
    const a: Access = {
      id: e.id,
      pin(iova: U64, length: U64, opts?: { write?: boolean; uptr?: number }): AccessItem {
        return ctx.call('access.pin', target, [iova, length, opts], 'write', ([i, l, o]) =>
          item(e.pin(i, l, o)),
        );
      },
      unpin(it: AccessItem | number): void {
        ctx.call('access.unpin', target, [it], 'write', ([x]) => e.unpin(x));
      },
      get items(): AccessItem[] {
        ctx.guard();
        return e.items.map(item);
      },
      read(iova: U64, length: number, opts?: { slowPath?: boolean }): Uint8Array {
        return ctx.call(
          'access.read',
          target,
          [iova, length, opts],
          'write',
          ([i, l, o]) => new Uint8Array(e.read(i, l, o)),
        );
      },
      write(iova: U64, data: Uint8Array, opts?: { slowPath?: boolean }): void {
        ctx.call('access.write', target, [iova, data, opts], 'write', ([i, d, o]) => e.write(i, d, o));
      },
      close(): void {
        ctx.call('access.close', target, [], 'write', () => e.close());
      },
    };
    return a;
  });
}
