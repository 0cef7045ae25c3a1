import { FRAME_COMPOUND, FRAME_FREE } from './frames';
import type { MmState } from './mm-state';
import type { PageCache } from './page-cache';
import { type PageTable, PTE_EXCL, PTE_WRITE, ptePfn } from './page-table';
import type { PhysMemory } from './phys';

/** What the check reads of a MemorySystem (which calls it: it sits above this file). */
export interface MemoryView {
  readonly phys: PhysMemory;
  processes(): readonly { readonly mm: MmState }[];
}

/**
 * The full consistency check of the memory model (slow: O(frames)). Returns
 * the violations found (empty when consistent):
 * - every frame's reference count = PTEs mapping it + page caches holding it
 *   + its pins; the sum per huge page matches compoundRefs;
 * - a frame is free (in the allocator or a hugetlb pool) exactly when nothing
 *   holds it (for huge pages: when nothing holds any of its frames);
 * - an exclusive or writable private PTE is the only mapping of its frame;
 * - hugetlb reservations equal what the areas and objects still hold;
 * - the running pin totals (PhysMemory.totalPins, pinnedFrames) equal a
 *   sweep of the frames' pin counts.
 */
export function memoryViolations(sys: MemoryView, max = 20): string[] {
  const bad: string[] = [];
  const phys = sys.phys;
  const f = phys.frames;
  const n = phys.nframes;
  const holds = new Float64Array(n);
  const maps = new Uint32Array(n);
  const caches = new Set<PageCache>();
  const resv = [0, 0];
  const exclusive: number[] = [];
  for (const p of sys.processes()) {
    const mm = p.mm;
    if (!mm.alive) {
      if (mm.pt.present !== 0 || mm.vmas.length !== 0) bad.push(`dead mm ${mm.id} still maps pages`);
      continue;
    }
    for (const v of mm.vmas) {
      if (v.cache !== null) caches.add(v.cache);
      if (v.hugeOrder > 0) resv[v.hugeOrder === 9 ? 0 : 1] += v.hugeResv;
      mm.pt.forEach(v.startVpn, v.endVpn, (_vpn, e) => {
        const pfn = ptePfn(e);
        holds[pfn]++;
        maps[pfn]++;
        if (!v.shared && (e & (PTE_EXCL | PTE_WRITE)) !== 0) exclusive.push(pfn);
      });
    }
    let inVmas = 0;
    for (const v of mm.vmas) inVmas += countPresent(mm.pt, v.startVpn, v.endVpn);
    if (inVmas !== mm.pt.present) bad.push(`mm ${mm.id}: ${mm.pt.present - inVmas} PTEs outside any VMA`);
  }
  for (const c of caches) {
    const nr = 2 ** c.order;
    c.forEachPage((_i, pfn) => {
      for (let k = 0; k < nr; k++) holds[pfn + k]++;
    });
    if (c.order > 0) resv[c.order === 9 ? 0 : 1] += c.hugeResv;
  }
  for (const pfn of exclusive)
    if (maps[pfn] !== 1) bad.push(`frame ${pfn}: exclusive PTE but ${maps[pfn]} mappings`);
  if (resv[0] !== phys.hugetlb2M.reserved)
    bad.push(`2M reservations ${phys.hugetlb2M.reserved}, areas hold ${resv[0]}`);
  if (resv[1] !== phys.hugetlb1G.reserved)
    bad.push(`1G reservations ${phys.hugetlb1G.reserved}, areas hold ${resv[1]}`);
  const swept = phys.scanPins();
  if (swept.totalPins !== phys.totalPins || swept.pinnedFrames !== phys.pinnedFrames)
    bad.push(
      `pin totals ${phys.totalPins} pins on ${phys.pinnedFrames} frames, the frames hold ${swept.totalPins} on ${swept.pinnedFrames}`,
    );
  const free = phys.freeMap();
  // locals: module bindings are getters under the test runner's transform
  const FREE = FRAME_FREE;
  const COMPOUND = FRAME_COMPOUND;
  for (let pfn = 0; pfn < n && bad.length < max; pfn++) {
    const isFree = (f.flags[pfn] & FREE) !== 0;
    const ref = isFree ? 0 : f.ref[pfn];
    const pin = isFree ? 0 : f.pin[pfn];
    const want = holds[pfn] + pin;
    if (ref !== want) bad.push(`frame ${pfn}: ref ${ref}, expected ${holds[pfn]} holds + ${pin} pins`);
    if ((f.flags[pfn] & COMPOUND) !== 0) {
      const nr = 2 ** f.order[pfn];
      if (pfn % nr !== 0) continue;
      let sum = 0;
      for (let k = 0; k < nr; k++) sum += f.ref[pfn + k];
      if (sum !== f.compoundRefs[pfn / 512])
        bad.push(`huge page ${pfn}: compoundRefs ${f.compoundRefs[pfn / 512]} != ${sum}`);
      if ((free[pfn] === 1) !== (sum === 0))
        bad.push(`huge page ${pfn}: free ${free[pfn] === 1} but ${sum} refs`);
    } else if ((free[pfn] === 1) !== (want === 0)) {
      bad.push(`frame ${pfn}: free ${free[pfn] === 1} but held ${want} times`);
    }
  }
  return bad;
}

function countPresent(pt: PageTable, lo: number, hi: number): number {
  let k = 0;
  pt.forEach(lo, hi, () => k++);
  return k;
}
