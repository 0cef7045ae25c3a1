import { fail, PAGE_SIZE } from '../base';
import { FAULT_READ, FAULT_WRITE, handleMmFault } from './fault';
import { GPAGE_ORDER, HPAGE_NR, HPAGE_ORDER } from './frames';
import { installLayout, planLayout, type LayoutPlan } from './layout-backing';
import type { MmState } from './mm-state';
import { PageCache } from './page-cache';
import { ptePfn } from './page-table';
import type { MmapOptions } from './types';
import { Vma } from './vma';

/** User address space: [MMAP_MIN_ADDR, TASK_SIZE), 47 bits. */
export const TASK_SIZE = 2 ** 47 - PAGE_SIZE;
export const MMAP_MIN_ADDR = 0x10000;
/** Top-down allocation starts here (room for a stack above). */
export const MMAP_BASE = 2 ** 47 - 2 ** 40;

function isPow2(x: number): boolean {
  return Number.isSafeInteger(x) && x > 0 && 2 ** Math.round(Math.log2(x)) === x;
}

/** mmap: a new VMA at an address of the kernel's choosing (top-down, deterministic). */
export function doMmap(mm: MmState, length: number, opts: MmapOptions = {}): number {
  if (!Number.isSafeInteger(length) || length <= 0)
    fail('EINVAL', `mmap length ${length} must be a positive integer`);
  const hugeOrder = opts.hugetlb === '2M' ? HPAGE_ORDER : opts.hugetlb === '1G' ? GPAGE_ORDER : 0;
  if (opts.hugetlb !== undefined && hugeOrder === 0) fail('EINVAL', `mmap hugetlb must be '2M' or '1G'`);
  if (hugeOrder > 0 && opts.file === true) fail('EINVAL', 'mmap: hugetlb and file cannot be combined');
  if (opts.align !== undefined && (!isPow2(opts.align) || opts.align < PAGE_SIZE))
    fail('EINVAL', `mmap align ${opts.align} must be a power of two >= PAGE_SIZE`);
  const unit = PAGE_SIZE * 2 ** hugeOrder;
  const len = Math.ceil(length / unit) * unit;
  let align = Math.max(opts.align ?? PAGE_SIZE, unit);
  // thp_get_unmapped_area: anonymous THP mappings of 2 MiB or more start PMD aligned
  if (opts.thp === true && len >= HPAGE_NR * PAGE_SIZE) align = Math.max(align, HPAGE_NR * PAGE_SIZE);
  let plan: LayoutPlan | null = null;
  if (opts.layout !== undefined) {
    plan = planLayout(mm.phys, len, opts);
    // the layout's huge-page phases hold against a mapping aligned like its base
    align = Math.max(align, plan.rebased.align * PAGE_SIZE);
  } else if (opts.layoutBase !== undefined) fail('EINVAL', 'mmap: layoutBase without a layout');
  const addr = getUnmappedArea(mm, len, align);
  if (addr < 0) fail('ENOMEM', `mmap: no free range of ${len} bytes in the address space`);

  const shared = opts.shared === true;
  const file = opts.file === true;
  const units = len / unit;
  let cache: PageCache | null = null;
  if (shared || file) cache = new PageCache(hugeOrder);
  if (hugeOrder > 0) {
    const pool = mm.phys.poolOf(hugeOrder);
    if (!pool.reserve(units))
      fail(
        'ENOMEM',
        `mmap: hugetlb pool of ${opts.hugetlb} pages has ${pool.free - pool.reserved} free, ${units} needed`,
      );
  }
  const vma = new Vma({
    start: addr,
    end: addr + len,
    shared,
    readOnly: opts.readOnly === true,
    thp: opts.thp === true && hugeOrder === 0 && !shared && !file,
    file,
    hugeOrder,
    cache,
    pgoff: 0,
  });
  if (hugeOrder > 0) {
    if (cache !== null) cache.hugeResv = units;
    else vma.hugeResv = units;
  }
  insertVma(mm, vma);
  mm.host.markTouched();
  if (plan !== null) installLayout(mm, plan, vma.startVpn, vma.readOnly);
  if (opts.populate === true) {
    // populate_vma_page_range: write faults for private writable mappings
    const kind = !shared && !vma.readOnly ? FAULT_WRITE : FAULT_READ;
    const step = 2 ** hugeOrder;
    for (let vpn = vma.startVpn; vpn < vma.endVpn; vpn += step) {
      if (handleMmFault(mm, vma, vpn, kind) < 0) break; // populate failures are ignored, like the kernel
    }
  }
  return addr;
}

/** Top-down search for a free, aligned range of len bytes; -1 if none. */
function getUnmappedArea(mm: MmState, len: number, align: number): number {
  const v = mm.vmas;
  let gapHi = MMAP_BASE;
  for (let k = v.length - 1; k >= -1; k--) {
    const gapLo = k >= 0 ? v[k].end : MMAP_MIN_ADDR;
    const hi = Math.min(gapHi, MMAP_BASE);
    if (hi - len >= gapLo) {
      const cand = Math.floor((hi - len) / align) * align;
      if (cand >= gapLo && cand >= MMAP_MIN_ADDR) return cand;
    }
    if (k >= 0) gapHi = Math.min(gapHi, v[k].start);
  }
  return -1;
}

function insertVma(mm: MmState, vma: Vma): void {
  const v = mm.vmas;
  let i = 0;
  while (i < v.length && v[i].start < vma.start) i++;
  v.splice(i, 0, vma);
}

/** munmap: removes every mapping in [uptr, uptr+length); splits VMAs cut by the range. */
export function doMunmap(mm: MmState, uptr: number, length: number): void {
  if (!Number.isSafeInteger(uptr) || uptr % PAGE_SIZE !== 0 || uptr < 0)
    fail('EINVAL', `munmap uptr ${uptr} must be page aligned`);
  if (!Number.isSafeInteger(length) || length <= 0)
    fail('EINVAL', `munmap length ${length} must be positive`);
  const end = uptr + Math.ceil(length / PAGE_SIZE) * PAGE_SIZE;
  if (end > TASK_SIZE) fail('EINVAL', `munmap range ends above the user address space`);
  for (const v of mm.vmas) {
    if (v.end <= uptr || v.start >= end || v.hugeOrder === 0) continue;
    const unit = v.unitSize;
    if ((uptr > v.start && uptr % unit !== 0) || (end < v.end && end % unit !== 0))
      fail('EINVAL', `munmap [${uptr}, ${end}) cuts a hugetlb page`);
  }
  splitAt(mm, uptr);
  splitAt(mm, end);
  const keep: Vma[] = [];
  const gone: Vma[] = [];
  for (const v of mm.vmas) (v.start >= uptr && v.end <= end ? gone : keep).push(v);
  mm.vmas = keep;
  for (const v of gone) removeVma(mm, v);
}

/** Split the VMA that strictly contains addr into [start, addr) and [addr, end). */
function splitAt(mm: MmState, addr: number): void {
  const v = mm.findVma(addr);
  if (v === null || v.start === addr) return;
  const right = v.clone(addr, v.end);
  if (v.hugeResv > 0) {
    // reservations follow the unfaulted pages
    const rightNeed = unfaultedUnits(mm, right);
    right.hugeResv = Math.min(v.hugeResv, rightNeed);
    v.hugeResv -= right.hugeResv;
  }
  v.end = addr;
  const i = mm.vmas.indexOf(v);
  mm.vmas.splice(i + 1, 0, right);
}

function unfaultedUnits(mm: MmState, v: Vma): number {
  const step = 2 ** v.hugeOrder;
  let n = 0;
  for (let vpn = v.startVpn; vpn < v.endVpn; vpn += step) if (mm.pt.get(vpn) === 0) n++;
  return n;
}

/** Unmap every page of a VMA that is already out of mm.vmas; drop its reservation and object. */
function removeVma(mm: MmState, v: Vma): void {
  zapRange(mm, v.startVpn, v.endVpn);
  const phys = mm.phys;
  if (v.hugeResv > 0) {
    phys.poolOf(v.hugeOrder).unreserve(v.hugeResv);
    v.hugeResv = 0;
  }
  if (v.cache !== null && --v.cache.users === 0) v.cache.release(phys);
}

/** zap_page_range: clear the PTEs of [lo, hi) and drop the mappings' references. */
export function zapRange(mm: MmState, lo: number, hi: number): void {
  const phys = mm.phys;
  const pt = mm.pt;
  pt.forEach(lo, hi, (vpn, e) => {
    pt.clear(vpn);
    phys.putRef(ptePfn(e));
  });
}

/** exit_mmap: the last mm user is gone. */
export function removeAllVmas(mm: MmState): void {
  const gone = mm.vmas;
  mm.vmas = [];
  for (const v of gone) removeVma(mm, v);
  mm.pt.clearAll();
}
