/**
 * The IOVA space of a naive or vfio-type1 IOAS: the mappings (vfio's
 * dma_list), the reserved ranges (domain apertures, test reservations) and
 * the automatic IOVA allocator. The allocator is iommufd's first fit
 * (io-pagetable/alloc-iova.ts's alignment rules) without the allowed list,
 * so that a scenario gets the same IOVAs under every strategy; VFIO itself
 * only takes fixed IOVAs (the user picks them).
 */
import { fail, PAGE_SIZE, ULONG_MAX, U64_MAX } from '../../base';
import { DoubleSpanIter, IntervalTree, SpanIter } from '../ds';
import { allocAlignment, checkRange } from '../io-pagetable/alloc-iova';
import type { Mapping } from './types';

const PAGE = BigInt(PAGE_SIZE);

function hex(x: bigint): string {
  return '0x' + x.toString(16);
}

export class IovaSpace {
  readonly maps = new IntervalTree<bigint, Mapping>();
  readonly reserved = new IntervalTree<bigint, { owner: object | null }>();

  /** Mappings intersecting [start, last], in IOVA order. */
  inRange(start = 0n, last = U64_MAX): Mapping[] {
    const out: Mapping[] = [];
    for (let n = this.maps.iterFirst(start, last); n !== null; n = this.maps.iterNext(n, start, last))
      out.push(n.value);
    return out;
  }

  insert(m: Mapping): void {
    m.node = this.maps.insert(m.iova, m.last, m);
  }

  remove(m: Mapping): void {
    if (m.node !== null) this.maps.remove(m.node);
    m.node = null;
  }

  /** iopt_check_iova for a fixed IOVA. */
  checkFixed(iova: bigint, length: bigint, alignment: number): void {
    if (iova % BigInt(alignment) !== 0n)
      fail('EINVAL', `iova ${hex(iova)} is not aligned to the IOAS alignment ${alignment}`);
    const last = iova + length - 1n;
    if (last > ULONG_MAX) fail('EOVERFLOW', `iova ${hex(iova)} + length ${hex(length)} overflows`);
    const r = this.reserved.iterFirst(iova, last);
    if (r !== null)
      fail(
        'EINVAL',
        `iova range [${hex(iova)}, ${hex(last)}] intersects the reserved range [${hex(r.start)}, ${hex(r.last)}]`,
      );
    const m = this.maps.iterFirst(iova, last);
    if (m !== null)
      fail(
        'EEXIST',
        `iova range [${hex(iova)}, ${hex(last)}] overlaps the mapping [${hex(m.start)}, ${hex(m.last)}]`,
      );
  }

  /** First fit over the holes of reserved ∪ mappings in [PAGE_SIZE, ULONG_MAX − PAGE_SIZE]. */
  alloc(addr: number, length: bigint, alignment: number): bigint {
    if (length >= ULONG_MAX / 2n)
      fail('EOVERFLOW', `length ${length} is too large for automatic IOVA allocation`);
    const align = allocAlignment(addr, length);
    if (align < BigInt(alignment))
      fail('EINVAL', `automatic IOVA alignment ${align} is below the IOAS alignment ${alignment}`);
    const used = new DoubleSpanIter<bigint>();
    for (used.first(this.reserved, this.maps, PAGE, ULONG_MAX - PAGE); !used.done(); used.next()) {
      if (used.isUsed !== 0) continue;
      const at = checkRange(used.startHole, used.lastHole, length, align, 0n);
      if (at !== null) return at;
    }
    return fail('ENOSPC', `no free IOVA hole for length ${length} with alignment ${align}`);
  }

  /** Reserve [start, last] for owner; EADDRINUSE over a mapping. */
  reserve(start: bigint, last: bigint, owner: object | null): void {
    const m = this.maps.iterFirst(start, last);
    if (m !== null)
      fail(
        'EADDRINUSE',
        `reserved range [${hex(start)}, ${hex(last)}] intersects the mapping [${hex(m.start)}, ${hex(m.last)}]`,
      );
    this.reserved.insert(start, last, { owner });
  }

  unreserve(owner: object | null): void {
    const doomed = [];
    for (const n of this.reserved) if (n.value.owner === owner) doomed.push(n);
    for (const n of doomed) this.reserved.remove(n);
  }

  /** IOVA_RANGES: the holes of the reserved ranges. */
  ranges(): { start: bigint; last: bigint }[] {
    const out: { start: bigint; last: bigint }[] = [];
    const span = new SpanIter<bigint>();
    for (span.first(this.reserved, 0n, U64_MAX); !span.done(); span.next())
      if (span.isHole === 1) out.push({ start: span.startHole, last: span.lastHole });
    return out;
  }
}
