import { fail, PAGE_SIZE } from '../base';
import { FAULT_READ, FAULT_WRITE, handleMmFault, needsFault } from './fault';
import type { MmState } from './mm-state';
import { ptePfn } from './page-table';
import type { Vma } from './vma';

/**
 * The range's arguments and the mm. Nothing is checked ahead of the copy:
 * like copy_to_user / copy_from_user (and a CPU's loads and stores), the copy
 * goes page by page and stops at the first page it cannot reach, EFAULT, with
 * the bytes before it copied (and those pages faulted in, copy-on-write
 * broken by a write). The oracle showed it: a write running past the end of
 * a mapping leaves its first part written in Linux.
 */
function checkRange(mm: MmState, uptr: number, length: number): void {
  if (!mm.alive) fail('EFAULT', `user access: mm ${mm.id} is gone`);
  if (!Number.isSafeInteger(uptr) || !Number.isSafeInteger(length) || uptr < 0 || length < 0)
    fail('EFAULT', `user access: bad range ${uptr} +${length}`);
}

/** The mapping at addr, EFAULT if none (or read-only for a write). */
function vmaAt(mm: MmState, addr: number, write: boolean): Vma {
  const v = mm.findVma(addr);
  if (v === null) fail('EFAULT', `user access: no mapping at ${addr}`, { uptr: addr });
  if (write && v.readOnly) fail('EFAULT', `user access: write to read-only mapping at ${addr}`, { uptr: addr });
  return v;
}

/** copy_from_user: CPU reads of the process's memory (faults pages in). */
export function copyFromUser(
  mm: MmState,
  uptr: number,
  dst: Uint8Array,
  dstOffset: number,
  length: number,
): void {
  checkRange(mm, uptr, length);
  let done = 0;
  while (done < length) {
    const addr = uptr + done;
    const vpn = Math.floor(addr / PAGE_SIZE);
    const off = addr - vpn * PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, length - done);
    const vma = vmaAt(mm, addr, false);
    let e = mm.pt.get(vpn);
    if (e === 0) {
      e = handleMmFault(mm, vma, vpn, FAULT_READ);
      if (e <= 0) fail('EFAULT', `user access: fault at ${addr} failed`, { uptr: addr });
    }
    mm.phys.contents.read(ptePfn(e), off, dst, dstOffset + done, n);
    done += n;
  }
}

/** copy_to_user: CPU writes to the process's memory (faults in, breaks copy-on-write, dirties). */
export function copyToUser(
  mm: MmState,
  uptr: number,
  src: Uint8Array,
  srcOffset: number,
  length: number,
): void {
  checkRange(mm, uptr, length);
  let done = 0;
  while (done < length) {
    const addr = uptr + done;
    const vpn = Math.floor(addr / PAGE_SIZE);
    const off = addr - vpn * PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, length - done);
    let e = mm.pt.get(vpn);
    const vma = vmaAt(mm, addr, true);
    if (needsFault(vma, e, FAULT_WRITE)) {
      e = handleMmFault(mm, vma, vpn, FAULT_WRITE);
      if (e <= 0) fail('EFAULT', `user access: fault at ${addr} failed`, { uptr: addr });
    }
    mm.phys.writeFrame(ptePfn(e), off, src, srcOffset + done, n);
    done += n;
  }
}
