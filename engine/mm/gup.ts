import { fail, type Errno, PAGE_SIZE } from '../base';
import { FAULT_READ, FAULT_UNSHARE, FAULT_WRITE, type FaultKind, handleMmFault, VM_FAULT_OOM } from './fault';
import { FRAME_COMPOUND } from './frames';
import type { MmState } from './mm-state';
import { CHUNK_NR, PTE_EXCL, PTE_PRESENT, PTE_WRITE } from './page-table';
import type { Vma } from './vma';

/**
 * pin_user_pages(FOLL_LONGTERM [| FOLL_WRITE]) — page by page, like
 * __get_user_pages: faults each page in (a write pin breaks copy-on-write; a
 * read pin of a private page the process may not keep unshares it, so the
 * pinned frame is the one the process keeps), then takes a pin and a
 * reference. Continues into an adjacent VMA; stops at a hole, at a VMA the
 * pin is not allowed on, or when memory runs out. Returns how many pages were
 * pinned (>= 1), their frames in out[outOffset..]; nothing pinned → throws
 * (EFAULT; ENOMEM when out of memory). Dead mm → EFAULT.
 */
export function pinUserPages(
  mm: MmState,
  uptr: number,
  npages: number,
  write: boolean,
  out: Uint32Array,
  outOffset: number,
): number {
  mm.kernel.counters.pinCalls++;
  if (!Number.isSafeInteger(uptr) || uptr < 0 || uptr % PAGE_SIZE !== 0)
    fail('EINVAL', `pin_user_pages: start ${uptr} is not page aligned`);
  if (!Number.isSafeInteger(npages) || npages <= 0) fail('EINVAL', `pin_user_pages: nr_pages ${npages}`);
  if (!Number.isSafeInteger(outOffset) || outOffset < 0 || outOffset + npages > out.length)
    fail('EINVAL', 'pin_user_pages: output array too small');
  if (!mm.alive) fail('EFAULT', `pin_user_pages: mm ${mm.id} is gone`);
  const pt = mm.pt;
  const f = mm.phys.frames;
  const ref = f.ref;
  const pin = f.pin;
  const flags = f.flags;
  const compound = FRAME_COMPOUND;
  const vpn0 = uptr / PAGE_SIZE;
  let vma: Vma | null = null;
  let errno: Errno = 'EFAULT';
  let why = '';
  let pinned = 0;
  let newlyPinned = 0;
  outer: while (pinned < npages) {
    const vpn = vpn0 + pinned;
    const addr = vpn * PAGE_SIZE;
    if (vma === null || addr >= vma.end) {
      vma = mm.findVma(addr);
      if (vma === null) {
        why = `no mapping at ${addr}`;
        break;
      }
    }
    if (write && vma.readOnly) {
      why = `write pin of read-only mapping at ${addr}`;
      break;
    }
    const kind: FaultKind = write ? FAULT_WRITE : vma.shared ? FAULT_READ : FAULT_UNSHARE;
    // a PTE is usable without a fault when all of these bits are set
    const need = PTE_PRESENT | (kind === FAULT_WRITE ? PTE_WRITE : kind === FAULT_UNSHARE ? PTE_EXCL : 0);
    // pages of this VMA within one page-table chunk
    const base = Math.floor(vpn / CHUNK_NR) * CHUNK_NR;
    const n = Math.min(npages - pinned, base + CHUNK_NR - vpn, vma.endVpn - vpn);
    let chunk = pt.chunkOf(vpn);
    for (let j = 0; j < n; j++) {
      const i = vpn - base + j;
      let e = chunk === undefined ? 0 : chunk[i];
      if ((e & need) !== need) {
        e = handleMmFault(mm, vma, vpn + j, kind);
        if (e <= 0) {
          const at = addr + j * PAGE_SIZE;
          if (e === VM_FAULT_OOM) {
            errno = 'ENOMEM';
            why = `fault at ${at}: out of memory (no free frame left outside the hugetlb pools)`;
          } else {
            why = `fault at ${at} failed`;
          }
          pinned += j;
          break outer;
        }
        chunk = pt.chunkOf(vpn);
      }
      const pfn = e >>> 3;
      if (pin[pfn]++ === 0) newlyPinned++;
      ref[pfn]++;
      if ((flags[pfn] & compound) !== 0) f.compoundRefs[f.compoundSlot(pfn)]++;
      out[outOffset + pinned + j] = pfn;
    }
    pinned += n;
  }
  mm.phys.totalPins += pinned;
  mm.phys.pinnedFrames += newlyPinned;
  if (pinned === 0) fail(errno, `pin_user_pages: ${why}`, { uptr: vpn0 * PAGE_SIZE });
  mm.kernel.counters.pagesPinned += pinned;
  return pinned;
}
