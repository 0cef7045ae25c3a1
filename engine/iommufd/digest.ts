/**
 * MachineDigest: a compact, JSON-serialisable snapshot of the emulated state
 * after an operation, stable for equality comparison (failnth compares the
 * digest before and after a failed operation). Size is O(runs): tier runs,
 * areas, mapped-range runs, pin-count runs — never one entry per page. Work
 * is O(live objects and runs), incremental: the pin-count runs are the
 * overlay of each live IoptPages' held PFN runs (pages/held-runs.ts, kept
 * per object until it pins or unpins), a domain's mapped ranges are kept
 * until its entries change, the whole pins part while no object changed;
 * the pin totals come from the mm's running counters.
 *
 * IoptPages are numbered in order of first appearance (contexts, IOASes,
 * areas in IOVA order) so that two machines running the same scenario
 * produce equal digests.
 */
import type { MemorySystem } from '../mm';
import { engineBytesOf } from './engine-bytes';
import { pinRuns } from './digest-pins';
import type { IommufdCtx } from './objects/context';
import type { Domain } from './objects/device';
import type { IoptPages } from './pages';

export interface PagesDigest {
  id: number;
  /** Source process and user VA (page aligned): with npages, the PagesKey. */
  pid: number;
  uptr: number;
  npages: number;
  npinned: number;
  lastNpinned: number;
  accountMode: string;
  writable: boolean;
  /** [start, last, tier] runs. */
  tiers: [number, number, string][];
  accessNodes: number;
  xarrayEntries: number;
  /** access_itree nodes: [start, last, users], in start order. */
  accessIntervals: [number, number, number][];
  /** Coverage of domains_itree: merged [start, last] spans (with accessIntervals, the four tiers). */
  domainSpans: [number, number][];
}

export interface AreaDigest {
  iova: string;
  length: string;
  pages: number;
  index: number;
  lastIndex: number;
  pageOffset: number;
  prot: number;
  storageDomain: number | null;
  numAccesses: number;
  preventAccess: boolean;
}

export interface DomainDigest {
  id: number;
  deviceId: number;
  kind: string;
  /** [iova, length, pageSize] runs (decimal strings). */
  mapped: [string, string, number][];
  entries: number;
  /** State, not work: mappedBytes and tableBytes (work counters differ after an undone failure). */
  stats: { mappedBytes: number; tableBytes: number };
}

export interface AccessDigest {
  id: number;
  needsPinPages: boolean;
  items: [number, string, string][];
}

export interface IoasDigest {
  id: number;
  iovaAlignment: number;
  disableLargePages: boolean;
  areas: AreaDigest[];
  reserved: [string, string, string][];
  allowed: [string, string][];
  domains: DomainDigest[];
  accesses: AccessDigest[];
}

export interface ContextDigest {
  serial: number;
  owner: number;
  accountModeMm: boolean;
  objects: [number, string][];
  ioas: IoasDigest[];
}

export interface AccountingDigest {
  pid: number;
  uid: number;
  alive: boolean;
  userLockedVm: number;
  mmLockedVm: number;
  mmPinnedVm: number;
}

export interface MachineDigest {
  /**
   * The engine's own bytes for this live state (engine-bytes.ts: xarray and
   * tree nodes, object bookkeeping; not the emulated machine). Absent in
   * digests of older run files.
   */
  engineBytes?: number;
  contexts: ContextDigest[];
  pages: PagesDigest[];
  accounting: AccountingDigest[];
  pins: {
    /** Frames with a non-zero pin count (the mm's running total, all frames). */
    pinnedFrames: number;
    /** Sum of all pin counts (the mm's running total, all frames). */
    totalPins: number;
    /** (pfn, count) runs of the pinned frames the live IoptPages hold. */
    runs: number;
    /** FNV-1a of the (pfn, length, count) runs, hex. */
    hash: string;
  };
}

function ownerTag(owner: object | null): string {
  if (owner === null) return 'test';
  const o = owner as { id?: unknown; deviceId?: unknown };
  if (typeof o.id === 'number') return `domain ${o.id}`;
  if (typeof o.deviceId === 'number') return `device ${o.deviceId}`;
  return 'device';
}

/** Merged coverage spans of domains_itree (O(nodes)). */
function domainSpans(p: IoptPages): [number, number][] {
  const out: [number, number][] = [];
  for (const n of p.domainsItree) {
    const last = out[out.length - 1];
    if (last !== undefined && n.start <= last[1] + 1) {
      if (n.last > last[1]) last[1] = n.last;
    } else out.push([n.start, n.last]);
  }
  return out;
}

interface MappedCache {
  mapped: number;
  unmapped: number;
  writes: number;
  ranges: [string, string, number][];
}

/** Mapped-range runs per domain, kept while no entry was installed, cleared or rewritten. */
const mappedCache = new WeakMap<object, MappedCache>();

function domainDigest(d: Domain): DomainDigest {
  const st = d.hw.stats();
  let c = mappedCache.get(d.hw);
  if (
    c === undefined ||
    c.mapped !== st.ioPagesMapped ||
    c.unmapped !== st.ioPagesUnmapped ||
    c.writes !== st.pteWrites
  ) {
    c = {
      mapped: st.ioPagesMapped,
      unmapped: st.ioPagesUnmapped,
      writes: st.pteWrites,
      ranges: d.hw
        .mappedRanges()
        .map((m) => [String(m.iova), String(m.length), m.pageSize] as [string, string, number]),
    };
    mappedCache.set(d.hw, c);
  }
  return {
    id: d.id,
    deviceId: d.deviceId,
    kind: d.kind,
    // a copy: a digest is the caller's to keep or change
    mapped: c.ranges.map((r) => [r[0], r[1], r[2]] as [string, string, number]),
    entries: st.entries,
    stats: { mappedBytes: st.mappedBytes, tableBytes: st.tableBytes },
  };
}

export function machineDigest(memory: MemorySystem, contexts: readonly IommufdCtx[]): MachineDigest {
  const pagesIds = new Map<IoptPages, number>();
  const pagesOrder: IoptPages[] = [];
  const pid = (p: IoptPages): number => {
    let n = pagesIds.get(p);
    if (n === undefined) {
      n = pagesOrder.length + 1;
      pagesIds.set(p, n);
      pagesOrder.push(p);
    }
    return n;
  };
  const ctxs: ContextDigest[] = [];
  for (const ctx of contexts) {
    const ioasList: IoasDigest[] = [];
    for (const ioas of ctx.ioases()) {
      const iopt = ioas.iopt;
      const domainId = new Map<object, number>();
      for (const d of ioas.domains) domainId.set(d.hw, d.id);
      const areas: AreaDigest[] = [];
      for (const a of iopt.areas())
        areas.push({
          iova: a.iova.toString(),
          length: a.length.toString(),
          pages: a.pages === null ? 0 : pid(a.pages),
          index: a.index,
          lastIndex: a.lastIndex,
          pageOffset: a.pageOffset,
          prot: a.iommuProt,
          storageDomain: a.storageDomain === null ? null : (domainId.get(a.storageDomain) ?? -1),
          numAccesses: a.numAccesses,
          preventAccess: a.preventAccess,
        });
      ioasList.push({
        id: ioas.id,
        iovaAlignment: iopt.iovaAlignment,
        disableLargePages: iopt.disableLargePages,
        areas,
        reserved: [...iopt.reservedItree].map((n) => [
          n.start.toString(),
          n.last.toString(),
          ownerTag(n.value.owner),
        ]),
        allowed: [...iopt.allowedItree].map((n) => [n.start.toString(), n.last.toString()]),
        domains: ioas.domains.map(domainDigest),
        accesses: ioas.accesses.map((acc) => ({
          id: acc.id,
          needsPinPages: acc.needsPinPages,
          items: acc.items.map(
            (it) => [it.id, it.iova.toString(), it.length.toString()] as [number, string, string],
          ),
        })),
      });
    }
    ctxs.push({
      serial: ctx.serial,
      owner: ctx.owner.pid,
      accountModeMm: ctx.accountModeMm,
      objects: ctx.objectList().map((o) => [o.id, o.kind] as [number, string]),
      ioas: ioasList,
    });
  }

  const pages: PagesDigest[] = pagesOrder.map((p) => ({
    id: pagesIds.get(p) as number,
    pid: p.sourceTask.pid,
    uptr: p.uptr,
    npages: p.npages,
    npinned: p.npinned,
    lastNpinned: p.lastNpinned,
    accountMode: p.accountMode,
    writable: p.writable,
    tiers: p.tierRuns().map((r) => [r.start, r.last, r.tier] as [number, number, string]),
    accessNodes: p.accessItree.size,
    xarrayEntries: p.pinnedPfns.size,
    accessIntervals: [...p.accessItree].map(
      (n) => [n.start, n.last, n.value.users] as [number, number, number],
    ),
    domainSpans: domainSpans(p),
  }));

  const accounting: AccountingDigest[] = memory.processes().map((proc) => {
    const a = proc.accounting();
    return { pid: proc.pid, uid: proc.user.uid, alive: proc.alive, ...a };
  });

  const { runs, hash } = pinRuns(memory, pagesOrder);
  return {
    engineBytes: engineBytesOf(contexts, pagesOrder),
    contexts: ctxs,
    pages,
    accounting,
    pins: {
      pinnedFrames: memory.phys.pinnedFrames,
      totalPins: memory.phys.totalPins,
      runs,
      hash,
    },
  };
}
