/**
 * The reference model: a deliberately simple, per-page picture of what the
 * engine should hold, written from SCENARIO-API.md and the kernel's rules, not
 * from the engine (imports nothing of engine/). State is plain Maps and arrays:
 *
 * - process memory: user page number → page identity (a fresh number per page
 *   per mmap: a munmap + mmap at the same address is a different page);
 * - pages objects (one per map; copies and splits share them) with the
 *   identity each index holds (pinned) right now;
 * - per IOAS its areas, reserved (test / domain aperture) and allowed ranges,
 *   domains and accesses; per access its items.
 *
 * Rule of holding (pages.c): a pages index is pinned iff an area over it sits
 * in an IOAS with a domain, or an access item covers it. After each op the
 * model settles holdings: new holdings pin the identity now behind the user
 * page (EFAULT if none; ENOMEM past RLIMIT_MEMLOCK), released ones drop it.
 * Failed ops leave the state as it was (ops work on a clone), except unmap,
 * which is not atomic (areas removed before the failing one stay removed).
 *
 * fork / exit / MAP_SHARED: a child's memory is its own page → identity map,
 * copied at fork (same identities: copy-on-write), except private pages a
 * pages object holds, which the child gets a copy of at once (the pinned page
 * stays the parent's). A write to a private page, or a pin of one, by a
 * process whose identity another live process maps at that address gives the
 * writer / pinner a fresh identity with the same bytes (copy-on-write broken,
 * or unshared by the pin); MAP_SHARED pages keep one identity everywhere.
 * Children write and read; exit drops their memory. No fork once a THP
 * region existed (partial copy-on-write of a huge folio is not modelled).
 */
import type { Call, Outcome } from './ops';
import { CowMap, CowSet } from './cow-map';
import { digest, HPAGE, PAGE, rangesDigest } from './ops';

export const ULONG_MAX = (1n << 64n) - 1n;
export const MOCK_APERTURE_START = 0x1000000n;
export const MOCK_APERTURE_LAST = 0x7fffffffn;
export const MOCK_PAGE_SIZE = 2048;
/** Radix page-table domains (x86_64, arm64_4k): 48-bit IOVA, aperture from 0. */
export const PAGETABLE_APERTURE_LAST = (1n << 48n) - 1n;
const P = BigInt(PAGE);

export interface PagesObj {
  uptr: number;
  npages: number;
  /** mapped with write: a copy (read + write) of it needs it (EPERM) */
  writable: boolean;
  /** accounting mode picked at map time: CAP_IPC_LOCK → none, else the context's RLIMIT_MODE */
  mode: 'none' | 'user' | 'mm';
  /** index → identity pinned */
  held: Map<number, number>;
}
export interface Area {
  iova: bigint;
  pages: number;
  obj: number;
  start: number;
  write: boolean;
  /** set by an unmap that gave up (EDEADLOCK): new pins of it are refused (EINVAL) */
  preventAccess?: boolean;
}
export interface Range {
  start: bigint;
  last: bigint;
}
export interface Reserved extends Range {
  owner: number | null;
}
export interface IoasM {
  alive: boolean;
  areas: Area[];
  reserved: Reserved[];
  allowed: Range[];
  domains: number[];
  accesses: number[];
  hugePages: number;
}
export interface ItemM {
  id: number;
  iova: bigint;
  pages: number;
  segs: { obj: number; start: number; n: number }[];
}
export interface AccessM {
  ioas: number;
  alive: boolean;
  needsPin: boolean;
  onUnmap: 'unpin' | 'ignore';
  items: ItemM[];
}
/** A domain: the mock (2 KiB IO pages, aperture 0x1000000..0x7fffffff) or a radix page table (4 KiB smallest, 48-bit). */
export interface DomainM {
  ioas: number;
  alive: boolean;
  pgsize: number;
  apertureStart: bigint;
  apertureLast: bigint;
}

export interface State {
  mem: CowMap<number>;
  nextIdentity: number;
  regions: { base: number; pages: number }[];
  objs: Map<number, PagesObj>;
  nextObj: number;
  ioas: IoasM[];
  domains: DomainM[];
  accesses: AccessM[];
  memlockPages: number;
  /** The context's RLIMIT_MODE (0 per user, 1 per mm) and the process's CAP_IPC_LOCK. */
  rlimitMode: number;
  capIpcLock: boolean;
  /** Bytes of each page identity that was written (absent: zeros; null: unknown after a failed write). Arrays are never changed in place. */
  content: CowMap<Uint8Array | null>;
  /** Main-process pages of MAP_SHARED mappings. */
  shared: CowSet;
  thpEver: boolean;
  /** Forked processes (handles in fork order). */
  children: Child[];
  /** Identity → how many pages objects hold it (kept by settle / gcObjs; checked against the objects on full compares). */
  pins: CowMap<number>;
}
export interface Child {
  alive: boolean;
  mem: CowMap<number>;
  shared: CowSet;
}

/** The model's verdict on one call: null when the engine's outcome is right. */
export type Verdict = null | string;

export function emptyState(): State {
  return {
    mem: new CowMap(),
    nextIdentity: 1,
    regions: [],
    objs: new Map(),
    nextObj: 1,
    ioas: [],
    domains: [],
    accesses: [],
    memlockPages: Infinity,
    rlimitMode: 0,
    capIpcLock: false,
    content: new CowMap(),
    shared: new CowSet(),
    thpEver: false,
    children: [],
    pins: new CowMap(),
  };
}

/**
 * Copy-on-write: a state shares its maps, pages objects, areas and items with
 * the state it was cloned from; the first change through a state copies the
 * thing (then owned by that state, changed in place from then on). A trial
 * clone of a working state owns nothing, so it never changes what it shares.
 */
const ownerOf = new WeakMap<object, State>();
function own<T extends object>(s: State, m: T, copy: (x: T) => T): T {
  if (ownerOf.get(m) === s) return m;
  const c = copy(m);
  ownerOf.set(c, s);
  return c;
}
const copyOf = <T extends { copy(): T }>(m: T): T => m.copy();

/**
 * Copy-on-write: process `who` (-1: the main one) is about to write or pin its
 * private page vpn; if another live process maps the same identity there, `who`
 * gets a fresh identity with the same bytes.
 */
const memOf = (s: State, who: number): CowMap<number> => (who < 0 ? s.mem : s.children[who].mem);

function cowBreak(s: State, who: number, vpn: number): void {
  const mem = who < 0 ? s.mem : s.children[who].mem;
  const id = mem.get(vpn);
  if (id === undefined || (who < 0 ? s.shared : s.children[who].shared).has(vpn)) return;
  let other = who >= 0 && s.mem.get(vpn) === id;
  for (let k = 0; !other && k < s.children.length; k++)
    other = k !== who && s.children[k].alive && s.children[k].mem.get(vpn) === id;
  if (!other) return;
  const nid = s.nextIdentity++;
  const bytes = s.content.get(id);
  if (bytes !== undefined) {
    s.content = own(s, s.content, copyOf);
    s.content.set(nid, bytes);
  }
  if (who < 0) {
    s.mem = own(s, s.mem, copyOf);
    s.mem.set(vpn, nid);
  } else {
    const ch = s.children[who];
    ch.mem = own(s, ch.mem, copyOf);
    ch.mem.set(vpn, nid);
  }
}

/**
 * A copy ops can mutate: the containers are copied (cheap: one entry per
 * object), what they hold is shared copy-on-write: pages objects (settle
 * copies one before changing its holdings), areas and items (replaced, never
 * changed in place), `mem` / `content` / children's `mem` (own()).
 */
function clone(s: State): State {
  return {
    ...s,
    regions: s.regions.slice(),
    children: s.children.map((ch) => ({ ...ch })),
    objs: new Map(s.objs),
    ioas: s.ioas.map((io) => ({
      ...io,
      areas: io.areas.slice(),
      reserved: io.reserved.slice(),
      allowed: io.allowed.slice(),
      domains: io.domains.slice(),
      accesses: io.accesses.slice(),
    })),
    domains: s.domains.map((d) => ({ ...d })),
    accesses: s.accesses.map((a) => ({ ...a, items: a.items.slice() })),
  };
}

const areaLast = (a: Area): bigint => a.iova + BigInt(a.pages) * P - 1n;
const intersects = (s: bigint, l: bigint, r: Range): boolean => s <= r.last && r.start <= l;

export function ioptAlignment(s: State, io: IoasM): number {
  let a = io.hugePages === 0 ? PAGE : 1;
  for (const d of io.domains) a = Math.max(a, s.domains[d].pgsize);
  if (io.accesses.some((x) => s.accesses[x].needsPin)) a = Math.max(a, PAGE);
  return a;
}

/** iopt_calculate_iova_alignment's check: an area not aligned to the (new) alignment. */
function misaligned(s: State, io: IoasM): boolean {
  const al = BigInt(ioptAlignment(s, io));
  return io.areas.some((a) => a.iova % al !== 0n || (BigInt(a.pages) * P) % al !== 0n);
}

/** Sorted areas of an IOAS. */
function sortAreas(io: IoasM): void {
  io.areas.sort((x, y) => (x.iova < y.iova ? -1 : x.iova > y.iova ? 1 : 0));
}

export function totalHeld(s: State): number {
  let n = 0;
  for (const o of s.objs.values()) n += o.held.size;
  return n;
}

export function modeNow(s: State): PagesObj['mode'] {
  return s.capIpcLock ? 'none' : s.rlimitMode === 1 ? 'mm' : 'user';
}

/** Pages held per accounting mode. */
export function heldByMode(s: State): { none: number; user: number; mm: number } {
  const r = { none: 0, user: 0, mm: 0 };
  for (const o of s.objs.values()) r[o.mode] += o.held.size;
  return r;
}

/** Pin count the model expects on identity `id`: how many pages objects hold it. */
export function pinsOf(s: State, id: number): number {
  return s.pins.get(id) ?? 0;
}

/** The pin counts recounted from the pages objects: what `s.pins` must equal. */
export function recountPins(s: State): Map<number, number> {
  const r = new Map<number, number>();
  for (const o of s.objs.values()) for (const v of o.held.values()) r.set(v, (r.get(v) ?? 0) + 1);
  return r;
}

function pinDelta(s: State, id: number, d: number): void {
  s.pins = own(s, s.pins, copyOf);
  const n = (s.pins.get(id) ?? 0) + d;
  if (n > 0) s.pins.set(id, n);
  else s.pins.delete(id);
}

/** Bring holdings in line with the rule; the possible errnos when a new pin cannot be taken. */
function settle(s: State): string[] | null {
  const wanted = new Map<number, Set<number>>();
  const want = (obj: number, start: number, n: number): void => {
    let w = wanted.get(obj);
    if (!w) wanted.set(obj, (w = new Set()));
    for (let i = start; i < start + n; i++) w.add(i);
  };
  for (const io of s.ioas)
    if (io.alive && io.domains.length > 0) for (const a of io.areas) want(a.obj, a.start, a.pages);
  for (const ac of s.accesses)
    if (ac.alive) for (const it of ac.items) for (const g of it.segs) want(g.obj, g.start, g.n);
  const before = heldByMode(s);
  const added = { none: 0, user: 0, mm: 0 };
  let efault = false;
  const NONE = new Set<number>();
  for (const [id, o0] of s.objs) {
    const w = wanted.get(id) ?? NONE;
    let o = o0;
    // a pages object shared with the state this one was cloned from is copied before its first change
    const mine = (): PagesObj => {
      if (o === o0 && ownerOf.get(o0) !== s) {
        o = { ...o0, held: new Map(o0.held) };
        ownerOf.set(o, s);
        s.objs.set(id, o);
      }
      return o;
    };
    let drop = false;
    for (const i of o0.held.keys())
      if (!w.has(i)) {
        drop = true;
        break;
      }
    if (drop) {
      const m = mine();
      for (const [i, v] of [...m.held])
        if (!w.has(i)) {
          m.held.delete(i);
          pinDelta(s, v, -1);
        }
    }
    for (const i of w)
      if (!o.held.has(i)) {
        cowBreak(s, -1, o.uptr / PAGE + i);
        const ident = s.mem.get(o.uptr / PAGE + i);
        if (ident === undefined) efault = true;
        else {
          mine().held.set(i, ident);
          pinDelta(s, ident, 1);
          added[o.mode]++;
        }
      }
  }
  const errs: string[] = [];
  if (efault) errs.push('EFAULT');
  // USER mode charges the user's locked_vm, MM mode the mm's; both against RLIMIT_MEMLOCK
  if (
    (added.user > 0 && before.user + added.user > s.memlockPages) ||
    (added.mm > 0 && before.mm + added.mm > s.memlockPages)
  )
    errs.push('ENOMEM');
  return errs.length ? errs : null;
}

/** Drop pages objects no area refers to any more. */
function gcObjs(s: State): void {
  const used = new Set<number>();
  for (const io of s.ioas) for (const a of io.areas) used.add(a.obj);
  for (const [id, o] of [...s.objs])
    if (!used.has(id)) {
      for (const v of o.held.values()) pinDelta(s, v, -1);
      s.objs.delete(id);
    }
}

const ZERO_PAGE = new Uint8Array(PAGE);

/** Write `len` bytes of value v at byte `off` of page identity id (copy-on-write of the content map). */
function writeContent(s: State, id: number, off: number, len: number, v: number | null): void {
  if (v === null) {
    s.content.set(id, null);
    return;
  }
  const cur = s.content.get(id);
  if (cur === null) {
    if (off === 0 && len === PAGE) s.content.set(id, new Uint8Array(PAGE).fill(v));
    return; // still partly unknown
  }
  const b = (cur ?? ZERO_PAGE).slice();
  b.fill(v, off, off + len);
  s.content.set(id, b);
}

/** Page id's bytes [off, off+len) into out at `at` (zeros stay zeros); false when unknown. */
function readContent(s: State, id: number, off: number, len: number, out: Uint8Array, at: number): boolean {
  const cur = s.content.get(id);
  if (cur === null) return false;
  if (cur !== undefined) out.set(cur.subarray(off, off + len), at);
  return true;
}

/** Walk [addr, addr+len) by pages: fn(page number, offset in page, bytes). */
function byPages(addr: number, len: number, fn: (page: number, off: number, n: number) => boolean): boolean {
  let a = addr;
  const end = addr + len;
  while (a < end) {
    const off = a % PAGE;
    const n = Math.min(PAGE - off, end - a);
    if (!fn(Math.floor(a / PAGE), off, n)) return false;
    a += n;
  }
  return true;
}

function roundupPow2(x: bigint): bigint {
  let p = 1n;
  while (p < x) p <<= 1n;
  return p;
}

/** iopt_alloc_iova's alignment for (uptr, length), capped at HPAGE_SIZE. */
export function allocAlign(uptr: number, length: bigint): bigint {
  let a = roundupPow2(length);
  if (uptr !== 0) {
    const b = BigInt(uptr);
    const low = b & -b;
    if (low < a) a = low;
  }
  return a > BigInt(HPAGE) ? BigInt(HPAGE) : a;
}

/** Free spans the allocator may use: allowed (merged) or the window, minus reserved and areas. */
function freeSpans(io: IoasM): Range[] {
  let base: Range[];
  if (io.allowed.length === 0) base = [{ start: P, last: ULONG_MAX - P }];
  else {
    const al = [...io.allowed].sort((x, y) => (x.start < y.start ? -1 : 1));
    base = [];
    for (const r of al) {
      const t = base[base.length - 1];
      if (t && r.start <= t.last + 1n) {
        if (r.last > t.last) t.last = r.last;
      } else base.push({ ...r });
    }
  }
  const obstacles: Range[] = [
    ...io.reserved,
    ...io.areas.map((a) => ({ start: a.iova, last: areaLast(a) })),
  ].sort((x, y) => (x.start < y.start ? -1 : 1));
  const out: Range[] = [];
  for (const b of base) {
    let cur = b.start;
    for (const o of obstacles) {
      if (o.last < cur || o.start > b.last) continue;
      if (o.start > cur) out.push({ start: cur, last: o.start - 1n });
      if (o.last + 1n > cur) cur = o.last + 1n;
      if (cur > b.last) break;
    }
    if (cur <= b.last && cur !== 0n) out.push({ start: cur, last: b.last });
  }
  return out;
}

function fits(io: IoasM, align: bigint, len: bigint): boolean {
  for (const f of freeSpans(io)) {
    let a = ((f.start + align - 1n) / align) * align;
    if (a === 0n) a = align;
    if (a + len - 1n <= f.last) return true;
  }
  return false;
}

/** Whether an engine-chosen IOVA obeys the allocator's rules. */
function validAuto(io: IoasM, iova: bigint, align: bigint, len: bigint): string | null {
  if (iova === 0n) return 'auto IOVA 0';
  if (iova % align !== 0n) return `auto IOVA 0x${iova.toString(16)} not aligned to 0x${align.toString(16)}`;
  const last = iova + len - 1n;
  if (!freeSpans(io).some((f) => f.start <= iova && last <= f.last))
    return `auto IOVA 0x${iova.toString(16)} (+0x${len.toString(16)}) not in a free allowed span`;
  return null;
}

/** The model's result of a call: expected value / errnos, and the new state (for success or partial). */
interface Expect {
  errnos?: string[];
  value?: bigint | number;
  /** Checker of an engine-chosen value (auto IOVA, mmap address); null = fine. */
  check?: (v: bigint | number | undefined) => string | null;
  next?: State;
  /** State to commit on the failure (non-atomic ops). */
  partial?: State;
}

function err(...errnos: string[]): Expect {
  return { errnos };
}

function newAreaChecks(
  s: State,
  io: IoasM,
  uptr: number,
  len: bigint,
  fixed: number | null,
): { e?: Expect; align?: bigint } {
  const align = BigInt(ioptAlignment(s, io));
  if (len === 0n) return { e: err('EINVAL') };
  if (fixed !== null) {
    const iova = BigInt(fixed);
    if (iova % align !== 0n || len % align !== 0n) return { e: err('EINVAL') };
    const last = iova + len - 1n;
    if (io.reserved.some((r) => intersects(iova, last, r))) return { e: err('EINVAL') };
    if (io.areas.some((a) => intersects(iova, last, { start: a.iova, last: areaLast(a) })))
      return { e: err('EEXIST') };
    return {};
  }
  const a = allocAlign(uptr, len);
  if (a < align || len % align !== 0n) return { e: err('EINVAL') };
  if (!fits(io, a, len)) return { e: err('ENOSPC') };
  return { align: a };
}

function modelCall(s0: State, c: Call): Expect | 'skip' {
  const s = clone(s0);
  switch (c.k) {
    case 'fork': {
      const held = new Set<number>();
      for (const o of s.objs.values()) for (const id of o.held.values()) held.add(id);
      const mem = new CowMap<number>();
      for (const [vpn, id] of s.mem) {
        if (s.shared.has(vpn) || !held.has(id)) {
          mem.set(vpn, id);
          continue;
        }
        // page_needs_cow_for_dma: the child gets its copy now
        const nid = s.nextIdentity++;
        const bytes = s.content.get(id);
        if (bytes !== undefined) {
          s.content = own(s, s.content, copyOf);
          s.content.set(nid, bytes);
        }
        mem.set(vpn, nid);
      }
      s.children.push({ alive: true, mem, shared: s.shared.copy() });
      return { next: s };
    }
    case 'exit':
      s.children[c.child] = { alive: false, mem: new CowMap(), shared: new CowSet() };
      return { next: s };
    case 'mmap': {
      return {
        next: s,
        check: (v) => {
          if (typeof v !== 'number') return 'mmap returned no address';
          if (v % (c.thp ? HPAGE : PAGE) !== 0) return `mmap address ${v} misaligned`;
          const np = c.length / PAGE;
          for (let i = 0; i < np; i++) if (s.mem.has(v / PAGE + i)) return `mmap ${v} overlaps a mapping`;
          s.mem = own(s, s.mem, copyOf);
          for (let i = 0; i < np; i++) s.mem.set(v / PAGE + i, s.nextIdentity++);
          s.regions.push({ base: v, pages: np });
          if (c.thp) s.thpEver = true;
          if (c.shared) {
            s.shared = own(s, s.shared, copyOf);
            for (let i = 0; i < np; i++) s.shared.add(v / PAGE + i);
          }
          return null;
        },
      };
    }
    case 'munmap': {
      s.mem = own(s, s.mem, copyOf);
      s.shared = own(s, s.shared, copyOf);
      for (let i = 0; i < c.length / PAGE; i++) s.mem.delete(c.uptr / PAGE + i);
      for (let i = 0; i < c.length / PAGE; i++) s.shared.delete(c.uptr / PAGE + i);
      return { next: s };
    }
    case 'touch': {
      const who = c.child ?? -1;
      let ok = true;
      for (let i = 0; i < c.length / PAGE; i++) if (!memOf(s, who).has(c.uptr / PAGE + i)) ok = false;
      for (let i = 0; i < c.length / PAGE; i++) cowBreak(s, who, c.uptr / PAGE + i);
      s.content = own(s, s.content, copyOf);
      // a failed write may have written some pages: their bytes are unknown
      for (let i = 0; i < c.length / PAGE; i++) {
        const id = memOf(s, who).get(c.uptr / PAGE + i);
        if (id !== undefined) writeContent(s, id, 0, PAGE, ok ? c.v : null);
      }
      return ok ? { next: s } : { errnos: ['EFAULT'], partial: s };
    }
    case 'pread': {
      const bytes = new Uint8Array(c.length);
      let at = 0;
      let known = true;
      const mem = memOf(s, c.child ?? -1);
      const ok = byPages(c.uptr, c.length, (page, off, n) => {
        const id = mem.get(page);
        if (id === undefined) return false;
        known = readContent(s, id, off, n, bytes, at) && known;
        at += n;
        return true;
      });
      if (!ok) return err('EFAULT');
      return known ? { next: s, value: digest(bytes) } : { next: s, check: () => null };
    }
    case 'rw': {
      const ac = s.accesses[c.access];
      const io = s.ioas[ac.ioas];
      if (c.length === 0) return err('EINVAL');
      const write = c.v !== 0;
      if (write) s.content = own(s, s.content, copyOf);
      const bytes = new Uint8Array(write ? 0 : c.length);
      let at = 0;
      let known = true;
      let cur = c.iova;
      const last = c.iova + BigInt(c.length) - 1n;
      const fault = (errno: string): Expect => {
        if (!write) return err(errno);
        return { errnos: [errno], partial: s };
      };
      while (cur <= last) {
        const a = io.areas.find((x) => x.iova <= cur && cur <= areaLast(x));
        if (!a) return fault('ENOENT');
        if (a.preventAccess) return fault('EINVAL');
        if (write && !a.write) return fault('EPERM');
        const sliceLast = areaLast(a) < last ? areaLast(a) : last;
        const obj = s.objs.get(a.obj)!;
        // byte offset inside the pages object
        const base = a.start * PAGE + Number(cur - a.iova);
        const n = Number(sliceLast - cur + 1n);
        const ids: [number, number, number][] = [];
        // iopt_pages_rw_access: same mm → a user copy at the pages' uptr; slow path over one
        // page → rw_page, which pins the user page now; over several → rw_slow, whose reader
        // takes held pages from the xarray / a domain and pins the rest from the user
        const viaReader = c.slow && Math.floor(base / PAGE) !== Math.floor((base + n - 1) / PAGE);
        const ok = byPages(base, n, (idx, off, len) => {
          const held = viaReader ? obj.held.get(idx) : undefined;
          // a write through the user address (copy_to_user, or rw_page's pin) breaks copy-on-write
          if (held === undefined && write) cowBreak(s, -1, obj.uptr / PAGE + idx);
          const id = held ?? s.mem.get(obj.uptr / PAGE + idx);
          if (id === undefined) return false;
          ids.push([id, off, len]);
          return true;
        });
        if (!ok) {
          // the pages before the fault may be written: unknown
          for (const [id] of ids) if (write) writeContent(s, id, 0, PAGE, null);
          return fault('EFAULT');
        }
        for (const [id, off, len] of ids)
          if (write) writeContent(s, id, off, len, c.v);
          else {
            known = readContent(s, id, off, len, bytes, at) && known;
            at += len;
          }
        cur = sliceLast + 1n;
      }
      if (write) return { next: s };
      return known ? { next: s, value: digest(bytes) } : { next: s, check: () => null };
    }
    case 'ioasAlloc':
      s.ioas.push({
        alive: true,
        areas: [],
        reserved: [],
        allowed: [],
        domains: [],
        accesses: [],
        hugePages: 1,
      });
      return { next: s };
    case 'ioasDestroy': {
      const io = s.ioas[c.ioas];
      if (io.domains.length || io.accesses.length) return err('EBUSY');
      io.areas = [];
      io.reserved = [];
      io.alive = false;
      gcObjs(s);
      settle(s);
      return { next: s };
    }
    case 'map': {
      const io = s.ioas[c.ioas];
      const len = BigInt(c.length);
      const { e, align } = newAreaChecks(s, io, c.uptr, len, c.iova);
      if (e) return e;
      const obj = s.nextObj++;
      s.objs.set(obj, {
        uptr: c.uptr,
        npages: c.length / PAGE,
        writable: c.write,
        mode: modeNow(s),
        held: new Map(),
      });
      const add = (iova: bigint): Expect | null => {
        io.areas.push({ iova, pages: c.length / PAGE, obj, start: 0, write: c.write });
        sortAreas(io);
        const f = settle(s);
        return f ? err(...f) : null;
      };
      if (c.iova !== null) {
        const f = add(BigInt(c.iova));
        return f ?? { next: s, value: BigInt(c.iova) };
      }
      // auto IOVA: pin failures do not depend on the IOVA; the engine's choice is checked, then used
      const pf = autoPinFailure(s0, c);
      if (pf) return err(...pf);
      return {
        next: s,
        check: (v) => {
          if (typeof v !== 'bigint') return 'map returned no IOVA';
          const bad = validAuto(io, v, align ?? 1n, len);
          if (bad) return bad;
          const f = add(v);
          return f ? `model: ${f.errnos?.join('/')} but engine succeeded` : null;
        },
      };
    }
    case 'copy': {
      const src = s.ioas[c.src];
      const dst = s.ioas[c.dst];
      const len = BigInt(c.length);
      if (len === 0n) return err('EINVAL');
      // iopt_get_pages: contiguous areas cover [srcIova, last]
      const pieces: { obj: number; start: number; n: number; write: boolean }[] = [];
      let cur = c.srcIova;
      const last = c.srcIova + len - 1n;
      while (cur <= last) {
        const a = src.areas.find((x) => x.iova <= cur && cur <= areaLast(x));
        if (!a) return err('ENOENT');
        const off = Number((cur - a.iova) / P);
        const n = Math.min(a.pages - off, Number((last - cur + 1n) / P));
        pieces.push({ obj: a.obj, start: a.start + off, n, write: a.write });
        cur += BigInt(n) * P;
      }
      const uptr = s.objs.get(pieces[0].obj)!.uptr + pieces[0].start * PAGE;
      const { e, align } = newAreaChecks(s, dst, uptr, len, c.iova);
      if (e) return e;
      // the copy asks for read + write: every source pages object must be writable
      if (pieces.some((p) => !s.objs.get(p.obj)!.writable)) return err('EPERM');
      const add = (iova: bigint): string[] | null => {
        let at = iova;
        for (const p of pieces) {
          dst.areas.push({ iova: at, pages: p.n, obj: p.obj, start: p.start, write: true });
          at += BigInt(p.n) * P;
        }
        sortAreas(dst);
        return settle(s);
      };
      if (c.iova !== null) {
        const f = add(BigInt(c.iova));
        return f ? err(...f) : { next: s, value: BigInt(c.iova) };
      }
      const trial = clone(s);
      const tDst = trial.ioas[c.dst];
      // decide pin failure with a placeholder IOVA (holding does not depend on where)
      let at = 0n;
      for (const p of pieces) {
        tDst.areas.push({ iova: at, pages: p.n, obj: p.obj, start: p.start, write: true });
        at += BigInt(p.n) * P;
      }
      const tf = settle(trial);
      if (tf) return err(...tf);
      return {
        next: s,
        check: (v) => {
          if (typeof v !== 'bigint') return 'copy returned no IOVA';
          const bad = validAuto(dst, v, align ?? 1n, len);
          if (bad) return bad;
          const f = add(v);
          return f ? `model: ${f.join('/')} but engine succeeded` : null;
        },
      };
    }
    case 'unmap': {
      const io = s.ioas[c.ioas];
      const all = c.iova === 0n && c.length === ULONG_MAX;
      if (!all) {
        if (c.length === 0n) return err('EINVAL');
        if (c.iova + c.length - 1n > ULONG_MAX) return err('EOVERFLOW');
      }
      const first = c.iova;
      const last = all ? ULONG_MAX : c.iova + c.length - 1n;
      let unmapped = 0n;
      const victims = io.areas.filter((a) => intersects(first, last, { start: a.iova, last: areaLast(a) }));
      for (const a of victims) {
        if (a.iova < first || areaLast(a) > last) {
          gcObjs(s);
          settle(s);
          return { errnos: ['ENOENT'], partial: s };
        }
        const r = { start: a.iova, last: areaLast(a) };
        let stuck = false;
        for (const x of io.accesses) {
          const ac = s.accesses[x];
          const hit = ac.items.filter((it) => intersects(it.iova, it.iova + BigInt(it.pages) * P - 1n, r));
          if (hit.length === 0) continue;
          if (ac.onUnmap === 'unpin') ac.items = ac.items.filter((it) => !hit.includes(it));
          else stuck = true;
        }
        if (stuck) {
          // areas are shared with the state before the op: replaced, not changed
          io.areas[io.areas.indexOf(a)] = { ...a, preventAccess: true };
          gcObjs(s);
          settle(s);
          return { errnos: ['EDEADLOCK'], partial: s };
        }
        io.areas.splice(io.areas.indexOf(a), 1);
        unmapped += BigInt(a.pages) * P;
      }
      gcObjs(s);
      settle(s);
      if (unmapped === 0n && !all) return err('ENOENT');
      return { next: s, value: unmapped };
    }
    case 'allow': {
      const io = s.ioas[c.ioas];
      // iopt_set_allow_iova: first the new list (bad or overlapping ranges: EINVAL), then reserved (EADDRINUSE)
      for (let i = 0; i < c.ranges.length; i++) {
        const r = c.ranges[i];
        if (r.start > r.last) return err('EINVAL');
        if (c.ranges.slice(0, i).some((x) => intersects(r.start, r.last, x))) return err('EINVAL');
      }
      for (const r of c.ranges)
        if (io.reserved.some((x) => intersects(r.start, r.last, x))) return err('EADDRINUSE');
      io.allowed = c.ranges.map((r) => ({ ...r }));
      return { next: s };
    }
    case 'reserve': {
      const io = s.ioas[c.ioas];
      if (c.length === 0n) return err('EINVAL');
      const last = c.start + c.length - 1n;
      if (io.areas.some((a) => intersects(c.start, last, { start: a.iova, last: areaLast(a) })))
        return err('EADDRINUSE');
      if (io.allowed.some((r) => intersects(c.start, last, r))) return err('EADDRINUSE');
      io.reserved.push({ start: c.start, last, owner: null });
      return { next: s };
    }
    case 'hugePages': {
      if (c.value !== 0 && c.value !== 1) return err('EINVAL');
      const io = s.ioas[c.ioas];
      if (c.value === 0 && io.hugePages === 1) {
        // iopt_disable_large_pages: not once domains have pages mapped
        if (io.domains.length > 0 && io.areas.length > 0) return err('EINVAL');
        io.hugePages = 0;
        if (misaligned(s, io)) return err('EADDRINUSE');
      } else io.hugePages = c.value;
      return { next: s };
    }
    case 'attach': {
      const io = s.ioas[c.ioas];
      const dom = s.domains.length;
      const d: DomainM =
        c.kind === 'mock'
          ? {
              ioas: c.ioas,
              alive: true,
              pgsize: MOCK_PAGE_SIZE,
              apertureStart: MOCK_APERTURE_START,
              apertureLast: MOCK_APERTURE_LAST,
            }
          : {
              ioas: c.ioas,
              alive: true,
              pgsize: PAGE,
              apertureStart: 0n,
              apertureLast: PAGETABLE_APERTURE_LAST,
            };
      const ap: Reserved[] = [];
      if (d.apertureStart !== 0n) ap.push({ start: 0n, last: d.apertureStart - 1n, owner: dom });
      ap.push({ start: d.apertureLast + 1n, last: ULONG_MAX, owner: dom });
      for (const r of ap) {
        if (io.areas.some((a) => intersects(r.start, r.last, { start: a.iova, last: areaLast(a) })))
          return err('EADDRINUSE');
        if (io.allowed.some((x) => intersects(r.start, r.last, x))) return err('EADDRINUSE');
      }
      io.reserved.push(...ap);
      io.domains.push(dom);
      s.domains.push(d);
      if (misaligned(s, io)) return err('EADDRINUSE');
      const f = settle(s);
      return f ? err(...f) : { next: s };
    }
    case 'detach': {
      const d = s.domains[c.domain];
      const io = s.ioas[d.ioas];
      d.alive = false;
      io.domains = io.domains.filter((x) => x !== c.domain);
      io.reserved = io.reserved.filter((r) => r.owner !== c.domain);
      settle(s);
      return { next: s };
    }
    case 'accessCreate': {
      s.accesses.push({ ioas: c.ioas, alive: true, needsPin: c.needsPin, onUnmap: c.onUnmap, items: [] });
      s.ioas[c.ioas].accesses.push(s.accesses.length - 1);
      if (misaligned(s, s.ioas[c.ioas])) return err('EADDRINUSE');
      return { next: s };
    }
    case 'pin': {
      const ac = s.accesses[c.access];
      if (!ac.needsPin) return err('EINVAL');
      if (c.length === 0) return err('EINVAL');
      const io = s.ioas[ac.ioas];
      const segs: ItemM['segs'] = [];
      let cur = c.iova;
      const last = c.iova + BigInt(c.length) - 1n;
      while (cur <= last) {
        const a = io.areas.find((x) => x.iova <= cur && cur <= areaLast(x));
        if (!a) return err('ENOENT');
        if (a.preventAccess) return err('EINVAL');
        if (c.write && !a.write) return err('EPERM');
        const off = Number((cur - a.iova) / P);
        const n = Math.min(a.pages - off, Number((last - cur + 1n) / P));
        segs.push({ obj: a.obj, start: a.start + off, n });
        cur += BigInt(n) * P;
        // iommufd_access_pin_pages pins area by area, and finds a gap only after
        const t = clone(s);
        t.accesses[c.access].items.push({ id: -1, iova: c.iova, pages: 0, segs: [...segs] });
        const f = settle(t);
        if (f) return err(...f);
      }
      const item: ItemM = { id: -1, iova: c.iova, pages: c.length / PAGE, segs };
      ac.items.push(item);
      settle(s);
      return {
        next: s,
        check: (v) => {
          if (typeof v !== 'number') return 'pin returned no item';
          item.id = v;
          return null;
        },
      };
    }
    case 'unpin': {
      const ac = s.accesses[c.access];
      const i = ac.items.findIndex((it) => it.id === c.itemId);
      if (i < 0) return err('ENOENT');
      ac.items.splice(i, 1);
      settle(s);
      return { next: s };
    }
    case 'accessClose': {
      const ac = s.accesses[c.access];
      ac.items = [];
      ac.alive = false;
      const io = s.ioas[ac.ioas];
      io.accesses = io.accesses.filter((x) => x !== c.access);
      settle(s);
      return { next: s };
    }
    case 'tempLimit':
      return c.bytes < 12 ? err('EINVAL') : { next: s };
    case 'rlimitMode':
      {
        // a bad value with objects present: the contract does not order EINVAL / EBUSY
        const bad = c.value !== 0 && c.value !== 1;
        const busy = s.ioas.some((io) => io.alive);
        if (bad && busy) return err('EINVAL', 'EBUSY');
        if (bad) return err('EINVAL');
        if (busy) return err('EBUSY');
      }
      s.rlimitMode = c.value;
      return { next: s };
    case 'capIpcLock':
      s.capIpcLock = c.value;
      return { next: s };
    case 'ranges': {
      // the holes of the reserved ranges over [0, ULONG_MAX] (allowed ranges do not enter), and the alignment
      const io = s.ioas[c.ioas];
      const res = [...io.reserved].sort((x, y) => (x.start < y.start ? -1 : 1));
      const holes: Range[] = [];
      let cur = 0n;
      let full = false;
      for (const r of res) {
        if (r.start > cur) holes.push({ start: cur, last: r.start - 1n });
        if (r.last + 1n > cur) cur = r.last + 1n;
        if (r.last === ULONG_MAX) full = true;
      }
      if (!full) holes.push({ start: cur, last: ULONG_MAX });
      return { next: s, value: rangesDigest(holes, BigInt(ioptAlignment(s, io))) };
    }
    case 'memlock':
      s.memlockPages = c.bytes === Infinity ? Infinity : Math.floor(c.bytes / PAGE);
      return { next: s };
  }
}

/** For an auto-IOVA map: whether pinning would fail (independent of the IOVA chosen). */
function autoPinFailure(s0: State, c: Extract<Call, { k: 'map' }>): string[] | null {
  const t = clone(s0);
  const io = t.ioas[c.ioas];
  const obj = t.nextObj++;
  t.objs.set(obj, {
    uptr: c.uptr,
    npages: c.length / PAGE,
    writable: c.write,
    mode: modeNow(t),
    held: new Map(),
  });
  io.areas.push({ iova: 0n, pages: c.length / PAGE, obj, start: 0, write: c.write });
  return settle(t);
}

/**
 * Apply a call whose engine outcome is `out`; returns the model's verdict
 * (null when they agree) and the model's new state. `faultFired`: an injected
 * fault fired during the call: a failure then leaves the state unchanged
 * whatever its errno.
 */
export interface StepResult {
  verdict: Verdict;
  state: State;
  /** What the model expected: errnos (any of), or success with maybe a value. */
  expected: { errnos: string[] } | { ok: true; value?: bigint | number };
}

export function step(s: State, c: Call, out: Outcome, faultFired = false): StepResult {
  const e = modelCall(s, c);
  const r = stepVerdict(s, c, e, out, faultFired);
  const expected =
    e === 'skip'
      ? { ok: true as const }
      : e.errnos
        ? { errnos: e.errnos }
        : { ok: true as const, value: e.value };
  return { ...r, expected };
}

function stepVerdict(
  s: State,
  c: Call,
  e: Expect | 'skip',
  out: Outcome,
  faultFired: boolean,
): { verdict: Verdict; state: State } {
  if (e === 'skip') return { verdict: null, state: s };
  if (faultFired && !out.ok) {
    if (c.k === 'unmap') return { verdict: null, state: e.partial ?? e.next ?? s };
    return { verdict: null, state: s };
  }
  if (e.errnos) {
    if (out.ok) return { verdict: `expected ${e.errnos.join(' or ')}, engine succeeded`, state: s };
    if (!e.errnos.includes(out.errno))
      return { verdict: `expected ${e.errnos.join(' or ')}, engine ${out.errno}`, state: e.partial ?? s };
    return { verdict: null, state: e.partial ?? s };
  }
  if (!out.ok) return { verdict: `expected success, engine ${out.errno}: ${out.message ?? ''}`, state: s };
  if (e.value !== undefined && out.value !== e.value)
    return { verdict: `expected ${String(e.value)}, engine returned ${String(out.value)}`, state: s };
  if (e.check) {
    const bad = e.check(out.value);
    if (bad) return { verdict: bad, state: s };
  }
  return { verdict: null, state: e.next ?? s };
}
