/**
 * What naive.ts and vfio-type1.ts share of engine/mm: long-term pinning of a
 * user range in as many pin_user_pages calls as it takes (the mm stops at a
 * VMA edge it cannot cross), and iommufd's own accounting modes, which the
 * naive strategy charges once per pin.
 */
import { PAGE_SIZE } from '../../base';
import { accountLockedVm, decUserLockedVm, incUserLockedVm, memlockLimitPages, type Process } from '../../mm';

/** Pin n pages from uptr into out[off..]; all or nothing. */
export function pinRange(
  task: Process,
  uptr: number,
  n: number,
  write: boolean,
  out: Uint32Array,
  off: number,
): void {
  let done = 0;
  try {
    while (done < n) done += task.mm.pinUserPages(uptr + done * PAGE_SIZE, n - done, write, out, off + done);
  } catch (e) {
    if (done > 0) task.mm.phys.unpinPages(out, off, done, false);
    throw e;
  }
}

export type AccountMode = 'none' | 'user' | 'mm';

/** iommufd's choice at map time: NONE with CAP_IPC_LOCK, else the context's RLIMIT_MODE. */
export function accountModeFor(task: Process, accountModeMm: boolean): AccountMode {
  if (task.capIpcLock) return 'none';
  return accountModeMm ? 'mm' : 'user';
}

/** Charge (inc) or refund n pinned pages the way iommufd's do_update_pinned does; ENOMEM past the limit. */
export function chargePinned(task: Process, mode: AccountMode, n: number, inc: boolean): void {
  if (n === 0) return;
  if (mode === 'user') {
    if (inc) incUserLockedVm(task.user, n, memlockLimitPages(task));
    else if (!decUserLockedVm(task.user, n)) task.mm.kernel.warn('strategy', 'user locked_vm underflow');
  } else if (mode === 'mm') {
    accountLockedVm(task.mm, { memlockLimit: task.memlockLimit, capIpcLock: false }, n, inc);
  }
  if (inc) task.mm.pinnedVm += n;
  else task.mm.pinnedVm -= n;
}
