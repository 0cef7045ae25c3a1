import { fail, PAGE_SIZE } from '../base';
import { FAULT_READ, FAULT_WRITE, handleMmFault, needsFault } from './fault';
import type { MmState } from './mm-state';
import { ptePfn } from './page-table';

/**
 * Check that [uptr, uptr+length) is fully mapped (and writable when
 * writing) before touching anything, so a failed copy changes nothing.
 */
function accessOk(mm: MmState, uptr: number, length: number, write: boolean): void {
  if (!mm.alive) fail('EFAULT', `user access: mm ${mm.id} is gone`);
  if (!Number.isSafeInteger(uptr) || !Number.isSafeInteger(length) || uptr < 0 || length < 0)
    fail('EFAULT', `user access: bad range ${uptr} +${length}`);
  let addr = uptr;
  const end = uptr + length;
  while (addr < end) {
    const v = mm.findVma(addr);
    if (v === null) fail('EFAULT', `user access: no mapping at ${addr}`, { uptr: addr });
    if (write && v.readOnly)
      fail('EFAULT', `user access: write to read-only mapping at ${addr}`, { uptr: addr });
    addr = v.end;
  }
}

/** copy_from_user: CPU reads of the process's memory (faults pages in). */
export function copyFromUser(
  mm: MmState,
  uptr: number,
  dst: Uint8Array,
  dstOffset: number,
  length: number,
): void {
  accessOk(mm, uptr, length, false);
  let done = 0;
  while (done < length) {
    const addr = uptr + done;
    const vpn = Math.floor(addr / PAGE_SIZE);
    const off = addr - vpn * PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, length - done);
    let e = mm.pt.get(vpn);
    if (e === 0) {
      e = handleMmFault(mm, mm.findVma(addr)!, vpn, FAULT_READ);
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
  accessOk(mm, uptr, length, true);
  let done = 0;
  while (done < length) {
    const addr = uptr + done;
    const vpn = Math.floor(addr / PAGE_SIZE);
    const off = addr - vpn * PAGE_SIZE;
    const n = Math.min(PAGE_SIZE - off, length - done);
    let e = mm.pt.get(vpn);
    const vma = mm.findVma(addr)!;
    if (needsFault(vma, e, FAULT_WRITE)) {
      e = handleMmFault(mm, vma, vpn, FAULT_WRITE);
      if (e <= 0) fail('EFAULT', `user access: fault at ${addr} failed`, { uptr: addr });
    }
    mm.phys.writeFrame(ptePfn(e), off, src, srcOffset + done, n);
    done += n;
  }
}
