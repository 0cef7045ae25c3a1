/**
 * One group of the sweep (spec.ts): a fresh machine per repeat, the backing
 * populated and D domains attached, then the five operations in a sequence
 * where each starts from the state its cell describes:
 *
 *   map          ioas.map of the whole size into D domains
 *   access-pin   an access (needsPinPages) pins 64 MiB: four 16 MiB pins
 *                (unpinned and closed afterwards, untimed)
 *   detach-last  the last of the D domains detached
 *   attach       a domain attached to the IOAS populated with D - 1 domains
 *                (the state detach-last left)
 *   unmap        ioas.unmap of the whole size from D domains
 *
 * Each timed section is the call alone; counters are its own (after −
 * before), the temporary-memory peak is reset before it, engineBytes is
 * read after it. Counters do not depend on the repeat (same seed); the wall
 * time is the median of the repeats.
 */
import { isLabError } from '../../engine/base';
import { snapshotCounters, type Counters } from '../../engine/base/counters';
import { parseLayout, type LayoutFile } from '../../engine/mm/layout';
import { Machine } from '../../engine/iommufd';
import { engineBytesOf } from '../../engine/iommufd/engine-bytes';
import type { StudyCell, StudyCellCounters, StudyOperation } from '../../engine/scenario/study-file';
import { mmapBacking, physRuns } from './backing';
import { blankCell } from './blank-cell';
import { floorMs } from './floor-loop';
import {
  ACCESS_PIN_BYTES,
  groupSkipReason,
  machineFor,
  operationSkipReason,
  PAGE,
  type GroupSpec,
} from './spec';

const PIN_CHUNK = 16 * 2 ** 20;

interface Sample {
  ms: number;
  counters: StudyCellCounters;
  tempPeak: number;
  engineBytes: number;
}

function pick(d: Counters): StudyCellCounters {
  return {
    iommuMapCalls: d.iommuMapCalls,
    iommuUnmapCalls: d.iommuUnmapCalls,
    iovaToPhysCalls: d.iovaToPhysCalls,
    pteWrites: d.pteWrites,
    pinCalls: d.pinCalls,
    pagesPinned: d.pagesPinned,
    pagesUnpinned: d.pagesUnpinned,
    readPfnsCalls: d.readPfnsCalls,
    mapPfnListCalls: d.mapPfnListCalls,
    ioPagesMapped: d.ioPagesMapped,
    ioPagesUnmapped: d.ioPagesUnmapped,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0
    ? 0
    : n % 2 === 1
      ? (s[(n - 1) / 2] as number)
      : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

/**
 * The strategy on a fresh machine: `configure({ strategy })` with the
 * machine options repeated (configure rebuilds the memory from what it is
 * given). Until the engine has strategies, 'iommufd+batch-api' is the engine
 * with every domain created with the batch API; the others are skipped.
 * Returns the domain options to attach with, or a reason to skip.
 */
function applyStrategy(
  m: Machine,
  spec: GroupSpec,
): { domainOpts: Record<string, unknown> } | { skip: string } {
  const domainOpts: Record<string, unknown> = { kind: 'pagetable', format: 'x86_64' };
  if (spec.strategy === 'iommufd') return { domainOpts };
  try {
    m.configure({ ...spec.machine, strategy: spec.strategy });
    return { domainOpts };
  } catch (e) {
    if (!isLabError(e) || !/not a machine option/.test(e.message)) throw e;
    if (spec.strategy === 'iommufd+batch-api') return { domainOpts: { ...domainOpts, batchApi: true } };
    return { skip: `the engine has no '${spec.strategy}' strategy yet (configure({ strategy }) refused it)` };
  }
}

/**
 * The engine's own memory now: the iommufd contexts' (engine-bytes.ts), or,
 * for a strategy with its own storage (naive, vfio-type1: no iommufd
 * context), the figure its digest reports.
 */
function engineBytesNow(m: Machine): number {
  if (m.contexts().length > 0) return engineBytesOf(m.contexts(), m.livePages());
  const d = m.digest() as { engineBytes?: unknown };
  return typeof d.engineBytes === 'number' ? d.engineBytes : 0;
}

export interface GroupHooks {
  /** Called before every timed section (a full GC when the worker can). */
  gc?: () => void;
  /** Run a small untimed copy of the group first, once per strategy × backing in this thread (default true). */
  warmUp?: boolean;
}

/** strategy|backing pairs this thread has run once: their code is compiled (JIT) and their caches warm. */
const warmed = new Set<string>();

export function runGroup(spec: GroupSpec, hooks: GroupHooks = {}): StudyCell[] {
  const base = (op: StudyOperation): StudyCell => blankCell(spec, op);
  const wanted = spec.operations;
  const skipAll = (reason: string): StudyCell[] => wanted.map((op) => blankCell(spec, op, 'skipped', reason));
  const groupSkip = groupSkipReason(spec.backing, spec.size);
  if (groupSkip !== null) return skipAll(groupSkip);

  const key = `${spec.strategy}|${spec.backing}`;
  if (hooks.warmUp !== false && spec.warmUp !== false && !warmed.has(key)) {
    warmed.add(key);
    const size = Math.min(spec.size, spec.backing === 'hugetlb-1g' ? 2 ** 30 : 64 * 2 ** 20);
    const warm = { ...spec, size, domains: Math.min(spec.domains, 2), repeats: 1 };
    runGroup({ ...warm, machine: machineFor(spec.backing, size) }, { ...hooks, warmUp: false });
  }
  const layout: LayoutFile | undefined =
    spec.layoutText === undefined ? undefined : (JSON.parse(spec.layoutText) as LayoutFile);
  if (layout !== undefined) parseLayout(layout); // EINVAL naming the field, before any machine
  const samples = new Map<StudyOperation, Sample[]>();
  const errors = new Map<StudyOperation, string>();
  let runs = 0;
  let leaks: string[] = [];

  for (let rep = 0; rep < spec.repeats; rep++) {
    const m = new Machine({ ...spec.machine });
    const st = applyStrategy(m, spec);
    if ('skip' in st) return skipAll(st.skip);
    const proc = m.process;
    const buf = mmapBacking(proc, spec.backing, spec.size, layout);
    if (rep === 0) runs = physRuns(proc, buf, spec.size);
    const ctx = m.open();
    const ioas = ctx.ioasAlloc();
    const domains: { detach(): void }[] = [];
    for (let i = 0; i < spec.domains; i++) domains.push(ioas.attachDomain(st.domainOpts));
    const c = m.kernel.counters;
    let iova = 0n;

    const timed = (op: StudyOperation, fn: () => void): void => {
      hooks.gc?.();
      const before = snapshotCounters(c);
      c.tempMemoryPeakBytes = 0;
      const t0 = performance.now();
      fn();
      const ms = performance.now() - t0;
      const after = snapshotCounters(c);
      const d = {} as Counters;
      for (const k of Object.keys(after) as (keyof Counters)[]) d[k] = after[k] - before[k];
      const s: Sample = {
        ms,
        counters: pick(d),
        tempPeak: after.tempMemoryPeakBytes,
        engineBytes: engineBytesNow(m),
      };
      c.tempMemoryPeakBytes = Math.max(before.tempMemoryPeakBytes, after.tempMemoryPeakBytes);
      const list = samples.get(op) ?? [];
      list.push(s);
      samples.set(op, list);
    };
    const step = (op: StudyOperation, fn: () => void): boolean => {
      try {
        timed(op, fn);
        return true;
      } catch (e) {
        errors.set(op, isLabError(e) ? `${e.errno}: ${e.message}` : String(e));
        return op === 'access-pin'; // the others leave the sequence's state unknown
      }
    };

    let ok = step('map', () => {
      iova = ioas.map(buf, spec.size);
    });
    if (ok && operationSkipReason('access-pin', spec.size) === null && !errors.has('access-pin')) {
      let acc: ReturnType<typeof ctx.createAccess> | null = null;
      try {
        acc = ctx.createAccess(ioas, { needsPinPages: true });
      } catch (e) {
        errors.set('access-pin', isLabError(e) ? `${e.errno}: ${e.message}` : String(e));
      }
      if (acc !== null) {
        const a = acc;
        const items: unknown[] = [];
        step('access-pin', () => {
          for (let off = 0; off < ACCESS_PIN_BYTES; off += PIN_CHUNK)
            items.push(a.pin(iova + BigInt(off), PIN_CHUNK));
        });
        for (const it of items) a.unpin(it);
        a.close();
      }
    }
    if (ok) ok = step('detach-last', () => domains.pop()?.detach());
    if (ok) ok = step('attach', () => void domains.push(ioas.attachDomain(st.domainOpts)));
    if (ok) ok = step('unmap', () => void ioas.unmap(iova, spec.size));
    ctx.close();
    // the sequence must leave nothing behind (pins, accounting, mapped entries, kernel warnings)
    if (rep === 0) leaks = m.teardownCheck();
    if (!ok) break;
  }

  return wanted.map((op) => {
    const cell = base(op);
    cell.physRuns = runs;
    if (leaks.length) cell.warnings = leaks.map((l) => l.slice(0, 300));
    const skip = operationSkipReason(op, spec.size);
    if (skip !== null) return { ...cell, status: 'skipped', reason: skip };
    const err = errors.get(op);
    if (err !== undefined) return { ...cell, status: 'error', reason: err.slice(0, 1000) };
    const list = samples.get(op) ?? [];
    const last = list[list.length - 1];
    if (last === undefined)
      return { ...cell, status: 'error', reason: 'not reached (an earlier operation failed)' };
    const copies = op === 'map' || op === 'unmap' ? spec.domains : 1;
    const floorPages = (op === 'access-pin' ? ACCESS_PIN_BYTES : spec.size) / PAGE;
    return {
      ...cell,
      wallMs: median(list.map((s) => s.ms)),
      samplesMs: list.map((s) => s.ms),
      floorMs: floorMs(floorPages, copies),
      repeats: list.length,
      counters: last.counters,
      tempMemoryPeakBytes: last.tempPeak,
      engineBytes: last.engineBytes,
    };
  });
}
