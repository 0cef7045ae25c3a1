/**
 * Reserved and allowed IOVA ranges (IOMMUFD-ALGORITHMS.md §9.7).
 *
 * Reserved ranges may never be mapped; allowed ranges may never become
 * reserved and restrict automatic IOVA allocation. Every reserved node has an
 * owner (a domain for its aperture, null for the ADD_RESERVED test op).
 */
import { fail, U64_MAX } from '../../base';
import { IntervalTree, SpanIter } from '../ds';
import type { IoPagetableState, ReservedOwner } from './io-pagetable-state';

export interface IovaRangeIn {
  start: bigint;
  last: bigint;
}

function hex(x: bigint): string {
  return '0x' + x.toString(16);
}

/** iopt_reserve_iova: EADDRINUSE when an area or an allowed range intersects. */
export function reserveIova(iopt: IoPagetableState, start: bigint, last: bigint, owner: ReservedOwner): void {
  const area = iopt.areaItree.iterFirst(start, last);
  if (area !== null)
    fail(
      'EADDRINUSE',
      `reserved range [${hex(start)}, ${hex(last)}] intersects the mapped area [${hex(area.start)}, ${hex(area.last)}]`,
    );
  const allowed = iopt.allowedItree.iterFirst(start, last);
  if (allowed !== null)
    fail(
      'EADDRINUSE',
      `reserved range [${hex(start)}, ${hex(last)}] intersects the allowed range [${hex(allowed.start)}, ${hex(allowed.last)}]`,
    );
  if (iopt.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_reserved allocation failed');
  iopt.reservedItree.insert(start, last, { owner });
}

/** __iopt_remove_reserved_iova: drop every reserved node owned by `owner`. */
export function removeReservedIova(iopt: IoPagetableState, owner: ReservedOwner): void {
  const doomed = [];
  for (const n of iopt.reservedItree) if (n.value.owner === owner) doomed.push(n);
  for (const n of doomed) {
    iopt.reservedItree.remove(n);
    iopt.coverageShrunk(n.start);
  }
}

/**
 * IOAS_ALLOW_IOVAS: build the new allowed tree (iommufd_ioas_load_iovas:
 * start >= last → EINVAL, overlap → EINVAL), then iopt_set_allow_iova: swap
 * it in, swap back with EADDRINUSE when an allowed range hits a reserved one.
 */
export function setAllowIova(iopt: IoPagetableState, ranges: IovaRangeIn[]): void {
  const tree = new IntervalTree<bigint, null>();
  ranges.forEach((r, i) => {
    if (r.start >= r.last)
      fail('EINVAL', `ranges[${i}]: start ${hex(r.start)} must be below last ${hex(r.last)}`);
    const other = tree.iterFirst(r.start, r.last);
    if (other !== null)
      fail(
        'EINVAL',
        `ranges[${i}] [${hex(r.start)}, ${hex(r.last)}] overlaps the earlier range [${hex(other.start)}, ${hex(other.last)}]`,
      );
    // iommufd_ioas_load_iovas: each node is allocated after its range is checked
    if (iopt.kernel.faults.shouldFail('kzalloc')) fail('ENOMEM', 'iopt_allowed allocation failed');
    tree.insert(r.start, r.last, null);
  });
  for (const a of tree) {
    const resv = iopt.reservedItree.iterFirst(a.start, a.last);
    if (resv !== null)
      fail(
        'EADDRINUSE',
        `allowed range [${hex(a.start)}, ${hex(a.last)}] intersects the reserved range [${hex(resv.start)}, ${hex(resv.last)}]`,
      );
  }
  iopt.allowedItree = tree;
}

/** IOMMU_IOAS_IOVA_RANGES: the holes of reserved_itree over [0, U64_MAX]. */
export function iovaRanges(iopt: IoPagetableState): { start: bigint; last: bigint }[] {
  const out: { start: bigint; last: bigint }[] = [];
  const span = new SpanIter<bigint>();
  for (span.first(iopt.reservedItree, 0n, U64_MAX); !span.done(); span.next())
    if (span.isHole === 1) out.push({ start: span.startHole, last: span.lastHole });
  return out;
}
