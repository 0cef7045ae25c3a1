/**
 * iopt_alloc_iova (IOMMUFD-ALGORITHMS.md §9.3, with the 2025 ALIGN overflow
 * fix and the THP cap at HPAGE_SIZE of SCENARIO-API.md): first fit over the
 * allowed spans (or the whole window [PAGE_SIZE, ULONG_MAX - PAGE_SIZE] when
 * no range is allowed), then over the holes of reserved ∪ areas.
 */
import { fail, HPAGE_SIZE, PAGE_SIZE, ULONG_MAX } from '../../base';
import { DoubleSpanIter, SpanIter } from '../ds';
import type { IoPagetableState } from './io-pagetable-state';

const PAGE = BigInt(PAGE_SIZE);

const U32_TOP = 0x80000000n;

/** roundup_pow_of_two for a bigint >= 1. */
export function roundupPow2(x: bigint): bigint {
  // up to 2^31 with 32-bit integer math (one bigint made, not one per doubling)
  if (x <= U32_TOP) {
    const n = Number(x);
    return n <= 1 ? 1n : BigInt(2 ** (32 - Math.clz32(n - 1)));
  }
  let p = 1n;
  while (p < x) p <<= 1n;
  return p;
}

/** 1 << __ffs64(x), x != 0. */
function lowestSetBit(x: bigint): bigint {
  return x & -x;
}

/** The alignment the allocator will use for (addr, length), before the table check. */
export function allocAlignment(addr: number, length: bigint): bigint {
  let align: bigint;
  if (addr === 0) align = roundupPow2(length);
  else {
    const r = roundupPow2(length);
    const low = lowestSetBit(BigInt(addr));
    align = r < low ? r : low;
  }
  const max = BigInt(HPAGE_SIZE);
  if (align >= max) align = max;
  return align;
}

/**
 * __alloc_iova_check_range: the aligned start (with the page offset OR-ed
 * in) when [start, last] can hold `length` bytes, else null. The ALIGN is
 * overflow checked.
 */
export function checkRange(
  start: bigint,
  last: bigint,
  length: bigint,
  align: bigint,
  pageOffset: bigint,
): bigint | null {
  const sum = start + (align - 1n);
  if (sum > ULONG_MAX) return null;
  let aligned = sum & ~(align - 1n);
  aligned |= pageOffset;
  if (aligned >= last || last - aligned < length - 1n) return null;
  return aligned;
}

// The span iterators of allocIova / searchWindow, reused (an allocation never nests; first() resets them).
const allowedScratch = new SpanIter<bigint>();
const usedScratch = new DoubleSpanIter<bigint>();

/**
 * Returns the chosen IOVA. `addr` is the user address used as the alignment
 * hint (the first list element's uptr + start_byte).
 */
export function allocIova(iopt: IoPagetableState, addr: number, length: bigint): bigint {
  const pageOffset = BigInt(addr % PAGE_SIZE);
  if (length === 0n || length >= ULONG_MAX / 2n)
    fail('EOVERFLOW', `length ${length} is zero or too large for automatic IOVA allocation`);
  const align = allocAlignment(addr, length);
  if (align < BigInt(iopt.iovaAlignment))
    fail(
      'EINVAL',
      `automatic IOVA alignment ${align} (from length and user address 0x${addr.toString(16)}) is below the IOAS alignment ${iopt.iovaAlignment}`,
    );

  const winFirst = PAGE;
  const winLast = ULONG_MAX - PAGE;
  const allowedEmpty = iopt.allowedItree.isEmpty();
  const allowed = allowedScratch;
  for (allowed.first(iopt.allowedItree, winFirst, winLast); !allowed.done(); allowed.next()) {
    let wStart: bigint;
    let wLast: bigint;
    if (allowedEmpty) {
      wStart = winFirst;
      wLast = winLast;
    } else {
      if (allowed.isHole === 1) continue;
      wStart = allowed.startUsed;
      wLast = allowed.lastUsed;
    }
    // __alloc_iova_check_used: the window itself must fit; its start moves
    // to the aligned start, where the hole walk begins.
    const alignedStart = checkRange(wStart, wLast, length, align, pageOffset);
    if (alignedStart === null) {
      if (allowedEmpty) break;
      continue;
    }
    const found = searchWindow(iopt, alignedStart, wLast, length, align, pageOffset);
    if (found !== null) return found;
    if (allowedEmpty) break;
  }
  return fail('ENOSPC', `no free IOVA hole for length ${length} with alignment ${align}`);
}

function searchWindow(
  iopt: IoPagetableState,
  wStart: bigint,
  wLast: bigint,
  length: bigint,
  align: bigint,
  pageOffset: bigint,
): bigint | null {
  // Skip the prefix known to be fully covered: same holes, same first fit.
  const hint = iopt.coveredUpTo;
  const canLearn = wStart <= hint;
  let from = wStart;
  if (hint > from) from = hint;
  if (from > wLast) {
    if (canLearn && wLast + 1n > iopt.coveredUpTo) iopt.coveredUpTo = wLast + 1n;
    return null;
  }
  const used = usedScratch;
  let learned = !canLearn;
  for (used.first(iopt.reservedItree, iopt.areaItree, from, wLast); !used.done(); used.next()) {
    if (used.isUsed !== 0) continue;
    if (!learned) {
      iopt.coveredUpTo = used.startHole;
      learned = true;
    }
    const aligned = checkRange(used.startHole, used.lastHole, length, align, pageOffset);
    if (aligned !== null) return aligned;
  }
  if (!learned && wLast + 1n > iopt.coveredUpTo) iopt.coveredUpTo = wLast + 1n;
  return null;
}
