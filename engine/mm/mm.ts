import { pinUserPages } from './gup';
import { MmState } from './mm-state';
import { removeAllVmas } from './mmap';
import { copyFromUser, copyToUser } from './uaccess';

/**
 * An address space (the kernel's mm_struct): the data of `MmState` plus the
 * operations that change it, as methods. The object stays valid after the
 * last mmput() (like an mmgrab'ed pointer) but is empty and `alive` is false.
 */
export class MmStruct extends MmState {
  /** mmput: the last user tears the address space down. */
  put(): void {
    if (this.users === 0) {
      this.kernel.warn('mm', `mmput of mm ${this.id} without users`);
      return;
    }
    if (--this.users === 0) removeAllVmas(this);
  }

  /** pin_user_pages(FOLL_LONGTERM [| FOLL_WRITE]); see gup.ts. */
  pinUserPages(uptr: number, npages: number, write: boolean, out: Uint32Array, outOffset: number): number {
    return pinUserPages(this, uptr, npages, write, out, outOffset);
  }

  copyFromUser(uptr: number, dst: Uint8Array, dstOffset: number, length: number): void {
    copyFromUser(this, uptr, dst, dstOffset, length);
  }

  copyToUser(uptr: number, src: Uint8Array, srcOffset: number, length: number): void {
    copyToUser(this, uptr, src, srcOffset, length);
  }
}
