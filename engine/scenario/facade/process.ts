/// <reference path="../api/lab.d.ts" />
/**
 * The scenario's `Process`: a hardened facade over an engine process. The
 * settable limits go through the recorder like calls ('process.memlockLimit').
 * mmap/munmap/read/write are 'read' ops for the digest: they change VMAs and
 * frame contents, which the state digest does not cover (pins, accounting,
 * iommufd objects), so no digest is taken after them.
 */
import { LabError } from '../../base/errno';
import type { EngineProcess } from '../engine-types';
import type { FacadeContext } from './context';

function checkLimit(name: string, v: unknown): void {
  if (name === 'memlockLimit') {
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (!Number.isInteger(v) && v !== Infinity)) {
      throw new LabError('EINVAL', `memlockLimit must be a non-negative integer or Infinity`);
    }
  } else if (typeof v !== 'boolean') {
    throw new LabError('EINVAL', `${name} must be a boolean`);
  }
}

export function wrapProcess(ctx: FacadeContext, e: EngineProcess): Process {
  const target = `process ${e.pid}`;
  const set = <K extends 'memlockLimit' | 'capIpcLock' | 'capSysResource'>(name: K, v: unknown): void => {
    // an assignment is not a call: no injected site, the position comes from a stack
    ctx.call(
      `process.${name}`,
      target,
      [v],
      'write',
      ([x]) => {
        checkLimit(name, x);
        (e as Pick<EngineProcess, K>)[name] = x as EngineProcess[K];
      },
      true,
    );
  };
  return ctx.registry.wrap(e, target, () => {
    const p: Process = {
      pid: e.pid,
      mmap(length: number, opts?: MmapOptions): number {
        return ctx.call('process.mmap', target, [length, opts], 'read', ([l, o]) => {
          const uptr = e.mmap(l, o);
          ctx.mmapped = true;
          return uptr;
        });
      },
      munmap(uptr: number, length: number): void {
        ctx.call('process.munmap', target, [uptr, length], 'read', ([u, l]) => e.munmap(u, l));
      },
      read(uptr: number, length: number): Uint8Array {
        return ctx.call(
          'process.read',
          target,
          [uptr, length],
          'read',
          ([u, l]) => new Uint8Array(e.read(u, l)),
        );
      },
      write(uptr: number, data: Uint8Array): void {
        ctx.call('process.write', target, [uptr, data], 'read', ([u, d]) => e.write(u, d));
      },
      fork(): Process {
        return ctx.call('process.fork', target, [], 'write', () => wrapProcess(ctx, e.fork()));
      },
      exit(): void {
        ctx.call('process.exit', target, [], 'write', () => e.exit());
      },
      get alive(): boolean {
        return e.alive;
      },
      get memlockLimit(): number {
        return e.memlockLimit;
      },
      set memlockLimit(v: number) {
        set('memlockLimit', v);
      },
      get capIpcLock(): boolean {
        return e.capIpcLock;
      },
      set capIpcLock(v: boolean) {
        set('capIpcLock', v);
      },
      get capSysResource(): boolean {
        return e.capSysResource;
      },
      set capSysResource(v: boolean) {
        set('capSysResource', v);
      },
      accounting() {
        return ctx.call('process.accounting', target, [], 'read', () => {
          const a = e.accounting();
          return { userLockedVm: a.userLockedVm, mmLockedVm: a.mmLockedVm, mmPinnedVm: a.mmPinnedVm };
        });
      },
    };
    return p;
  });
}
