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
 *
 * The digest is written as a stream (writeMachineDigest) into a
 * DigestWriter (digest-writer.ts): machineDigest builds the object, a
 * DigestKey the same stream as tokens, the digest's identity without the
 * object. The walk allocates nothing per value beyond the bigints of IOVAs;
 * each object it writes has one fixed key list, in one order (DigestKey
 * relies on it).
 */
import { storeAt } from '../base/arrays';
import type { DomainStats } from '../iommu';
import type { MemorySystem } from '../mm';
import { DoubleSpanIter, type ItNode } from './ds';
import { ioasEngineBytes, pagesEngineBytes } from './engine-bytes';
import { pinRunsKept } from './digest-pins';
import { ObjectWriter, type DigestWriter } from './digest-writer';
import type { IoptArea, IoptPages } from './area-pages';
import type { IommufdCtx } from './objects/context';
import type { Domain } from './objects/device';
import type { Ioas } from './objects/ioas';

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

/** Owner tags by owner: the reserved ranges are read after every op, their owners rarely change. */
const ownerTags = new WeakMap<object, string>();

function ownerTagOf(owner: object | null): string {
  if (owner === null) return 'test';
  let t = ownerTags.get(owner);
  if (t === undefined) {
    t = ownerTag(owner);
    ownerTags.set(owner, t);
  }
  return t;
}

interface MappedCache {
  mapped: number;
  unmapped: number;
  writes: number;
  /** [iova, length, pageSize] triples, ranges[0 .. 3·n) (updated in place). */
  ranges: number[];
  n: number;
}

/** Mapped-range runs per domain, kept while no entry was installed, cleared or rewritten. */
const mappedCache = new WeakMap<object, MappedCache>();

function mappedRanges(d: Domain, st: DomainStats): MappedCache {
  let c = mappedCache.get(d.hw);
  if (c === undefined) {
    c = { mapped: -1, unmapped: -1, writes: -1, ranges: [], n: 0 };
    mappedCache.set(d.hw, c);
  }
  if (c.mapped !== st.ioPagesMapped || c.unmapped !== st.ioPagesUnmapped || c.writes !== st.pteWrites) {
    const list = d.hw.mappedRanges();
    for (let i = 0; i < list.length; i++) {
      const m = list[i] as (typeof list)[number];
      storeAt(c.ranges, 3 * i, m.iova);
      storeAt(c.ranges, 3 * i + 1, m.length);
      storeAt(c.ranges, 3 * i + 2, m.pageSize);
    }
    c.n = list.length;
    c.mapped = st.ioPagesMapped;
    c.unmapped = st.ioPagesUnmapped;
    c.writes = st.pteWrites;
  }
  return c;
}

function writeDomain(d: Domain, w: DigestWriter): void {
  const st = d.hw.stats();
  const c = mappedRanges(d, st);
  const ranges = c.ranges;
  w.open();
  w.key('id');
  w.num(d.id);
  w.key('deviceId');
  w.num(d.deviceId);
  w.key('kind');
  w.str(d.kind);
  w.key('mapped');
  w.list();
  for (let i = 0; i < 3 * c.n; i += 3) {
    w.list();
    w.decimal(ranges[i] as number);
    w.decimal(ranges[i + 1] as number);
    w.num(ranges[i + 2] as number);
    w.end();
  }
  w.end();
  w.key('entries');
  w.num(st.entries);
  w.key('stats');
  w.open();
  w.key('mappedBytes');
  w.num(st.mappedBytes);
  w.key('tableBytes');
  w.num(st.tableBytes);
  w.close();
  w.close();
}

const U64_FIRST = 0n;
const U64_LAST = (1n << 64n) - 1n;

/** The IOAS of entry `i` of ctx.byId(), or null when it is another object (or reserved). */
function ioasAt(all: ReturnType<IommufdCtx['byId']>, i: number): Ioas | null {
  const e = (all[i] as (typeof all)[number]).entry;
  return e.kind === 'ioas' && e.obj !== null ? (e.obj as Ioas) : null;
}

// Walk scratch (a walk never nests; reset by every walk). pagesOrder[0..npages) are numbered;
// arrays only grow (setting an array's length costs ~100 ns).
const pagesOrder: (IoptPages | null)[] = [];
let npages = 0;
const pagesIds = new Map<IoptPages, number>();
const span = new DoubleSpanIter<number>();

/**
 * Number the live IoptPages in order of first appearance (contexts, IOASes,
 * areas in IOVA order); returns engineBytesOf(contexts, pagesOrder), summed
 * on the way.
 */
function numberPages(contexts: readonly IommufdCtx[]): number {
  for (let i = 0; i < npages; i++) pagesOrder[i] = null; // nothing kept alive by the scratch
  npages = 0;
  if (pagesIds.size > 0) pagesIds.clear();
  let bytes = 0;
  for (const ctx of contexts) {
    const all = ctx.byId();
    for (let i = 0; i < all.length; i++) {
      const ioas = ioasAt(all, i);
      if (ioas === null) continue;
      bytes += ioasEngineBytes(ioas);
      const t = ioas.iopt.areaItree;
      for (let n = t.iterFirst(U64_FIRST, U64_LAST); n !== null; n = t.iterNext(n, U64_FIRST, U64_LAST)) {
        const p = n.value.pages;
        if (p !== null && pageId(p) === 0) {
          pagesOrder[npages++] = p;
          bytes += pagesEngineBytes(p);
          // a few objects: found by a scan; many: by the map
          if (npages > SCAN_PAGES) {
            if (pagesIds.size === 0)
              for (let i = 0; i < npages; i++) pagesIds.set(pagesOrder[i] as IoptPages, i + 1);
            else pagesIds.set(p, npages);
          }
        }
      }
    }
  }
  return bytes;
}

const SCAN_PAGES = 8;

/** 1-based number of `p` in pagesOrder, 0 when not numbered. */
function pageId(p: IoptPages): number {
  if (npages <= SCAN_PAGES) {
    for (let i = 0; i < npages; i++) if (pagesOrder[i] === p) return i + 1;
    return 0;
  }
  return pagesIds.get(p) ?? 0;
}

function writeArea(a: IoptArea, ioas: Ioas, w: DigestWriter): void {
  w.open();
  w.key('iova');
  w.u64(a.iova);
  w.key('length');
  w.u64(a.length);
  w.key('pages');
  w.num(a.pages === null ? 0 : pageId(a.pages));
  w.key('index');
  w.num(a.index);
  w.key('lastIndex');
  w.num(a.lastIndex);
  w.key('pageOffset');
  w.num(a.pageOffset);
  w.key('prot');
  w.num(a.iommuProt);
  w.key('storageDomain');
  if (a.storageDomain === null) w.nil();
  else {
    let id = -1;
    for (const d of ioas.domains)
      if (d.hw === a.storageDomain) {
        id = d.id;
        break;
      }
    w.num(id);
  }
  w.key('numAccesses');
  w.num(a.numAccesses);
  w.key('preventAccess');
  w.bool(a.preventAccess);
  w.close();
}

// Tree visitors of writeIoas (forEachNode: a whole tree without key compares); areaWalk is reset after each walk.
const areaWalk: { ioas: Ioas | null; w: DigestWriter | null } = { ioas: null, w: null };

function visitArea(n: ItNode<bigint, IoptArea>, c: typeof areaWalk): void {
  writeArea(n.value, c.ioas as Ioas, c.w as DigestWriter);
}

function visitReserved(n: ItNode<bigint, { owner: object | null }>, w: DigestWriter): void {
  w.list();
  w.u64(n.start);
  w.u64(n.last);
  w.str(ownerTagOf(n.value.owner));
  w.end();
}

function visitAllowed(n: ItNode<bigint, unknown>, w: DigestWriter): void {
  w.list();
  w.u64(n.start);
  w.u64(n.last);
  w.end();
}

function writeIoas(ioas: Ioas, w: DigestWriter): void {
  const iopt = ioas.iopt;
  w.open();
  w.key('id');
  w.num(ioas.id);
  w.key('iovaAlignment');
  w.num(iopt.iovaAlignment);
  w.key('disableLargePages');
  w.bool(iopt.disableLargePages);
  w.key('areas');
  w.list();
  areaWalk.ioas = ioas;
  areaWalk.w = w;
  iopt.areaItree.forEachNode(visitArea, areaWalk);
  areaWalk.ioas = null;
  areaWalk.w = null;
  w.end();
  w.key('reserved');
  w.list();
  iopt.reservedItree.forEachNode(visitReserved, w);
  w.end();
  w.key('allowed');
  w.list();
  iopt.allowedItree.forEachNode(visitAllowed, w);
  w.end();
  w.key('domains');
  w.list();
  for (const d of ioas.domains) writeDomain(d, w);
  w.end();
  w.key('accesses');
  w.list();
  for (const acc of ioas.accesses) {
    w.open();
    w.key('id');
    w.num(acc.id);
    w.key('needsPinPages');
    w.bool(acc.needsPinPages);
    w.key('items');
    w.list();
    for (const it of acc.items) {
      w.list();
      w.num(it.id);
      w.u64(it.iova);
      w.u64(it.length);
      w.end();
    }
    w.end();
    w.close();
  }
  w.end();
  w.close();
}

function writeContext(ctx: IommufdCtx, w: DigestWriter): void {
  w.open();
  w.key('serial');
  w.num(ctx.serial);
  w.key('owner');
  w.num(ctx.owner.pid);
  w.key('accountModeMm');
  w.bool(ctx.accountModeMm);
  w.key('objects');
  w.list();
  const all = ctx.byId();
  for (let i = 0; i < all.length; i++) {
    const o = all[i] as { id: number; entry: { kind: string } };
    w.list();
    w.num(o.id);
    w.str(o.entry.kind);
    w.end();
  }
  w.end();
  w.key('ioas');
  w.list();
  for (let i = 0; i < all.length; i++) {
    const ioas = ioasAt(all, i);
    if (ioas !== null) writeIoas(ioas, w);
  }
  w.end();
  w.close();
}

function writePages(p: IoptPages, w: DigestWriter): void {
  w.open();
  w.key('id');
  w.num(pageId(p));
  w.key('pid');
  w.num(p.sourceTask.pid);
  w.key('uptr');
  w.num(p.uptr);
  w.key('npages');
  w.num(p.npages);
  w.key('npinned');
  w.num(p.npinned);
  w.key('lastNpinned');
  w.num(p.lastNpinned);
  w.key('accountMode');
  w.str(p.accountMode);
  w.key('writable');
  w.bool(p.writable);
  w.key('tiers');
  w.list();
  // IoptPages.tierRuns without its array: the same DoubleSpanIter walk
  if (p.npages > 0)
    for (span.first(p.accessItree, p.domainsItree, 0, p.npages - 1); !span.done(); span.next()) {
      w.list();
      w.num(span.startUsed);
      w.num(span.lastUsed);
      w.str(span.isUsed === 1 ? 'xarray' : span.isUsed === 2 ? 'domain' : 'none');
      w.end();
    }
  w.end();
  w.key('accessNodes');
  w.num(p.accessItree.size);
  w.key('xarrayEntries');
  w.num(p.pinnedPfns.size);
  w.key('accessIntervals');
  w.list();
  const acc = p.accessItree;
  for (let n = acc.iterFirst(0, Infinity); n !== null; n = acc.iterNext(n, 0, Infinity)) {
    w.list();
    w.num(n.start);
    w.num(n.last);
    w.num(n.value.users);
    w.end();
  }
  w.end();
  w.key('domainSpans');
  w.list();
  // merged coverage spans of domains_itree (O(nodes))
  let s = -1;
  let l = -2;
  const dt = p.domainsItree;
  for (let n = dt.iterFirst(0, Infinity); n !== null; n = dt.iterNext(n, 0, Infinity)) {
    if (s >= 0 && n.start <= l + 1) {
      if (n.last > l) l = n.last;
      continue;
    }
    if (s >= 0) {
      w.list();
      w.num(s);
      w.num(l);
      w.end();
    }
    s = n.start;
    l = n.last;
  }
  if (s >= 0) {
    w.list();
    w.num(s);
    w.num(l);
    w.end();
  }
  w.end();
  w.close();
}

/** The MachineDigest of the state, written into `w` (see the header). */
export function writeMachineDigest(
  memory: MemorySystem,
  contexts: readonly IommufdCtx[],
  w: DigestWriter,
): void {
  const engineBytes = numberPages(contexts);
  w.open();
  w.key('engineBytes');
  w.num(engineBytes);
  w.key('contexts');
  w.list();
  for (const ctx of contexts) writeContext(ctx, w);
  w.end();
  w.key('pages');
  w.list();
  for (let i = 0; i < npages; i++) writePages(pagesOrder[i] as IoptPages, w);
  w.end();
  w.key('accounting');
  w.list();
  const procs = memory.processes();
  for (let i = 0; i < procs.length; i++) {
    const proc = procs[i] as (typeof procs)[number];
    w.open();
    w.key('pid');
    w.num(proc.pid);
    w.key('uid');
    w.num(proc.user.uid);
    w.key('alive');
    w.bool(proc.alive);
    const a = proc.accounting();
    w.key('userLockedVm');
    w.num(a.userLockedVm);
    w.key('mmLockedVm');
    w.num(a.mmLockedVm);
    w.key('mmPinnedVm');
    w.num(a.mmPinnedVm);
    w.close();
  }
  w.end();
  const pins = pinRunsKept(memory, pagesOrder as IoptPages[], npages);
  w.key('pins');
  w.open();
  w.key('pinnedFrames');
  w.num(memory.phys.pinnedFrames);
  w.key('totalPins');
  w.num(memory.phys.totalPins);
  w.key('runs');
  w.num(pins.runs);
  w.key('hash');
  w.hex(pins.hashValue);
  w.close();
  w.close();
}

export function machineDigest(memory: MemorySystem, contexts: readonly IommufdCtx[]): MachineDigest {
  const w = new ObjectWriter();
  writeMachineDigest(memory, contexts, w);
  return w.result as unknown as MachineDigest;
}
