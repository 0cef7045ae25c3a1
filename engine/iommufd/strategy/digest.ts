/**
 * The MachineDigest of a naive or vfio-type1 machine, in digest.ts's shape
 * so the app's views draw it unchanged: one "area" and one "pages object"
 * per mapping (vfio_dma), tiers from the strategy's pins ('domain' = pinned
 * on behalf of the domains, 'xarray' = pinned by an access: naive item pins,
 * vfio_pfn entries), pin-count runs over the frames the mappings hold.
 * O(mappings + held pages).
 */
import type { MemorySystem } from '../../mm';
import { FRAME_FREE } from '../../mm/frames';
import type { AreaDigest, ContextDigest, IoasDigest, MachineDigest, PagesDigest } from '../digest';
import type { CtxView } from './types';

function fnv(h: number, x: number): number {
  const lo = x >>> 0;
  const hi = Math.floor(x / 4294967296) >>> 0;
  h = Math.imul(h ^ lo, 16777619) >>> 0;
  h = Math.imul(h ^ hi, 16777619) >>> 0;
  return h;
}

export function strategyDigest(memory: MemorySystem, contexts: readonly CtxView[]): MachineDigest {
  const ctxs: ContextDigest[] = [];
  const pages: PagesDigest[] = [];
  const held: ((fn: (pfn: number, pins: number) => void) => void)[] = [];
  let engineBytes = 0;
  for (const ctx of contexts) {
    const ioasList: IoasDigest[] = [];
    for (const ioas of ctx.ioases()) {
      const areas: AreaDigest[] = [];
      for (const m of ioas.mappings()) {
        const v = ioas.view(m);
        const id = pages.length + 1;
        const storage =
          v.storageDomain === null ? null : (ioas.domains().find((d) => d.hw === v.storageDomain)?.id ?? -1);
        areas.push({
          iova: m.iova.toString(),
          length: m.length.toString(),
          pages: id,
          index: 0,
          lastIndex: m.npages - 1,
          pageOffset: 0,
          prot: m.prot,
          storageDomain: storage,
          numAccesses: v.numAccesses,
          preventAccess: false,
        });
        const tiers: [number, number, string][] = [];
        pages.push({
          id,
          pid: m.task.pid,
          uptr: m.uptr,
          npages: m.npages,
          npinned: v.accounted,
          lastNpinned: v.accounted,
          accountMode: v.accountMode,
          writable: (m.prot & 2) !== 0,
          tiers,
          accessNodes: v.accessIntervals.length,
          xarrayEntries: 0,
          accessIntervals: v.accessIntervals,
          domainSpans: v.domainSpans,
        });
        tierRuns(m.npages, v.domainSpans, v.accessIntervals, tiers);
        held.push((fn) => v.forEachPin(fn));
        engineBytes += v.engineBytes;
      }
      ioasList.push({
        id: ioas.id,
        iovaAlignment: ioas.alignment,
        disableLargePages: false,
        areas,
        reserved: ioas.reserved().map(([s, l, o]) => [s.toString(), l.toString(), o]),
        allowed: [],
        domains: ioas.domains().map((d) => {
          const st = d.hw.stats();
          return {
            id: d.id,
            deviceId: d.deviceId,
            kind: d.kind,
            mapped: d.hw
              .mappedRanges()
              .map((r) => [String(r.iova), String(r.length), r.pageSize] as [string, string, number]),
            entries: d.hw.entryCount(),
            stats: { mappedBytes: st.mappedBytes, tableBytes: st.tableBytes },
          };
        }),
        accesses: ioas.accesses().map((a) => ({
          id: a.id,
          needsPinPages: a.needsPinPages,
          items: a.items.map(
            (it) => [it.id, it.iova.toString(), it.length.toString()] as [number, string, string],
          ),
        })),
      });
      engineBytes += 256 + 96 * ioas.domains().length;
    }
    ctxs.push({
      serial: ctx.serial,
      owner: ctx.owner.pid,
      accountModeMm: ctx.accountModeMm,
      objects: ctx.objectList().map((o) => [o.id, o.kind] as [number, string]),
      ioas: ioasList,
    });
  }
  const accounting = memory.processes().map((proc) => ({
    pid: proc.pid,
    uid: proc.user.uid,
    alive: proc.alive,
    ...proc.accounting(),
  }));
  // pin-count runs over the held frames, in holding order (equal states, equal digests)
  const { pin, flags } = memory.phys.frames;
  let runs = 0;
  let hash = 2166136261;
  let runStart = -1;
  let runLen = 0;
  let runCount = 0;
  const frame = (f: number): void => {
    const c = (flags[f] & FRAME_FREE) !== 0 ? 0 : pin[f];
    if (runLen > 0 && f === runStart + runLen && c === runCount) {
      runLen++;
      return;
    }
    if (runLen > 0) {
      runs++;
      hash = fnv(fnv(fnv(hash, runStart), runLen), runCount);
    }
    runStart = f;
    runLen = c === 0 ? 0 : 1;
    runCount = c;
  };
  for (const h of held) h((pfn) => frame(pfn));
  if (runLen > 0) {
    runs++;
    hash = fnv(fnv(fnv(hash, runStart), runLen), runCount);
  }
  return {
    engineBytes,
    contexts: ctxs,
    pages,
    accounting,
    pins: {
      pinnedFrames: memory.phys.pinnedFrames,
      totalPins: memory.phys.totalPins,
      runs,
      hash: hash.toString(16),
    },
  };
}

/**
 * [start, last, tier] runs, O(intervals): access pins win, as in
 * IoptPages.tierRuns ('xarray' where an access holds the page). Both
 * strategies pin for the domains all of a mapping or none of it.
 */
function tierRuns(
  npages: number,
  domainSpans: [number, number][],
  access: [number, number, number][],
  out: [number, number, string][],
): void {
  if (npages === 0) return;
  const rest = domainSpans.length !== 0 ? 'domain' : 'none';
  const sorted = [...access].sort((a, b) => a[0] - b[0]);
  let cur = 0;
  for (const [s, l] of sorted) {
    if (l < cur) continue;
    const from = Math.max(s, cur);
    if (from > cur) out.push([cur, from - 1, rest]);
    const last = out[out.length - 1];
    if (last !== undefined && last[2] === 'xarray' && last[1] + 1 >= from) last[1] = Math.max(last[1], l);
    else out.push([from, l, 'xarray']);
    cur = l + 1;
  }
  if (cur < npages) out.push([cur, npages - 1, rest]);
}
