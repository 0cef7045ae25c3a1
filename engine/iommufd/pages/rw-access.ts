/**
 * iopt_pages_rw_access (IOMMUFD-ALGORITHMS.md §7.8): a CPU copy to or from a
 * byte range of the pages without a persistent access. Same mm (or a kthread
 * adopting it): a plain user copy. Another mm: one page is pinned, copied and
 * unpinned (rw_page); several pages go through the reader (rw_slow), whose
 * temporary pins are dropped batch by batch — net npinned change zero.
 */
import { fail, PAGE_SIZE } from '../../base';
import type { Process } from '../../mm';
import type { IoptPages } from '../area-pages';
import { PfnReader } from './pfn-reader';

export interface RwFlags {
  write: boolean;
  /** IOMMUFD_ACCESS_RW_SLOW_PATH (test builds): force change_mm. */
  slowPath: boolean;
  /** IOMMUFD_ACCESS_RW_KTHREAD */
  kthread?: boolean;
}

/** iopt_pages_rw_slow */
function rwSlow(
  pages: IoptPages,
  startIndex: number,
  lastIndex: number,
  offset: number,
  data: Uint8Array,
  dataOffset: number,
  length: number,
  write: boolean,
  current: Process,
): void {
  const reader = PfnReader.first(pages, current, startIndex, lastIndex);
  try {
    let off = offset;
    let pos = dataOffset;
    let left = length;
    while (!reader.done()) {
      const done = reader.batch.rw(pages.phys, data, pos, off, left, write);
      pos += done;
      left -= done;
      off = 0;
      reader.unpin();
      reader.next();
    }
    if (left !== 0) {
      pages.kernel.warn('pages', 'rw_slow did not copy everything');
      fail('EINVAL', 'rw_slow short copy');
    }
  } finally {
    reader.destroy();
  }
}

/** iopt_pages_rw_page: pin one page of the source mm remotely, copy, unpin. */
function rwPage(
  pages: IoptPages,
  index: number,
  offset: number,
  data: Uint8Array,
  dataOffset: number,
  length: number,
  write: boolean,
  current: Process,
): void {
  const mm = pages.sourceMm;
  if (!mm.tryGet()) {
    rwSlow(pages, index, index, offset, data, dataOffset, length, write, current);
    return;
  }
  try {
    if (pages.kernel.faults.shouldFail('rw_page')) fail('EINVAL', 'rw_page failed (injected)');
    const one = new Uint32Array(1);
    const rc = mm.pinUserPages(pages.uptr + index * PAGE_SIZE, 1, write, one, 0);
    if (rc !== 1) fail('EFAULT', 'rw_page could not pin the page');
    if (write) pages.phys.writeFrame(one[0], offset, data, dataOffset, length);
    else pages.phys.readFrame(one[0], offset, data, dataOffset, length);
    pages.phys.unpinRange(one[0], 1, write);
  } finally {
    mm.put();
  }
}

/** iopt_pages_rw_access */
export function rwAccess(
  pages: IoptPages,
  startByte: number,
  data: Uint8Array,
  dataOffset: number,
  length: number,
  flags: RwFlags,
  current: Process,
): void {
  if (length === 0) return;
  if (!Number.isSafeInteger(startByte) || startByte < 0 || startByte + length > pages.npages * PAGE_SIZE)
    fail('EINVAL', 'rw range outside the pages');
  if (dataOffset < 0 || dataOffset + length > data.length) fail('EINVAL', 'rw buffer too small');
  const startIndex = Math.floor(startByte / PAGE_SIZE);
  const lastIndex = Math.floor((startByte + length - 1) / PAGE_SIZE);
  const offset = startByte % PAGE_SIZE;
  const write = flags.write;
  if (write && !pages.writable) fail('EPERM', 'write to read-only pages');
  const changeMm = current.mm !== pages.sourceMm || flags.slowPath;

  if (flags.kthread !== true && changeMm) {
    if (startIndex === lastIndex) rwPage(pages, startIndex, offset, data, dataOffset, length, write, current);
    else rwSlow(pages, startIndex, lastIndex, offset, data, dataOffset, length, write, current);
    pages.kernel.counters.rwBytes += length;
    return;
  }

  const mm = pages.sourceMm;
  let ref = false;
  if (changeMm) {
    if (!mm.tryGet()) {
      rwSlow(pages, startIndex, lastIndex, offset, data, dataOffset, length, write, current);
      pages.kernel.counters.rwBytes += length;
      return;
    }
    ref = true;
  }
  try {
    if (write) mm.copyToUser(pages.uptr + startByte, data, dataOffset, length);
    else mm.copyFromUser(pages.uptr + startByte, data, dataOffset, length);
  } finally {
    if (ref) mm.put();
  }
  pages.kernel.counters.rwBytes += length;
}
