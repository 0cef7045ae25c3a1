/**
 * Pinned-page accounting (IOMMUFD-ALGORITHMS.md §3.4): npinned changes at
 * pin/unpin time; lastNpinned is what has been charged. Charging happens
 * after the work: increases may fail (ENOMEM, site 'update_pinned') and the
 * caller unwinds; decreases never fail.
 */
import { fail } from '../../base';
import { accountLockedVm, decUserLockedVm, incUserLockedVm, memlockLimitPages } from '../../mm';
import type { IoptPages } from '../area-pages';

/** do_update_pinned */
export function doUpdatePinned(pages: IoptPages, npages: number, inc: boolean): void {
  switch (pages.accountMode) {
    case 'none':
      break;
    case 'user':
      if (inc) incUserLockedVm(pages.sourceUser, npages, memlockLimitPages(pages.sourceTask));
      else if (!decUserLockedVm(pages.sourceUser, npages))
        pages.kernel.warn('pages', 'user locked_vm underflow');
      break;
    case 'mm':
      if (inc && !pages.sourceMm.alive) fail('EINVAL', 'source mm is gone');
      // update_mm_locked_vm calls __account_locked_vm with bypass_rlim =
      // false: CAP_IPC_LOCK does not lift the limit here (pages of a task
      // that had it at map time are NONE and never reach this mode)
      accountLockedVm(
        pages.sourceMm,
        { memlockLimit: pages.sourceTask.memlockLimit, capIpcLock: false },
        npages,
        inc,
      );
      break;
  }
  pages.lastNpinned = pages.npinned;
  if (inc) pages.sourceMm.pinnedVm += npages;
  else pages.sourceMm.pinnedVm -= npages;
}

/** update_unpinned: refund what was unpinned; cannot fail. */
export function updateUnpinned(pages: IoptPages): void {
  if (pages.npinned > pages.lastNpinned) {
    pages.kernel.warn('pages', 'update_unpinned with npinned > last_npinned');
    return;
  }
  if (pages.npinned === pages.lastNpinned) return;
  doUpdatePinned(pages, pages.lastNpinned - pages.npinned, false);
}

/** pfn_reader_user_update_pinned: charge (or refund) the difference. */
export function userUpdatePinned(pages: IoptPages): void {
  if (pages.npinned === pages.lastNpinned) return;
  if (pages.npinned < pages.lastNpinned) {
    doUpdatePinned(pages, pages.lastNpinned - pages.npinned, false);
    return;
  }
  if (pages.kernel.faults.shouldFail('update_pinned'))
    fail('ENOMEM', 'pinned page accounting failed (injected)');
  doUpdatePinned(pages, pages.npinned - pages.lastNpinned, true);
}
