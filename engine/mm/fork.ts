import { fail } from '../base';
import { MmStruct } from './mm';
import { mkPte, PTE_EXCL, PTE_WRITE, ptePfn } from './page-table';
import type { Vma } from './vma';

/**
 * dup_mmap: the child's address space. Shared mappings share frames; private
 * pages become copy-on-write in both (write-protected, no longer exclusive),
 * except pages that may be DMA-pinned, which the child gets a copy of at once
 * (page_needs_cow_for_dma) so that the pinned frame stays the parent's.
 * Private hugetlb areas give the child no reservation.
 */
export function dupMm(parent: MmStruct): MmStruct {
  const child = new MmStruct(parent.host);
  try {
    for (const v of parent.vmas) {
      const cv = v.clone(v.start, v.end);
      child.vmas.push(cv);
      copyPtes(parent, child, v);
    }
  } catch (e) {
    child.put();
    throw e;
  }
  return child;
}

function copyPtes(parent: MmStruct, child: MmStruct, v: Vma): void {
  const phys = parent.phys;
  const f = phys.frames;
  const nr = 2 ** v.hugeOrder;
  const writeBit = v.readOnly ? 0 : PTE_WRITE;
  const ppt = parent.pt;
  const cpt = child.pt;
  const entries: number[] = [];
  ppt.forEach(v.startVpn, v.endVpn, (vpn, e) => {
    if (nr === 1 || vpn % nr === 0) entries.push(vpn, e);
  });
  for (let k = 0; k < entries.length; k += 2) {
    const vpn = entries[k];
    const e = entries[k + 1];
    const pfn = ptePfn(e);
    if (v.shared) {
      for (let i = 0; i < nr; i++) {
        phys.getRef(pfn + i);
        cpt.set(vpn + i, ppt.get(vpn + i));
      }
      continue;
    }
    let pinned = false;
    if ((e & PTE_EXCL) !== 0) for (let i = 0; i < nr && !pinned; i++) pinned = f.pin[pfn + i] > 0;
    if (pinned) {
      const copy = nr === 1 ? phys.allocFrame() : phys.allocHugetlb(phys.poolOf(v.hugeOrder), false);
      if (copy < 0) fail('ENOMEM', 'fork: no memory to copy a pinned page');
      for (let i = 0; i < nr; i++) {
        phys.copyFrame(copy + i, pfn + i);
        cpt.set(vpn + i, mkPte(copy + i, PTE_EXCL | writeBit));
      }
      continue;
    }
    for (let i = 0; i < nr; i++) {
      const pe = ppt.get(vpn + i);
      const wp = pe & ~(PTE_WRITE | PTE_EXCL);
      ppt.set(vpn + i, wp);
      cpt.set(vpn + i, wp);
      phys.getRef(ptePfn(pe));
    }
  }
}
