/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 23 — An access works in IOVA space: pins and copies that span two areas
 *
 * WHAT IT TEACHES
 *   iommufd_access_pin_pages / iommufd_access_rw walk the CONTIGUOUS areas of
 *   the IOVA range and handle each slice in its own iopt_pages. Two separate
 *   user buffers mapped back to back look like one range to the access:
 *   - one pin item can cover the end of one area and the start of the next
 *     (one access node in each iopt_pages, pinned once each);
 *   - a read crosses from one buffer into the other at byte granularity;
 *   - a gap in the range is ENOENT; a slice that does not start on a page
 *     boundary is EINVAL; a write pin of an IOMMU_READ-only area is EPERM.
 *   IOAS_UNMAP is not atomic across areas: unmapping a range that covers the
 *   first area and cuts the second removes the first, then fails with ENOENT
 *   (detail.unmapped says how much went).
 *
 * KERNEL FUNCTIONS
 *   device.c:       iommufd_access_pin_pages, iommufd_access_unpin_pages,
 *                   iommufd_access_rw (iopt_for_each_contig_area)
 *   pages.c:        iopt_area_add_access, iopt_area_remove_access,
 *                   iopt_pages_rw_access
 *   io_pagetable.c: iopt_unmap_iova (partial progress)
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "pin across the boundary": pagesPinned 2 (one page of each buffer).
 *   The failed unmap: ENOENT, yet the first area is gone.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const X = 0x100000n; // fixed IOVA of the first area

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function expectErrno(errno: LabErrno, what: string, fn: () => void): LabError {
  try {
    fn();
  } catch (e) {
    if ((e as Partial<LabError> | null)?.errno !== errno) throw e;
    lab.log(`${what}: ${errno} as expected`);
    return e as LabError;
  }
  throw new Error(`${what}: expected ${errno}, but the call succeeded`);
}

function measured<T>(label: string, fn: () => T): { r: T; c: Counters } {
  let r: T | undefined;
  const c = lab.measure(label, () => {
    r = fn();
  });
  return { r: r as T, c };
}

function filled(len: number, v: number): Uint8Array {
  return new Uint8Array(len).fill(v);
}

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const bufA = lab.process.mmap(2 * PAGE);
const bufB = lab.process.mmap(2 * PAGE);
lab.process.write(bufA, filled(2 * PAGE, 0xaa));
lab.process.write(bufB, filled(2 * PAGE, 0xbb));

lab.mark('two buffers, two areas, back to back in IOVA space');
ioas.map(bufA, 2 * PAGE, { iova: X });
ioas.map(bufB, 2 * PAGE, { iova: X + BigInt(2 * PAGE) });
const access = ctx.createAccess(ioas, { needsPinPages: true });

lab.mark('one pin item across the area boundary');
const { r: item, c: p } = measured('pin across the boundary', () => access.pin(X + BigInt(PAGE), 2 * PAGE));
expect('pages pinned', p.pagesPinned, 2);
expect('items', access.items.length, 1);
expect('pin count: A page 0', lab.pinCount(bufA), 0);
expect('pin count: A page 1', lab.pinCount(bufA + PAGE), 1);
expect('pin count: B page 0', lab.pinCount(bufB), 1);
expect('pin count: B page 1', lab.pinCount(bufB + PAGE), 0);

lab.mark('a read across the boundary sees both buffers');
const bytes = access.read(X + BigInt(2 * PAGE - 6), 12);
for (let i = 0; i < 12; i++) expect(`byte ${i}`, bytes[i], i < 6 ? 0xaa : 0xbb);

lab.mark('errors: gap, misaligned slice, write pin of a read-only area');
expectErrno('ENOENT', 'pin running past the second area into a gap', () => {
  access.pin(X + BigInt(3 * PAGE), 2 * PAGE);
});
expectErrno('EINVAL', 'pin starting mid-page', () => {
  access.pin(X + 100n, PAGE);
});
const bufC = lab.process.mmap(PAGE);
const iovaC = ioas.map(bufC, PAGE, { iova: X + 0x10000n, write: false });
expectErrno('EPERM', 'write pin of an IOMMU_READ-only area', () => {
  access.pin(iovaC, PAGE, { write: true });
});
const readPin = access.pin(iovaC, PAGE);
access.unpin(readPin);
lab.checkRefs(bufC, PAGE, 0);

lab.mark('release, then an unmap that covers A and cuts B');
access.unpin(item);
lab.checkRefs(bufA, 2 * PAGE, 0);
lab.checkRefs(bufB, 2 * PAGE, 0);
const err = expectErrno('ENOENT', 'unmap [A, half of B]', () => {
  ioas.unmap(X, 3 * PAGE);
});
const detail = err.detail as { unmapped?: bigint } | undefined;
if (detail?.unmapped !== BigInt(2 * PAGE)) throw err; // not the partial unmap we teach
lab.log(`the failed unmap had already removed ${String(detail.unmapped)} bytes (area A)`);
expectErrno('ENOENT', 'unmap A again', () => {
  ioas.unmap(X, 2 * PAGE);
});
expect('B is intact: read through the access', access.read(X + BigInt(2 * PAGE), 1)[0], 0xbb);

lab.mark('teardown');
ctx.close();
for (const b of [bufA, bufB]) lab.checkRefs(b, 2 * PAGE, 0);
lab.checkRefs(bufC, PAGE, 0);
lab.log('ok: accesses see IOVA space; unmap removes whole areas one by one');
