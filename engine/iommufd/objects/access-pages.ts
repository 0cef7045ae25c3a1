/**
 * The in-kernel access API of device.c (IOMMUFD-ALGORITHMS.md §10):
 * iommufd_access_pin_pages / unpin_pages / rw over the contiguous areas of
 * the access's IOAS, with the later prot checks (EPERM).
 */
import { fail, PAGE_SIZE, ULONG_MAX } from '../../base';
import { IOMMU_READ, IOMMU_WRITE } from '../../iommu/types';
import type { Process } from '../../mm';
import type { IoptArea } from '../area-pages';
import { AreaContigIter } from '../io-pagetable/copy';
import type { IoPagetable } from '../io-pagetable/io-pagetable';
import { addAccess, removeAccess, rwAccess } from '../pages';

function hex(x: bigint): string {
  return '0x' + x.toString(16);
}

/** check_area_prot */
function checkAreaProt(area: IoptArea, write: boolean): boolean {
  return write ? (area.iommuProt & IOMMU_WRITE) !== 0 : (area.iommuProt & IOMMU_READ) !== 0;
}

/** iopt_area_contig_is_aligned */
function contigIsAligned(it: AreaContigIter): boolean {
  const area = it.area as IoptArea;
  if (area.startByte(it.curIova) % PAGE_SIZE !== 0) return false;
  if (!it.currentReachesEnd() && area.startByte(area.lastIova) % PAGE_SIZE !== PAGE_SIZE - 1) return false;
  return true;
}

function lastOf(iova: bigint, length: bigint): bigint {
  if (length === 0n) fail('EINVAL', 'length must be non-zero');
  const last = iova + length - 1n;
  if (last > ULONG_MAX) fail('EOVERFLOW', `iova ${hex(iova)} + length ${hex(length)} overflows`);
  return last;
}

/** Remove the access slices of [iova, last] (contiguous areas). */
function removeSlices(iopt: IoPagetable, iova: bigint, last: bigint): boolean {
  const it = new AreaContigIter(iopt, iova, last);
  for (let area = it.area; area !== null; area = it.next())
    removeAccess(area, area.iovaToIndex(it.curIova), area.iovaToIndex(it.sliceLast));
  return it.done();
}

/**
 * iommufd_access_pin_pages: pins [iova, iova + length) and writes one PFN
 * per page to `out`; all or nothing.
 */
export function accessPinPages(
  iopt: IoPagetable | null,
  iova: bigint,
  length: bigint,
  out: Uint32Array,
  write: boolean,
  current: Process,
): void {
  const last = lastOf(iova, length);
  if (iopt === null) fail('ENOENT', 'the access is not attached to an IOAS');
  const it = new AreaContigIter(iopt, iova, last);
  let outOff = 0;
  try {
    for (let area = it.area; area !== null; area = it.next()) {
      const index = area.iovaToIndex(it.curIova);
      const lastIndex = area.iovaToIndex(it.sliceLast);
      if (area.preventAccess)
        fail('EINVAL', `the area at ${hex(area.iova)} is being unmapped; new pins are refused`);
      if (!contigIsAligned(it))
        fail(
          'EINVAL',
          `[${hex(it.curIova)}, ${hex(it.sliceLast)}] does not cover whole pages of the area at ${hex(area.iova)}`,
        );
      if (!checkAreaProt(area, write))
        fail('EPERM', `the area at ${hex(area.iova)} is not mapped for ${write ? 'write' : 'read'}`);
      addAccess(area, index, lastIndex, out.subarray(outOff), write, current);
      outOff += lastIndex - index + 1;
    }
    if (!it.done())
      fail(
        'ENOENT',
        `[${hex(iova)}, ${hex(last)}] is not fully covered by contiguous mapped areas (gap at ${hex(it.curIova)})`,
      );
  } catch (e) {
    if (iova < it.curIova) removeSlices(iopt, iova, it.curIova - 1n);
    throw e;
  }
}

/** iommufd_access_unpin_pages: the caller passes exactly what it pinned. */
export function accessUnpinPages(iopt: IoPagetable | null, iova: bigint, length: bigint): void {
  if (iopt === null) return;
  if (length === 0n || iova + length - 1n > ULONG_MAX) {
    iopt.kernel.warn('access', 'unpin_pages with an empty or overflowing range');
    return;
  }
  if (!removeSlices(iopt, iova, iova + length - 1n))
    iopt.kernel.warn('access', 'unpin_pages range not fully mapped');
}

/** iommufd_access_rw: CPU copy through the IOAS, any byte granularity. */
export function accessRw(
  iopt: IoPagetable | null,
  iova: bigint,
  data: Uint8Array,
  length: number,
  flags: { write: boolean; slowPath: boolean },
  current: Process,
): void {
  const last = lastOf(iova, BigInt(length));
  if (iopt === null) fail('ENOENT', 'the access is not attached to an IOAS');
  const it = new AreaContigIter(iopt, iova, last);
  let off = 0;
  for (let area = it.area; area !== null; area = it.next()) {
    const bytes = Number(it.sliceLast - it.curIova + 1n);
    if (area.preventAccess) fail('EINVAL', `the area at ${hex(area.iova)} is being unmapped; access refused`);
    if (!checkAreaProt(area, flags.write))
      fail('EPERM', `the area at ${hex(area.iova)} is not mapped for ${flags.write ? 'write' : 'read'}`);
    rwAccess(
      area.pages as NonNullable<IoptArea['pages']>,
      area.startByte(it.curIova),
      data,
      off,
      bytes,
      flags,
      current,
    );
    off += bytes;
  }
  if (!it.done())
    fail(
      'ENOENT',
      `[${hex(iova)}, ${hex(last)}] is not fully covered by contiguous mapped areas (gap at ${hex(it.curIova)})`,
    );
}
