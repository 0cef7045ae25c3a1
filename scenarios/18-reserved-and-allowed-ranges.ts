/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 18 — Reserved and allowed IOVA ranges
 *
 * WHAT IT TEACHES
 *   An io_pagetable has two more interval trees besides the areas:
 *   - reserved_itree: IOVA that may never be mapped (device reserved regions,
 *     the outside of a domain's aperture, the selftest's ADD_RESERVED);
 *   - allowed_itree (IOAS_ALLOW_IOVAS): where the AUTOMATIC allocator may
 *     place areas; a fixed IOVA ignores it.
 *   They may not intersect each other (EADDRINUSE either way), nor may a
 *   reservation cover an existing area. IOAS_IOVA_RANGES reports the
 *   complement of the reserved ranges (EMSGSIZE with the real count when the
 *   caller's array is too small). Attaching a mock domain reserves everything
 *   outside [16 MiB, 2 GiB) and sets the alignment to its 2 KiB IO page.
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.c: iopt_reserve_iova, iopt_remove_reserved_iova,
 *                   iopt_set_allow_iova, iopt_alloc_iova (allowed spans),
 *                   iopt_check_iova, iopt_table_add_domain (aperture reservations)
 *   ioas.c:         iommufd_ioas_iova_ranges, iommufd_ioas_allow_iovas
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   The errno of each refused call, and the IOVAs chosen inside the allowed
 *   window (logged).
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const KiB = 1024;
const MiB = 1024 * KiB;

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function expectErrno(errno: LabErrno, what: string, fn: () => void): LabError {
  try {
    fn();
  } catch (e) {
    const err = e as Partial<LabError> | null;
    if (err?.errno !== errno) throw e;
    lab.log(`${what}: ${errno} as expected`);
    return e as LabError;
  }
  throw new Error(`${what}: expected ${errno}, but the call succeeded`);
}

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const buf = lab.process.mmap(4 * MiB, { align: 2 * MiB });

lab.mark('reserve [1 MiB, 2 MiB): IOVA_RANGES reports two ranges');
ioas.addReserved(MiB, MiB);
const r = ioas.iovaRanges();
expect('number of ranges', r.ranges.length, 2);
expect('range 0 last', r.ranges[0].last, BigInt(MiB - 1));
expect('range 1 start', r.ranges[1].start, BigInt(2 * MiB));
expect('range 1 last', r.ranges[1].last, lab.U64_MAX);
const tooSmall = expectErrno('EMSGSIZE', 'IOVA_RANGES with room for one range', () => {
  ioas.iovaRanges(1);
});
const detail = tooSmall.detail as { numIovas: number; ranges: IovaRange[] } | undefined;
expect('EMSGSIZE detail: numIovas', detail?.numIovas, 2);
expect('EMSGSIZE detail: ranges returned', detail?.ranges.length, 1);

lab.mark('mapping around the reservation');
expectErrno('EINVAL', 'fixed IOVA inside the reserved range', () => {
  ioas.map(buf, 64 * KiB, { iova: MiB + 0x8000 });
});
const big = ioas.map(buf, 2 * MiB);
lab.log(
  `2 MiB automatic: 0x${big.toString(16)} (the 1 MiB hole below the reservation is too small at 2 MiB alignment)`,
);
expect('2 MiB automatic IOVA', big, BigInt(2 * MiB));
expectErrno('EADDRINUSE', 'reserve over an existing area', () => {
  ioas.addReserved(3 * MiB, 4 * KiB);
});

lab.mark('allowed ranges steer the automatic allocator');
const WIN = 0x10000000n; // 256 MiB
ioas.allowIovas([{ start: WIN, last: WIN + BigInt(MiB) - 1n }]);
const inWin = ioas.map(buf, 64 * KiB);
expect('automatic IOVA inside the allowed window', inWin, WIN);
const inWin2 = ioas.map(buf, 64 * KiB);
expect('next automatic IOVA inside the allowed window', inWin2, WIN + 0x10000n);
expectErrno('ENOSPC', 'an automatic 2 MiB map that does not fit the 1 MiB window', () => {
  ioas.map(buf, 2 * MiB);
});
const fixed = ioas.map(buf, 64 * KiB, { iova: 0x400000 });
expect('a fixed IOVA ignores the allowed list', fixed, 0x400000n);
expectErrno('EADDRINUSE', 'an allowed range that intersects the reservation', () => {
  ioas.allowIovas([{ start: MiB, last: 2 * MiB - 1 }]);
});
expectErrno('EADDRINUSE', 'a reservation inside the allowed window', () => {
  ioas.addReserved(WIN + 0x80000n, 4 * KiB);
});
// The failed allowIovas swapped the old list back: the window still steers.
const inWin3 = ioas.map(buf, 64 * KiB);
expect('the old allowed list survived the failed replacement', inWin3, WIN + 0x20000n);
ioas.allowIovas([]);

lab.mark('a mock domain reserves everything outside its aperture');
const ioas2 = ctx.ioasAlloc();
ioas2.allowIovas([{ start: 0x1000, last: 0xfffff }]);
expectErrno('EADDRINUSE', 'attach a mock domain while an allowed range lies below its aperture', () => {
  ioas2.attachDomain();
});
ioas2.allowIovas([]);
const dom = ioas2.attachDomain();
const r2 = ioas2.iovaRanges();
expect('ranges with a mock domain', r2.ranges.length, 1);
expect('aperture start', r2.ranges[0].start, lab.MOCK_APERTURE_START);
expect('aperture last', r2.ranges[0].last, lab.MOCK_APERTURE_LAST);
expect('alignment = mock IO page size', r2.alignment, BigInt(lab.MOCK_PAGE_SIZE));
expectErrno('EINVAL', 'fixed IOVA below the aperture', () => {
  ioas2.map(buf, 64 * KiB, { iova: 0x100000 });
});
dom.detach();
expect('ranges after the detach', ioas2.iovaRanges().ranges.length, 1);
expect('alignment after the detach', ioas2.iovaRanges().alignment, 1n);
expect('range start after the detach', ioas2.iovaRanges().ranges[0].start, 0n);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, 4 * MiB, 0);
lab.log('ok: reserved and allowed ranges exclude each other and steer allocation');
