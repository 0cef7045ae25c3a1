/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 06 — Unpinning an access (unfill_xarray)
 *
 * WHAT IT TEACHES
 *   iopt_area_remove_access → iopt_pages_unfill_xarray walks the double span
 *   over (access_itree, domains_itree) of the released range, AFTER the access
 *   node was removed from access_itree:
 *   - is_used 2 (a domain holds it): only the xarray copy is dropped; the
 *     domain keeps the pin.
 *   - hole (nobody else holds it): batch_from_xarray_clear + batch_unpin: the
 *     page is really unpinned and the charge refunded (update_unpinned).
 *   - is_used 1 (another access still covers it): nothing happens.
 *   Releasing an item twice is ENOENT.
 *
 * KERNEL FUNCTIONS
 *   pages.c: iopt_area_remove_access, iopt_pages_unfill_xarray,
 *            batch_from_xarray_clear, clear_xarray, batch_unpin,
 *            iopt_pages_update_unpinned (update_unpinned)
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "unpin (domain holds)": xarrayErases 16, pagesUnpinned 0.
 *   "unpin (no domain)":   xarrayErases 16, pagesUnpinned 16.
 *   "unpin A while B overlaps": pagesUnpinned 8 — only [0,7].
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const NPAGES = 64;
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

lab.mark('A. with a domain: unpin drops the xarray copy, the domain keeps the pin');
const ioas1 = ctx.ioasAlloc();
ioas1.attachDomain();
const buf1 = lab.process.mmap(LEN, { populate: true });
const iova1 = ioas1.map(buf1, LEN);
const acc1 = ctx.createAccess(ioas1, { needsPinPages: true });
const item1 = acc1.pin(iova1, 16 * PAGE);
const { c: u1 } = measured('unpin (domain holds)', () => acc1.unpin(item1));
expect('domain case: xarray erases', u1.xarrayErases, 16);
expect('domain case: pages unpinned', u1.pagesUnpinned, 0);
lab.checkRefs(buf1, LEN, 1);
expectErrno('ENOENT', 'unpin the same item twice', () => acc1.unpin(item1));

lab.mark('B. without a domain: unpin really unpins');
const ioas2 = ctx.ioasAlloc();
const buf2 = lab.process.mmap(LEN, { populate: true });
const iova2 = ioas2.map(buf2, LEN);
const acc2 = ctx.createAccess(ioas2, { needsPinPages: true });
const locked0 = lab.process.accounting().userLockedVm;
const item2 = acc2.pin(iova2, 16 * PAGE);
expect('user locked_vm after the pin', lab.process.accounting().userLockedVm, locked0 + 16);
const { c: u2 } = measured('unpin (no domain)', () => acc2.unpin(item2));
expect('no-domain case: xarray erases', u2.xarrayErases, 16);
expect('no-domain case: pages unpinned', u2.pagesUnpinned, 16);
expect('user locked_vm refunded', lab.process.accounting().userLockedVm, locked0);
lab.checkRefs(buf2, LEN, 0);

lab.mark('C. two overlapping pins: releasing A keeps the overlap pinned for B');
const itemA = acc2.pin(iova2, 16 * PAGE); // [0,15]
const itemB = acc2.pin(iova2 + BigInt(8 * PAGE), 16 * PAGE); // [8,23]
lab.checkRefs(buf2, 24 * PAGE, 1);
const { c: uA } = measured('unpin A while B overlaps', () => acc2.unpin(itemA));
expect('unpin A: pages unpinned (only [0,7])', uA.pagesUnpinned, 8);
expect('unpin A: xarray erases (only [0,7])', uA.xarrayErases, 8);
lab.checkRefs(buf2, 8 * PAGE, 0);
lab.checkRefs(buf2 + 8 * PAGE, 16 * PAGE, 1);
const { c: uB } = measured('unpin B', () => acc2.unpin(itemB.id));
expect('unpin B: pages unpinned', uB.pagesUnpinned, 16);
lab.checkRefs(buf2, LEN, 0);
expect('items left', acc2.items.length, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf1, LEN, 0);
lab.checkRefs(buf2, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: unfill_xarray unpins only what nobody else holds');
