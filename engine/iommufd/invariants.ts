/**
 * Machine-wide invariants (IOMMUFD-ALGORITHMS.md §2.4, §3.3, §14.9), checked
 * after any top-level operation: each IoptPages' own invariants (the pages
 * helper's checker), per-frame pin counts against the holders, area ↔ tree ↔
 * domain consistency, the IOVA alignment, the pinned-page accounting, and no
 * driver warning. Work is per run/area/held page, never per machine frame:
 * pin counts are checked on the held frames and against the mm's running
 * totals; the deep variant also sweeps the frame array.
 */
import type { Kernel } from '../base';
import type { MemorySystem } from '../mm';
import { FRAME_FREE } from '../mm/frames';
import { calculatedAlignment } from './io-pagetable/domains';
import type { IoPagetable } from './io-pagetable/io-pagetable';
import type { IommufdCtx } from './objects/context';
import { checkPagesInvariants, forEachHeldPfn, type IoptPages } from './pages';

function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

/** Distinct live IoptPages reachable from the contexts' IOAS areas, in a stable order. */
export function livePages(contexts: readonly IommufdCtx[]): IoptPages[] {
  const set = new Set<IoptPages>();
  for (const ctx of contexts) for (const ioas of ctx.ioases()) ioas.iopt.pagesSet(set);
  return [...set];
}

/** Merge [start, last] ranges that overlap or touch. */
function mergeRanges(r: { start: bigint; last: bigint }[]): { start: bigint; last: bigint }[] {
  r.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: { start: bigint; last: bigint }[] = [];
  for (const x of r) {
    const p = out[out.length - 1];
    if (p !== undefined && x.start <= p.last + 1n) {
      if (x.last > p.last) p.last = x.last;
    } else out.push({ start: x.start, last: x.last });
  }
  return out;
}

function checkIopt(tag: string, iopt: IoPagetable, v: string[]): void {
  const areaRanges: { start: bigint; last: bigint }[] = [];
  for (const area of iopt.areas()) {
    const at = `${tag} area [${hex(area.iova)}, ${hex(area.lastIova)}]`;
    areaRanges.push({ start: area.iova, last: area.lastIova });
    if (area.pages === null) {
      v.push(`${at}: busy (pages null) outside an operation`);
      continue;
    }
    if (area.node === null || area.node.value !== area) v.push(`${at}: node back-pointer mismatch`);
    const a = BigInt(iopt.iovaAlignment);
    if (area.iova % a !== 0n || area.length % a !== 0n || area.pageOffset % iopt.iovaAlignment !== 0)
      v.push(`${at}: not aligned to the IOAS alignment ${iopt.iovaAlignment}`);
    const resv = iopt.reservedItree.iterFirst(area.iova, area.lastIova);
    if (resv !== null) v.push(`${at}: intersects reserved [${hex(resv.start)}, ${hex(resv.last)}]`);
    if (iopt.domains.length === 0) {
      if (area.storageDomain !== null) v.push(`${at}: storage domain set but the IOAS has no domain`);
      if (area.domainsNode !== null) v.push(`${at}: in domains_itree but the IOAS has no domain`);
    } else {
      if (area.storageDomain === null || !iopt.domains.includes(area.storageDomain))
        v.push(`${at}: storage domain is not one of the IOAS's domains`);
      if (area.domainsNode === null || !area.pages.domainsItree.contains(area.domainsNode))
        v.push(`${at}: not in its pages' domains_itree although the IOAS has domains`);
    }
    if (area.numAccesses < 0) v.push(`${at}: negative num_accesses`);
  }
  for (const n of iopt.allowedItree) {
    const r = iopt.reservedItree.iterFirst(n.start, n.last);
    if (r !== null)
      v.push(
        `${tag}: allowed [${hex(n.start)}, ${hex(n.last)}] intersects reserved [${hex(r.start)}, ${hex(r.last)}]`,
      );
  }
  const want = calculatedAlignment(iopt);
  if (want !== iopt.iovaAlignment) v.push(`${tag}: iova_alignment ${iopt.iovaAlignment}, expected ${want}`);
  // every area mapped in every domain, and nothing else
  const areasMerged = mergeRanges(areaRanges);
  for (const d of iopt.domains) {
    if (d.freed) v.push(`${tag}: domain ${d.source} is attached but freed`);
    const mapped = mergeRanges(
      d.mappedRanges().map((m) => ({ start: BigInt(m.iova), last: BigInt(m.iova + m.length - 1) })),
    );
    const same =
      mapped.length === areasMerged.length &&
      mapped.every((m, i) => m.start === areasMerged[i].start && m.last === areasMerged[i].last);
    if (!same) {
      const fmt = (r: { start: bigint; last: bigint }[]): string =>
        r
          .slice(0, 4)
          .map((x) => `[${hex(x.start)}, ${hex(x.last)}]`)
          .join(' ') + (r.length > 4 ? ` …(${r.length})` : '');
      v.push(
        `${tag}: ${d.source} maps ${fmt(mapped) || 'nothing'} but the areas are ${fmt(areasMerged) || 'none'}`,
      );
    }
  }
}

/**
 * Calls cb(pfn, npfns, holders) for the frames the live IoptPages hold, in
 * PFN order, as maximal runs of the same holder count (> 0). Work is per held
 * run plus forEachHeldPfn's per held page; no frame array sweep.
 */
export function forEachHeldSegment(
  pages: readonly IoptPages[],
  cb: (pfn: number, npfns: number, holders: number) => void,
): void {
  const ev: number[] = []; // pairs (pfn, delta)
  for (const p of pages)
    forEachHeldPfn(p, (pfn, n) => {
      ev.push(pfn, 1, pfn + n, -1);
    });
  const idx: number[] = [];
  for (let i = 0; i < ev.length; i += 2) idx.push(i);
  idx.sort((a, b) => ev[a] - ev[b]);
  let level = 0;
  let pos = 0;
  for (const i of idx) {
    const at = ev[i];
    if (at > pos && level > 0) cb(pos, at - pos, level);
    if (at > pos) pos = at;
    level += ev[i + 1];
  }
}

/**
 * Pin counts against the holders, in O(held frames): every held frame's pin
 * count equals its number of holders, and the pins on held frames add up to
 * the mm's running totals (PhysMemory.totalPins, pinnedFrames) — so every
 * frame nobody holds has pin count 0, without looking at it. Relies on every
 * pin going through the mm (pin_user_pages, PhysMemory); checkPinCountsDeep
 * sweeps the frames and also checks that.
 */
function checkPinCounts(memory: MemorySystem, pages: readonly IoptPages[], v: string[]): void {
  const phys = memory.phys;
  const { pin, flags } = phys.frames;
  const nframes = phys.nframes;
  const FREE = FRAME_FREE;
  let reported = 0;
  let pinsOnHeld = 0;
  let pinnedHeld = 0;
  forEachHeldSegment(pages, (from, n, want) => {
    for (let f = from; f < from + n; f++) {
      if (f < 0 || f >= nframes) {
        if (reported < 8) v.push(`frame ${f}: held by ${want} iopt_pages but outside physical memory`);
        reported++;
        continue;
      }
      const c = (flags[f] & FREE) !== 0 ? 0 : pin[f];
      pinsOnHeld += c;
      if (c !== 0) pinnedHeld++;
      if (c !== want) {
        if (reported < 8) v.push(`frame ${f}: pin count ${c}, but ${want} iopt_pages hold it`);
        reported++;
      }
    }
  });
  if (reported > 8) v.push(`… ${reported - 8} more frames with a wrong pin count`);
  const strayPins = phys.totalPins - pinsOnHeld;
  const strayFrames = phys.pinnedFrames - pinnedHeld;
  if (strayPins !== 0 || strayFrames !== 0)
    v.push(
      `${strayPins} pin(s) on ${strayFrames} frame(s) no iopt_pages holds ` +
        `(the mm counts ${phys.totalPins} pins on ${phys.pinnedFrames} frames, held frames carry ${pinsOnHeld} on ${pinnedHeld})`,
    );
}

/**
 * The same by sweeping the whole frame array (slow: O(frames)): every frame's
 * pin count equals its number of holders, and the running totals equal the
 * sweep. The differential check of checkPinCounts.
 */
function checkPinCountsDeep(memory: MemorySystem, pages: readonly IoptPages[], v: string[]): void {
  const phys = memory.phys;
  const { pin, flags } = phys.frames;
  const nframes = phys.nframes;
  const FREE = FRAME_FREE;
  let reported = 0;
  const scan = (from: number, to: number, want: number): void => {
    for (let f = Math.max(from, 0); f < to && f < nframes; f++) {
      const c = (flags[f] & FREE) !== 0 ? 0 : pin[f];
      if (c !== want) {
        if (reported < 8) v.push(`deep: frame ${f}: pin count ${c}, but ${want} iopt_pages hold it`);
        reported++;
      }
    }
  };
  let pos = 0;
  forEachHeldSegment(pages, (from, n, want) => {
    scan(pos, from, 0);
    scan(from, from + n, want);
    pos = Math.max(pos, from + n);
  });
  scan(pos, nframes, 0);
  if (reported > 8) v.push(`deep: … ${reported - 8} more frames with a wrong pin count`);
  const swept = phys.scanPins();
  if (swept.totalPins !== phys.totalPins || swept.pinnedFrames !== phys.pinnedFrames)
    v.push(
      `deep: the mm's pin totals say ${phys.totalPins} pins on ${phys.pinnedFrames} frames, the frames hold ${swept.totalPins} on ${swept.pinnedFrames}`,
    );
}

/** locked_vm / pinned_vm against what the live pages have charged. */
function checkAccounting(memory: MemorySystem, pages: readonly IoptPages[], v: string[]): void {
  const userWant = new Map<object, number>();
  const mmLockedWant = new Map<object, number>();
  const mmPinnedWant = new Map<object, number>();
  const add = (m: Map<object, number>, k: object, n: number): void => {
    m.set(k, (m.get(k) ?? 0) + n);
  };
  for (const p of pages) {
    if (p.accountMode === 'user') add(userWant, p.sourceUser, p.lastNpinned);
    if (p.accountMode === 'mm') add(mmLockedWant, p.sourceMm, p.lastNpinned);
    add(mmPinnedWant, p.sourceMm, p.lastNpinned);
  }
  const seenUsers = new Set<object>();
  const seenMms = new Set<object>();
  for (const proc of memory.processes()) {
    if (!seenUsers.has(proc.user)) {
      seenUsers.add(proc.user);
      const want = userWant.get(proc.user) ?? 0;
      if (proc.user.lockedVm !== want)
        v.push(`user ${proc.user.uid}: locked_vm ${proc.user.lockedVm} pages, live pages charged ${want}`);
    }
    if (!seenMms.has(proc.mm)) {
      seenMms.add(proc.mm);
      const wl = mmLockedWant.get(proc.mm) ?? 0;
      if (proc.mm.lockedVm !== wl)
        v.push(`mm ${proc.mm.id}: locked_vm ${proc.mm.lockedVm} pages, live pages charged ${wl}`);
      const wp = mmPinnedWant.get(proc.mm) ?? 0;
      if (proc.mm.pinnedVm !== wp)
        v.push(`mm ${proc.mm.id}: pinned_vm ${proc.mm.pinnedVm} pages, live pages hold ${wp}`);
    }
  }
}

/**
 * Every violation, described; empty when the machine is consistent. Work is
 * O(live state); `deep` adds the O(frames) sweep of every pin count.
 */
export function machineViolations(
  kernel: Kernel,
  memory: MemorySystem,
  contexts: readonly IommufdCtx[],
  deep = false,
): string[] {
  const v: string[] = [];
  const pages = livePages(contexts);
  for (const p of pages) for (const s of checkPagesInvariants(p)) v.push(`iopt_pages ${p.id}: ${s}`);
  for (const ctx of contexts)
    for (const ioas of ctx.ioases()) checkIopt(`ctx ${ctx.serial} ioas ${ioas.id}`, ioas.iopt, v);
  checkPinCounts(memory, pages, v);
  if (deep) checkPinCountsDeep(memory, pages, v);
  checkAccounting(memory, pages, v);
  if (kernel.counters.warnings !== 0) {
    const last = kernel.events.events.filter((e) => e.kind === 'warning').slice(-3);
    v.push(
      `${kernel.counters.warnings} kernel warning(s) raised: ${last.map((e) => `${e.source}: ${e.message}`).join('; ')}`,
    );
  }
  return v;
}
