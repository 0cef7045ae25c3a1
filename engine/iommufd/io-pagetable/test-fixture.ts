/**
 * Small helpers for the io_pagetable and object unit tests: a machine, a
 * context, an IOAS and a buffer; errno expectations; the kernel-style
 * teardown (close, then no pins, no accounting, no leaks).
 */
import { expect } from 'vitest';
import { isLabError, type Errno } from '../../base';
import type { Process } from '../../mm';
import { Machine } from '../machine';
import type { IommufdCtx } from '../objects/context';
import type { Ioas } from '../objects/ioas';

export const P = 4096;
export const PB = 4096n;
export const MB = 1 << 20;
export const MOCK_START = 1n << 24n;

export interface Fx {
  m: Machine;
  proc: Process;
  ctx: IommufdCtx;
  ioas: Ioas;
  /** A shared, 2 MiB aligned, populated buffer of `size` bytes. */
  buf: number;
  size: number;
}

export function fixture(size = 4 * MB): Fx {
  const m = new Machine({ physicalMemory: 256 * MB, hugetlbPages2M: 0 });
  const proc = m.process;
  const ctx = m.open();
  const ioas = ctx.ioasAlloc();
  const buf = proc.mmap(size, { shared: true, populate: true, align: 2 * MB });
  return { m, proc, ctx, ioas, buf, size };
}

/** Runs fn, expects a LabError with `errno` whose message mentions `mention` (if given). */
export function expectErrno(fn: () => unknown, errno: Errno, mention?: string | RegExp): unknown {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (caught === null) throw new Error(`expected ${errno}, but the call succeeded`);
  if (!isLabError(caught)) throw caught;
  expect(caught.errno, caught.message).toBe(errno);
  if (mention !== undefined) expect(caught.message).toMatch(mention);
  return caught.detail;
}

/** Kernel-style end of a test: invariants hold, close, then nothing leaks. */
export function teardown(f: Fx): void {
  f.m.checkInvariants();
  f.ctx.close();
  f.m.checkRefs(f.buf, f.size, 0);
  expect(f.proc.accounting()).toEqual({ userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
  expect(f.m.teardownCheck()).toEqual([]);
}
