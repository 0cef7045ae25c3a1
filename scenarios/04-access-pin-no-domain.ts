/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 04 — An in-kernel access pins pages of an IOAS without domains (fill_xarray)
 *
 * WHAT IT TEACHES
 *   An access (think: a mediated device driver) pins IOVA ranges with
 *   iommufd_access_pin_pages → iopt_area_add_access → iopt_pages_fill_xarray.
 *   With no domain, the double span over (access_itree, domains_itree) finds
 *   holes only, so the pages are pinned from the mm (pfn_reader_user_pin) and
 *   their PFNs are stored in the pinned_pfns xarray — the xarray is the
 *   storage tier for every index an access covers (objective 3).
 *   - Pinning exactly the same range again only bumps the access node's
 *     `users` (iopt_pages_fill_from_xarray: no pins, no stores).
 *   - An overlapping range is a new node: the overlap is copied from the
 *     xarray (is_used 1), the rest is a hole pinned from the mm.
 *   - The `uptr` check (ACCESS_PAGES compares the returned pages) fails with
 *     EBADE when the frames differ, and leaves nothing behind.
 *   - needs_pin_pages raises the IOAS alignment to PAGE_SIZE.
 *
 * KERNEL FUNCTIONS
 *   device.c (access API): iommufd_access_pin_pages / unpin_pages
 *   pages.c: iopt_area_add_access, iopt_pages_fill_xarray,
 *            iopt_pages_fill_from_xarray, pages_to_xarray, batch_from_xarray,
 *            iopt_area_remove_access, iopt_pages_unfill_xarray
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "pin A": pagesPinned 16, xarrayStores 16. "pin A again": nothing.
 *   "pin B (overlap)": pagesPinned 8, xarrayStores 8.
 *   "close access": pagesUnpinned 24, xarrayErases 24.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const LEN = 64 * PAGE; // 256 KiB

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

function measured<T>(label: string, fn: () => T): { r: T; c: Counters } {
  let r: T | undefined;
  const c = lab.measure(label, () => {
    r = fn();
  });
  return { r: r as T, c };
}

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const buf = lab.process.mmap(LEN);
const iova = ioas.map(buf, LEN);
lab.checkRefs(buf, LEN, 0);

lab.mark('create an access that needs pin_pages: alignment becomes PAGE_SIZE');
expect('IOAS alignment before the access', ioas.iovaRanges().alignment, 1n);
const access = ctx.createAccess(ioas, { needsPinPages: true });
expect('IOAS alignment with a pinning access', ioas.iovaRanges().alignment, BigInt(PAGE));

lab.mark('pin A = pages [0,15]: holes, pinned from the mm into the xarray');
const { r: itemA, c: pA } = measured('pin A [0,15]', () => access.pin(iova, 16 * PAGE, { uptr: buf }));
expect('pin A: pages pinned', pA.pagesPinned, 16);
expect('pin A: xarray stores', pA.xarrayStores, 16);
expect('pin A: iommu_map calls', pA.iommuMapCalls, 0);
lab.checkRefs(buf, 16 * PAGE, 1);
lab.checkRefs(buf + 16 * PAGE, LEN - 16 * PAGE, 0);
expect('user locked_vm after pin A', lab.process.accounting().userLockedVm, 16);

lab.mark('pin A again: same [start,last] node, users++, served from the xarray');
const { c: pA2 } = measured('pin A again', () => access.pin(iova, 16 * PAGE));
expect('pin A again: pages pinned', pA2.pagesPinned, 0);
expect('pin A again: xarray stores', pA2.xarrayStores, 0);
lab.checkRefs(buf, 16 * PAGE, 1);

lab.mark('pin B = pages [8,23]: overlap from the xarray, the rest from the mm');
const { c: pB } = measured('pin B [8,23]', () => access.pin(iova + BigInt(8 * PAGE), 16 * PAGE));
expect('pin B: pages pinned (only [16,23])', pB.pagesPinned, 8);
expect('pin B: xarray stores (only [16,23])', pB.xarrayStores, 8);
lab.checkRefs(buf, 24 * PAGE, 1);
lab.checkRefs(buf + 24 * PAGE, LEN - 24 * PAGE, 0);
expect('user locked_vm after pin B', lab.process.accounting().userLockedVm, 24);

lab.mark('pin with a wrong uptr: EBADE, nothing left behind');
expectErrno('EBADE', 'pin page 0 claiming it is the frame behind buf + 1 page', () => {
  access.pin(iova, PAGE, { uptr: buf + PAGE });
});
expect('items held by the access', access.items.length, 3);
lab.checkRefs(buf, 24 * PAGE, 1);
expect(
  'pin A is among the items',
  access.items.some((it) => it.id === itemA.id),
  true,
);

lab.mark('close the access: every item unpinned, xarray emptied');
const { c: cl } = measured('close access', () => access.close());
expect('close: pages unpinned', cl.pagesUnpinned, 24);
expect('close: xarray erases', cl.xarrayErases, 24);
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
lab.log('ok: access pins land in the xarray, pinned once, shared by identical ranges');
