/**
 * A small, independent statement of the automatic IOVA placement rule of
 * IOMMUFD-ALGORITHMS.md §9.3 (current kernels, with the ALIGN() overflow fix
 * and the THP cap of SCENARIO-API.md), used by the tests to predict the exact
 * IOVA the kernel picks. First fit, lowest address first.
 */
import { HPAGE_SIZE, PAGE_SIZE, U64_MAX } from './fixture';

export interface Range {
  start: bigint;
  last: bigint;
}

const P = BigInt(PAGE_SIZE);
const HPAGE = BigInt(HPAGE_SIZE);

export function roundupPow2(x: bigint): bigint {
  let p = 1n;
  while (p < x) p <<= 1n;
  return p;
}

/** The alignment iopt_alloc_iova asks for, before the IOAS alignment check. */
export function autoAlignment(addr: bigint, length: bigint): bigint {
  let align = roundupPow2(length);
  if (addr !== 0n) {
    const low = addr & -addr;
    if (low < align) align = low;
  }
  return align > HPAGE ? HPAGE : align;
}

/** __alloc_iova_check_range: the adjusted start, or null when it does not fit. */
function fit(start: bigint, last: bigint, length: bigint, align: bigint, pageOffset: bigint): bigint | null {
  if (start + align - 1n > U64_MAX) return null;
  const aligned = ((start + align - 1n) & ~(align - 1n)) | pageOffset;
  if (aligned >= last || last - aligned < length - 1n) return null;
  return aligned;
}

/** Holes of [start, last] not covered by any of `used`. */
function holes(used: readonly Range[], start: bigint, last: bigint): Range[] {
  const sorted = used
    .filter((r) => r.last >= start && r.start <= last)
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  const out: Range[] = [];
  let cur = start;
  for (const r of sorted) {
    if (r.start > cur) out.push({ start: cur, last: r.start - 1n });
    if (r.last >= cur) {
      if (r.last >= last) return out;
      cur = r.last + 1n;
    }
  }
  if (cur <= last) out.push({ start: cur, last });
  return out;
}

/** Spans of [start, last] covered by `ranges` (merged when overlapping or adjacent). */
function covered(ranges: readonly Range[], start: bigint, last: bigint): Range[] {
  const out: Range[] = [];
  let cur = start;
  for (const h of holes(ranges, start, last)) {
    if (h.start > cur) out.push({ start: cur, last: h.start - 1n });
    cur = h.last + 1n;
  }
  if (cur <= last) out.push({ start: cur, last });
  return out;
}

/**
 * The IOVA iopt_alloc_iova returns for a map of `length` bytes from user
 * address `addr`, or the errno it fails with.
 */
export function predictAutoIova(opts: {
  addr: bigint;
  length: bigint;
  ioasAlignment: bigint;
  reserved: readonly Range[];
  areas: readonly Range[];
  allowed?: readonly Range[];
}): bigint | 'EINVAL' | 'ENOSPC' | 'EOVERFLOW' {
  const { addr, length } = opts;
  const pageOffset = addr % P;
  if (length === 0n || length >= U64_MAX / 2n) return 'EOVERFLOW';
  const align = autoAlignment(addr, length);
  if (align < opts.ioasAlignment) return 'EINVAL';
  const lo = P;
  const hi = U64_MAX - P;
  const windows =
    opts.allowed && opts.allowed.length ? covered(opts.allowed, lo, hi) : [{ start: lo, last: hi }];
  const used = [...opts.reserved, ...opts.areas];
  for (const w of windows) {
    const ws = fit(w.start, w.last, length, align, pageOffset);
    if (ws === null) continue;
    for (const h of holes(used, ws, w.last)) {
      const iova = fit(h.start, h.last, length, align, pageOffset);
      if (iova !== null) return iova;
    }
  }
  return 'ENOSPC';
}

/** What a mock domain reserves in its IOAS: everything outside [16 MiB, 2 GiB-1]. */
export const MOCK_RESERVED: readonly Range[] = [
  { start: 0n, last: 0x1000000n - 1n },
  { start: 0x80000000n, last: U64_MAX },
];
