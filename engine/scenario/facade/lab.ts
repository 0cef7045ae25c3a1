/// <reference path="../api/lab.d.ts" />
/**
 * The `lab` global: a hardened object exposing exactly the API of
 * SCENARIO-API.md. Engine references live only in closures; nothing of the
 * machine is reachable by walking the object.
 */
import { LabError } from '../../base/errno';
import { diffCounters, snapshotCounters, type Counters as EngineCounters } from '../../base/counters';
import type { Rng } from '../../base/rng';
import { HPAGE_SIZE, PAGE_SIZE, U64_MAX } from '../../base/units';
import { layoutInfo } from '../../mm/layout-info';
import { nonZeroDeltas, type TimelineLog } from '../timeline';
import type { FacadeContext } from './context';
import { wrapIommufd } from './iommufd';
import { wrapProcess } from './process';
import { formatValue } from './values';

export const MOCK_PAGE_SIZE = 2048;
export const MOCK_APERTURE_START = 0x1000000n;
export const MOCK_APERTURE_LAST = 0x7fffffffn;

function labelArg(op: string, v: unknown): string {
  if (typeof v !== 'string') throw new LabError('EINVAL', `${op}: label must be a string`);
  return v.length > 200 ? v.slice(0, 200) : v;
}

export function makeLog(ctx: FacadeContext, level: TimelineLog['level']) {
  return (...values: unknown[]): void => {
    ctx.guard();
    ctx.timeline.addLog({ seq: ctx.timeline.seq, level, text: values.map(formatValue).join(' ') });
  };
}

export function makeConsole(ctx: FacadeContext): object {
  return harden({
    log: makeLog(ctx, 'log'),
    info: makeLog(ctx, 'info'),
    warn: makeLog(ctx, 'warn'),
    error: makeLog(ctx, 'error'),
    debug: makeLog(ctx, 'debug'),
  });
}

export function makeLab(ctx: FacadeContext, rng: Rng, seed: number): Lab {
  const m = ctx.machine;
  const copy = (c: EngineCounters): Counters => ({ ...c });
  const log = makeLog(ctx, 'log');
  const lab: Lab = {
    PAGE_SIZE,
    HUGEPAGE_SIZE: HPAGE_SIZE,
    MOCK_PAGE_SIZE,
    MOCK_APERTURE_START,
    MOCK_APERTURE_LAST,
    U64_MAX,
    configure(opts: MachineOptions): void {
      ctx.call('lab.configure', '', [opts], 'write', ([o]) => {
        if (ctx.mmapped)
          throw new LabError('EBUSY', 'configure: the machine is configured before the first mmap');
        // the run's seed (--seed) stays the seed of a reconfigured machine unless given
        const withSeed = typeof o === 'object' && o !== null && !('seed' in o) ? { ...o, seed } : o;
        m.configure(withSeed);
      });
    },
    get process(): Process {
      ctx.guard();
      return wrapProcess(ctx, m.process);
    },
    layout(source: LayoutFile | string): LayoutInfo {
      return ctx.call('lab.layout', '', [source], 'read', ([s]) => layoutInfo(s));
    },
    open(opts?: { process?: Process }): Iommufd {
      return ctx.call('lab.open', '', opts === undefined ? [] : [opts], 'write', ([o]) =>
        wrapIommufd(ctx, m.open(o)),
      );
    },
    checkRefs(uptr: number, length: number, refs: number, opts?: { process?: Process }): void {
      ctx.call('lab.checkRefs', '', [uptr, length, refs, opts], 'read', ([u, l, r, o]) =>
        m.checkRefs(u, l, r, o),
      );
    },
    pinCount(uptr: number, opts?: { process?: Process }): number {
      return ctx.call('lab.pinCount', '', [uptr, opts], 'read', ([u, o]) => m.pinCount(u, o));
    },
    setTempMemoryLimit(bytes: number): void {
      ctx.call('lab.setTempMemoryLimit', '', [bytes], 'read', ([b]) => m.setTempMemoryLimit(b));
    },
    failNth(n: number): void {
      ctx.call('lab.failNth', '', [n], 'read', ([x]) => {
        if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 1) {
          throw new LabError('EINVAL', `failNth: n must be an integer >= 1`);
        }
        m.kernel.faults.failNth(x);
      });
    },
    faultConsumed(): boolean {
      return ctx.call('lab.faultConsumed', '', [], 'read', () => m.kernel.faults.consumed());
    },
    checkInvariants(): void {
      ctx.call('lab.checkInvariants', '', [], 'read', () => m.checkInvariants());
    },
    random(): number {
      ctx.guard();
      return rng.next();
    },
    mark(label: string): void {
      ctx.guard();
      const pos = ctx.here();
      ctx.timeline.addMark({
        seq: ctx.timeline.seq,
        label: labelArg('mark', label),
        t: ctx.elapsed(),
        line: pos.line,
      });
    },
    measure(label: string, fn: () => void): Counters {
      ctx.guard();
      const name = labelArg('measure', label);
      if (typeof fn !== 'function') throw new LabError('EINVAL', 'measure: fn must be a function');
      const pos = ctx.here();
      const before = snapshotCounters(ctx.counters());
      const firstSeq = ctx.timeline.seq + 1;
      const t = ctx.elapsed();
      const end = (): EngineCounters => {
        const after = ctx.counters();
        ctx.timeline.addSpan({
          label: name,
          firstSeq,
          lastSeq: ctx.timeline.seq,
          t,
          dur: ctx.elapsed() - t,
          deltas: nonZeroDeltas(after, before),
          line: pos.line,
        });
        return diffCounters(after, before);
      };
      try {
        fn();
      } catch (e) {
        end();
        throw e;
      }
      return copy(end());
    },
    counters(): Counters {
      ctx.guard();
      return copy(ctx.counters());
    },
    log,
  };
  return harden(lab);
}
