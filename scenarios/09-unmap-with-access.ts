/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 09 — Unmap while an access holds pins
 *
 * WHAT IT TEACHES
 *   iopt_unmap_iova → unmap_range: an area with num_accesses != 0 cannot be
 *   destroyed. The kernel sets area->prevent_access, drops its locks and
 *   calls every attached access's ops->unmap (iommufd_access_notify_unmap).
 *   - A well-behaved driver ('unpin') unpins its items from the callback; the
 *     unmap retries and now succeeds: the xarray is emptied, the domain
 *     unmapped and every page unpinned.
 *   - A driver that ignores the callback ('ignore') keeps num_accesses > 0;
 *     after the retry limit the unmap fails with EDEADLOCK. The area is still
 *     there (still mapped in the domain, still pinned). Once the driver
 *     unpins, the unmap succeeds.
 *   Unmap that would cut an area in two is ENOENT, before any notification.
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.c: iopt_unmap_iova, iopt_unmap_iova_range (unmap_range)
 *   device.c:       iommufd_access_notify_unmap, iommufd_access_unpin_pages
 *   pages.c:        iopt_area_remove_access, iopt_pages_unfill_xarray,
 *                   iopt_area_unfill_domains
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "unmap, driver unpins": pagesUnpinned 16, xarrayErases 4, items → 0.
 *   "unmap, driver ignores": EDEADLOCK; pins and domain mapping unchanged.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const NPAGES = 16;
const LEN = NPAGES * PAGE;

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
const dom = ioas.attachDomain();
const buf = lab.process.mmap(LEN, { populate: true });

lab.mark("A. the driver honours the unmap notification ('unpin')");
const good = ctx.createAccess(ioas, { needsPinPages: true, onUnmap: 'unpin' });
const iovaA = ioas.map(buf, LEN);
good.pin(iovaA, 4 * PAGE);
expect('items before the unmap', good.items.length, 1);
lab.checkRefs(buf, LEN, 1);
expectErrno('ENOENT', 'unmap half of the area (would cut it)', () => {
  ioas.unmap(iovaA, LEN / 2);
});
expect('items after the refused cut', good.items.length, 1);
const { r: bytes, c: u } = measured('unmap, driver unpins', () => ioas.unmap(iovaA, LEN));
expect('bytes unmapped', bytes, BigInt(LEN));
expect('items after the notification', good.items.length, 0);
expect('pages unpinned', u.pagesUnpinned, NPAGES);
expect('xarray erases (the access copy)', u.xarrayErases, 4);
expect('domain mappedBytes', dom.stats().mappedBytes, 0);
lab.checkRefs(buf, LEN, 0);
good.close();

lab.mark("B. the driver ignores the notification ('ignore'): EDEADLOCK");
const bad = ctx.createAccess(ioas, { needsPinPages: true, onUnmap: 'ignore' });
const iovaB = ioas.map(buf, LEN);
const item = bad.pin(iovaB, 4 * PAGE);
expectErrno('EDEADLOCK', 'unmap while the driver keeps its pins', () => {
  ioas.unmap(iovaB, LEN);
});
expect('items after EDEADLOCK', bad.items.length, 1);
dom.checkMap(iovaB, LEN, buf);
lab.checkRefs(buf, LEN, 1);
expect('user locked_vm after EDEADLOCK', lab.process.accounting().userLockedVm, NPAGES);

lab.mark('the driver finally unpins: the unmap goes through');
bad.unpin(item);
expect('unmap after the driver unpinned', ioas.unmap(iovaB, LEN), BigInt(LEN));
lab.checkRefs(buf, LEN, 0);
bad.close();

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: unmap notifies accesses; an ignoring driver gets EDEADLOCK');
