import { fail, PAGE_SIZE } from '../base';
import type { MmState } from './mm-state';
import type { RlimitTask } from './types';

/** The per-uid user_struct: locked_vm shared by all processes of a user. */
export class UserStruct {
  readonly uid: number;
  /** locked_vm, pages. */
  lockedVm = 0;

  constructor(uid: number) {
    this.uid = uid;
  }
}

/** RLIMIT_MEMLOCK of a task in pages (Infinity = unlimited). */
export function memlockLimitPages(task: RlimitTask): number {
  return task.memlockLimit === Infinity ? Infinity : Math.floor(task.memlockLimit / PAGE_SIZE);
}

/**
 * __account_locked_vm: inc checks locked_vm + npages against
 * RLIMIT_MEMLOCK unless the task has CAP_IPC_LOCK (→ ENOMEM); dec
 * subtracts (WARN on underflow).
 */
export function accountLockedVm(mm: MmState, task: RlimitTask, npages: number, inc: boolean): void {
  if (npages === 0) return;
  if (inc) {
    if (!task.capIpcLock && mm.lockedVm + npages > memlockLimitPages(task))
      fail('ENOMEM', `locked_vm ${mm.lockedVm} + ${npages} pages exceeds RLIMIT_MEMLOCK`);
    mm.lockedVm += npages;
  } else {
    if (npages > mm.lockedVm) {
      mm.kernel.warn('mm', `locked_vm underflow: ${mm.lockedVm} - ${npages}`);
      mm.lockedVm = 0;
    } else {
      mm.lockedVm -= npages;
    }
  }
}

/** iommufd's USER mode increment (io_uring style): ENOMEM past limitPages. */
export function incUserLockedVm(user: UserStruct, npages: number, limitPages: number): void {
  if (user.lockedVm + npages > limitPages)
    fail('ENOMEM', `user ${user.uid} locked_vm ${user.lockedVm} + ${npages} pages exceeds RLIMIT_MEMLOCK`);
  user.lockedVm += npages;
}

/** USER mode decrement: false (nothing changed) when it would underflow; the caller WARNs. */
export function decUserLockedVm(user: UserStruct, npages: number): boolean {
  if (user.lockedVm < npages) return false;
  user.lockedVm -= npages;
  return true;
}
