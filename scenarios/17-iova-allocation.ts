/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 17 — Automatic IOVA allocation, alignment and the area rules of IOAS_MAP/UNMAP
 *
 * WHAT IT TEACHES
 *   iopt_alloc_iova picks the first hole (in the double span of reserved
 *   ranges and areas, never IOVA 0) that fits the length at an alignment of
 *   min(roundup_pow_of_two(length), lowest set bit of the user address),
 *   capped at 2 MiB (HPAGE_SIZE, a later kernel fix against ALIGN overflow),
 *   and ORs in the user address's in-page offset — keeping IOVA and VA
 *   congruent so that large IOPTEs remain possible. Without domains or
 *   pinning accesses the IOAS alignment is 1 byte: even a 100-byte mapping at
 *   an odd address is allowed. A pinning access raises it to PAGE_SIZE, which
 *   fails (EADDRINUSE) while a misaligned area exists.
 *   Area rules: a fixed IOVA overlapping an area is EEXIST, wrapping past
 *   2^64 is EOVERFLOW, an unmap may not cut an area (ENOENT); unmap of
 *   (0, U64_MAX) removes everything and returns 0 when nothing is left.
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.c: iopt_alloc_iova, __alloc_iova_check_hole/range,
 *                   iopt_check_iova, iopt_map_user_pages, iopt_unmap_iova,
 *                   iopt_unmap_all, iopt_calculate_iova_alignment
 *   device.c:       iommufd_access_create / iopt_add_access
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   The IOVA returned by each map (logged): 0x10000, 0x100000, 0x1000,
 *   0x3123, 0x200000. Nothing is pinned at any point (no domain).
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const KiB = 1024;
const MiB = 1024 * KiB;

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function expectErrno(errno: LabErrno, what: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if ((e as Partial<LabError> | null)?.errno !== errno) throw e;
    lab.log(`${what}: ${errno} as expected`);
    return;
  }
  throw new Error(`${what}: expected ${errno}, but the call succeeded`);
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
// 4 MiB aligned: the lowest set bit of the address never limits the alignment below.
const buf = lab.process.mmap(8 * MiB, { align: 4 * MiB });

lab.mark('an empty IOAS without domains: all of IOVA space, alignment 1');
const r0 = ioas.iovaRanges();
expect('ranges', r0.ranges.length, 1);
expect('first range start', r0.ranges[0].start, 0n);
expect('first range last', r0.ranges[0].last, lab.U64_MAX);
expect('alignment', r0.alignment, 1n);

function autoMap(what: string, uptr: number, len: number, expected: bigint): bigint {
  const iova = ioas.map(uptr, len);
  lab.log(`${what}: IOVA ${hex(iova)}`);
  expect(`${what}: IOVA`, iova, expected);
  return iova;
}

lab.mark('automatic IOVAs: first fit at the natural alignment');
const a = autoMap('64 KiB at a 4 MiB aligned address (align 64 KiB)', buf, 64 * KiB, 0x10000n);
const b = autoMap('1 MiB (align 1 MiB: the hole below 64 KiB is too small)', buf, MiB, 0x100000n);
const c = autoMap(
  '8 KiB at buf + 0x3000 (the address limits align to 4 KiB)',
  buf + 0x3000,
  8 * KiB,
  0x1000n,
);
const d = autoMap('100 bytes at buf + 0x5123 (in-page offset 0x123 kept)', buf + 0x5123, 100, 0x3123n);
const e = autoMap('4 MiB (align capped at 2 MiB, not 4 MiB)', buf, 4 * MiB, 0x200000n);
lab.checkRefs(buf, 8 * MiB, 0); // no domain: nothing pinned

lab.mark('fixed IOVAs and unmap rules');
expectErrno('EEXIST', 'fixed IOVA overlapping the 64 KiB area', () => {
  ioas.map(buf, 64 * KiB, { iova: a });
});
expectErrno('EOVERFLOW', 'fixed IOVA that wraps past 2^64', () => {
  ioas.map(buf, 64 * KiB, { iova: lab.U64_MAX - 0xfffn });
});
expectErrno('ENOENT', 'unmap the first 64 KiB of the 1 MiB area (would cut it)', () => {
  ioas.unmap(b, 64 * KiB);
});
expectErrno('ENOENT', 'unmap a range with no area', () => {
  ioas.unmap(0x20000n, 0x1000n);
});

lab.mark('a pinning access needs PAGE_SIZE alignment: the 100-byte area blocks it');
expectErrno('EADDRINUSE', 'create a pinning access with a misaligned area present', () => {
  ctx.createAccess(ioas, { needsPinPages: true });
});
expect('alignment unchanged', ioas.iovaRanges().alignment, 1n);
expect('unmap the 100-byte area', ioas.unmap(d, 100), 100n);
const access = ctx.createAccess(ioas, { needsPinPages: true });
expect('alignment with a pinning access', ioas.iovaRanges().alignment, BigInt(PAGE));
expectErrno('EINVAL', '100 bytes at an odd address with PAGE_SIZE alignment', () => {
  ioas.map(buf + 0x5123, 100);
});
expectErrno('EINVAL', 'a 6 KiB length with PAGE_SIZE alignment', () => {
  ioas.map(buf, 6 * KiB);
});
access.close();
expect('alignment after the access is gone', ioas.iovaRanges().alignment, 1n);

lab.mark('unmap everything: (0, U64_MAX)');
const total = ioas.unmap(0, lab.U64_MAX);
expect('bytes unmapped by unmap-all', total, BigInt(64 * KiB + MiB + 8 * KiB + 4 * MiB));
expect('unmap-all of an empty IOAS', ioas.unmap(0, lab.U64_MAX), 0n);
lab.log(`areas were at ${[a, b, c, e].map(hex).join(', ')}`);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, 8 * MiB, 0);
lab.log('ok: IOVA allocation follows length, address alignment and page offset');
