import { HPAGE_NR } from './frames';
import { mkPte, PTE_EXCL, PTE_WRITE, ptePfn } from './page-table';
import type { MmState } from './mm-state';
import type { Vma } from './vma';

/** Why a fault is taken (handle_mm_fault flags). */
export const FAULT_READ = 0;
export const FAULT_WRITE = 1;
/** FAULT_FLAG_UNSHARE: a R/O long-term pin wants a page the process keeps. */
export const FAULT_UNSHARE = 2;
export type FaultKind = typeof FAULT_READ | typeof FAULT_WRITE | typeof FAULT_UNSHARE;

/** VM_FAULT_OOM: no memory for the page (GUP: ENOMEM). */
export const VM_FAULT_OOM = -1;
/** VM_FAULT_SIGBUS: hugetlb pool empty (GUP: EFAULT). */
export const VM_FAULT_SIGBUS = -2;

/**
 * Whether the access needs a fault: not present, write to a write-protected
 * PTE, or a R/O long-term pin of a page that the process may not keep (a
 * copy-on-write shared page or a page-cache page in a private mapping).
 */
export function needsFault(vma: Vma, e: number, kind: FaultKind): boolean {
  if (e === 0) return true;
  if (kind === FAULT_WRITE) return (e & PTE_WRITE) === 0;
  if (kind === FAULT_UNSHARE) return !vma.shared && (e & PTE_EXCL) === 0;
  return false;
}

/**
 * handle_mm_fault for page `vpn` of `vma` (the caller checked permissions):
 * returns the PTE afterwards, or VM_FAULT_OOM / VM_FAULT_SIGBUS.
 */
export function handleMmFault(mm: MmState, vma: Vma, vpn: number, kind: FaultKind): number {
  const e = mm.pt.get(vpn);
  if (!needsFault(vma, e, kind)) return e;
  mm.kernel.counters.pageFaults++;
  if (e === 0) {
    const r = doFault(mm, vma, vpn, kind);
    if (r <= 0 || !needsFault(vma, r, kind)) return r;
    return doWp(mm, vma, vpn, r, kind);
  }
  return doWp(mm, vma, vpn, e, kind);
}

function unitBase(vma: Vma, vpn: number): number {
  const nr = 2 ** vma.hugeOrder;
  return vpn - (vpn % nr);
}

function mapUnit(mm: MmState, base: number, nr: number, pfn: number, bits: number, takeRef: boolean): void {
  for (let i = 0; i < nr; i++) {
    if (takeRef) mm.phys.getRef(pfn + i);
    mm.pt.set(base + i, mkPte(pfn + i, bits));
  }
}

/** Fault on a not-present page. */
function doFault(mm: MmState, vma: Vma, vpn: number, kind: FaultKind): number {
  const phys = mm.phys;
  const writeBit = vma.readOnly ? 0 : PTE_WRITE;
  const nr = 2 ** vma.hugeOrder;
  const base = unitBase(vma, vpn);
  const cache = vma.cache;
  if (cache !== null) {
    const index = vma.pgoff + (base - vma.startVpn);
    let pfn = cache.lookup(index);
    if (pfn < 0) {
      if (vma.hugeOrder > 0) {
        const fromResv = cache.hugeResv > 0;
        pfn = phys.allocHugetlb(phys.poolOf(vma.hugeOrder), fromResv);
        if (pfn < 0) return VM_FAULT_SIGBUS;
        if (fromResv) cache.hugeResv--;
      } else {
        pfn = phys.allocFrame();
        if (pfn < 0) return VM_FAULT_OOM;
      }
      cache.insert(phys, index, pfn);
    }
    if (vma.shared) {
      mapUnit(mm, base, nr, pfn, writeBit, true);
    } else if (kind === FAULT_READ) {
      // private file page, read: map the page-cache frame read-only
      mapUnit(mm, base, nr, pfn, 0, true);
    } else {
      // private file page written or R/O-pinned: copy it now (do_cow_fault)
      const copy = phys.allocFrame();
      if (copy < 0) return VM_FAULT_OOM;
      phys.copyFrame(copy, pfn);
      mm.kernel.counters.cowBreaks++;
      mapUnit(mm, base, 1, copy, PTE_EXCL | (kind === FAULT_WRITE ? writeBit : 0), false);
    }
    return mm.pt.get(vpn);
  }
  // private anonymous
  const bits = PTE_EXCL | writeBit;
  if (vma.hugeOrder > 0) {
    const fromResv = vma.hugeResv > 0;
    const pfn = phys.allocHugetlb(phys.poolOf(vma.hugeOrder), fromResv);
    if (pfn < 0) return VM_FAULT_SIGBUS;
    if (fromResv) vma.hugeResv--;
    mapUnit(mm, base, nr, pfn, bits, false);
    return mm.pt.get(vpn);
  }
  if (vma.thp) {
    const hb = vpn - (vpn % HPAGE_NR);
    if (hb >= vma.startVpn && hb + HPAGE_NR <= vma.endVpn && mm.pt.chunkEmpty(hb)) {
      const head = phys.allocThp();
      if (head >= 0) {
        mapUnit(mm, hb, HPAGE_NR, head, bits, false);
        return mm.pt.get(vpn);
      }
    }
  }
  const pfn = phys.allocFrame();
  if (pfn < 0) return VM_FAULT_OOM;
  mm.pt.set(vpn, mkPte(pfn, bits));
  return mm.pt.get(vpn);
}

/**
 * Write (or unshare) fault on a present page of a private mapping: reuse the
 * page when it is exclusively ours, else copy it (break copy-on-write).
 */
function doWp(mm: MmState, vma: Vma, vpn: number, e: number, kind: FaultKind): number {
  const phys = mm.phys;
  const f = phys.frames;
  const nr = 2 ** vma.hugeOrder;
  const base = unitBase(vma, vpn);
  const writeBit = kind === FAULT_WRITE && !vma.readOnly ? PTE_WRITE : 0;
  const pfn = ptePfn(e) - (vpn - base);
  let exclusive = (e & PTE_EXCL) !== 0;
  if (!exclusive && !phys.isPageCache(pfn)) {
    // anonymous page nobody else maps or pins: take it over (wp_can_reuse_anon_folio)
    exclusive = nr === 1 ? f.ref[pfn] === 1 : f.compoundRefs[pfn / HPAGE_NR] === nr;
  }
  if (exclusive) {
    const keep = e & PTE_WRITE;
    for (let i = 0; i < nr; i++) mm.pt.set(base + i, mkPte(pfn + i, PTE_EXCL | keep | writeBit));
    return mm.pt.get(vpn);
  }
  let copy: number;
  if (nr > 1) {
    copy = phys.allocHugetlb(phys.poolOf(vma.hugeOrder), false);
    if (copy < 0) return VM_FAULT_SIGBUS;
  } else {
    copy = phys.allocFrame();
    if (copy < 0) return VM_FAULT_OOM;
  }
  for (let i = 0; i < nr; i++) {
    phys.copyFrame(copy + i, pfn + i);
    mm.pt.set(base + i, mkPte(copy + i, PTE_EXCL | writeBit));
    phys.putRef(pfn + i);
  }
  mm.kernel.counters.cowBreaks++;
  return mm.pt.get(vpn);
}
