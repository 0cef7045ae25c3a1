/**
 * Unmapping (IOMMUFD-ALGORITHMS.md §9.4, with the later retry limit): not
 * atomic. Areas fully inside the range go one by one in IOVA order; an area
 * that straddles the range stops the call with ENOENT after the earlier ones
 * are gone (detail.unmapped reports them). An area with access pins is
 * marked prevent_access, every attached access is told to unmap it, and the
 * walk restarts at that area — up to 100 retries, then EDEADLOCK.
 */
import { fail, isLabError, ULONG_MAX } from '../../base';
import { unfillDomains } from '../pages';
import type { IoPagetableState } from './io-pagetable-state';

/** Notifications of one area before giving up (the kernel's `tries > 100`). */
export const UNMAP_MAX_TRIES = 100;

function hex(x: bigint): string {
  return '0x' + x.toString(16);
}

/** iommufd_access_notify_unmap: ops->unmap on every attached access. */
export function notifyUnmap(iopt: IoPagetableState, iova: bigint, length: bigint): void {
  // a copy: an access's unmap callback may detach it (spreading even an empty list is slow under lockdown)
  if (iopt.accessList.length === 0) return;
  for (const access of iopt.accessList.slice()) access.notifyUnmap(iova, length);
}

type StopErrno = 'ENOENT' | 'EBUSY' | 'EDEADLOCK';

/** unmapRange's error: with the bytes unmapped before it (module level: no function made per call). */
function stopUnmap(errno: StopErrno, msg: string, unmapped: bigint): never {
  return fail(errno, unmapped === 0n ? msg : `${msg} (${hex(unmapped)} bytes were unmapped before)`, {
    unmapped,
  });
}

/**
 * iopt_unmap_iova_range: returns bytes unmapped; throws ENOENT when nothing
 * was there or an area straddles the range, EBUSY on a busy area, EDEADLOCK
 * when an access keeps its pins. Thrown errors carry detail { unmapped }.
 */
export function unmapRange(iopt: IoPagetableState, start: bigint, last: bigint): bigint {
  let unmapped = 0n;
  let tries = 0;
  for (;;) {
    const n = iopt.areaItree.iterFirst(start, last);
    if (n === null) break;
    const area = n.value;
    const areaFirst = area.iova;
    const areaLast = area.lastIova;
    if (area.pages === null) stopUnmap('EBUSY', `the area at ${hex(areaFirst)} is busy`, unmapped);
    if (areaFirst < start || areaLast > last)
      stopUnmap(
        'ENOENT',
        `the area [${hex(areaFirst)}, ${hex(areaLast)}] is not fully inside the range [${hex(start)}, ${hex(last)}]; unmap cannot cut an area`,
        unmapped,
      );
    if (areaFirst !== start) tries = 0;
    if (area.numAccesses !== 0) {
      start = areaFirst;
      area.preventAccess = true;
      notifyUnmap(iopt, areaFirst, area.length);
      tries++;
      if (tries > UNMAP_MAX_TRIES) {
        iopt.kernel.events.probe(
          'io_pagetable',
          `unmap of [${hex(areaFirst)}, ${hex(areaLast)}]: an access did not release its pins after ${UNMAP_MAX_TRIES} notifications`,
        );
        stopUnmap(
          'EDEADLOCK',
          `the area [${hex(areaFirst)}, ${hex(areaLast)}] is still pinned by an access after ${UNMAP_MAX_TRIES} unmap notifications`,
          unmapped,
        );
      }
      continue;
    }
    const pages = area.pages;
    if (pages === null) return stopUnmap('EBUSY', `the area at ${hex(areaFirst)} is busy`, unmapped);
    area.pages = null;
    unfillDomains(area, pages);
    iopt.areaRemove(area);
    pages.put();
    unmapped += areaLast - areaFirst + 1n;
  }
  if (unmapped === 0n) fail('ENOENT', `no mapped area in [${hex(start)}, ${hex(last)}]`, { unmapped });
  return unmapped;
}

/** iopt_unmap_iova */
export function unmapIova(iopt: IoPagetableState, iova: bigint, length: bigint): bigint {
  if (length === 0n) fail('EINVAL', 'length must be non-zero');
  const last = iova + length - 1n;
  if (last > ULONG_MAX) fail('EOVERFLOW', `iova ${hex(iova)} + length ${hex(length)} overflows`);
  return unmapRange(iopt, iova, last);
}

/** iopt_unmap_all: "nothing mapped" is success. */
export function unmapAll(iopt: IoPagetableState): bigint {
  try {
    return unmapRange(iopt, 0n, ULONG_MAX);
  } catch (e) {
    if (isLabError(e) && e.errno === 'ENOENT') return 0n;
    throw e;
  }
}
