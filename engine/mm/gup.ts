import { fail, type Errno, PAGE_SIZE } from '../base';
import {
  FAULT_READ,
  FAULT_UNSHARE,
  FAULT_WRITE,
  type FaultKind,
  handleMmFault,
  needsFault,
  VM_FAULT_OOM,
} from './fault';
import type { MmStruct } from './mm';
import { ptePfn } from './page-table';
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
  mm: MmStruct,
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
  if (outOffset < 0 || outOffset + npages > out.length)
    fail('EINVAL', 'pin_user_pages: output array too small');
  if (!mm.alive) fail('EFAULT', `pin_user_pages: mm ${mm.id} is gone`);
  const phys = mm.phys;
  const pt = mm.pt;
  let vma: Vma | null = null;
  let errno: Errno = 'EFAULT';
  let why = '';
  let pinned = 0;
  const vpn0 = uptr / PAGE_SIZE;
  for (; pinned < npages; pinned++) {
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
    let e = pt.get(vpn);
    if (needsFault(vma, e, kind)) {
      e = handleMmFault(mm, vma, vpn, kind);
      if (e <= 0) {
        if (e === VM_FAULT_OOM) errno = 'ENOMEM';
        why = `fault at ${addr} failed`;
        break;
      }
    }
    const pfn = ptePfn(e);
    phys.pinFrame(pfn);
    out[outOffset + pinned] = pfn;
  }
  if (pinned === 0) fail(errno, `pin_user_pages: ${why}`, { uptr: vpn0 * PAGE_SIZE });
  mm.kernel.counters.pagesPinned += pinned;
  return pinned;
}
