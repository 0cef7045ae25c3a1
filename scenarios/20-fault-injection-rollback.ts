/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 20 — Fault injection: every failure point rolls back (iommufd_fail_nth)
 *
 * WHAT IT TEACHES
 *   The kernel's iommufd_fail_nth selftest makes the n-th fallible step of an
 *   operation fail, for n = 1, 2, … until the operation completes, and checks
 *   that each failure left nothing behind. This scenario does the same from
 *   inside, with lab.failNth(n) and lab.faultConsumed(), for four operations,
 *   with a 32-byte temp memory limit (2-run batches, 4-page pin chunks) so
 *   that there are many steps to fail:
 *   1. IOAS_MAP into two domains — iopt_area_fill_domains' unwind: release
 *      the reader's pins, unmap the non-last domains, unfill_partial (read
 *      back, unmap, unpin) on the last domain;
 *   2. attaching a third domain — iopt_area_fill_domain's unwind
 *      (unfill_partial: a plain unmap here, other domains hold the pins) and
 *      iopt_table_add_domain's (reserved ranges and domain slot released);
 *   3. an access pin without domains — iopt_pages_fill_xarray's cleanup
 *      (unpin the current hole, unfill_xarray of what was stored);
 *   4. a slow-path access read — pfn_reader_destroy releases every temporary pin.
 *   After each injected failure: no pins, no charge, no domain entries,
 *   invariants hold; the errno and the failure point are logged.
 *
 * KERNEL FUNCTIONS
 *   pages.c: temp_kmalloc, pfn_reader_user_pin, pfn_reader_user_update_pinned,
 *            pages_to_xarray, batch_to_domain, iopt_area_fill_domains /
 *            iopt_area_fill_domain (unwind), iopt_area_unfill_partial_domain,
 *            iopt_pages_fill_xarray (clean), pfn_reader_release_pins,
 *            iopt_pages_rw_slow
 *   io_pagetable.c: iopt_table_add_domain (unwind), iopt_map_pages
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   Runs of the same operation, each ending in an injected errno (ENOMEM,
 *   EFAULT, ...) with zero net pins, and a final successful run.
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

/**
 * Run `op` with the n-th fallible step failing, n = 1, 2, …, until it
 * completes without reaching step n. After every injected failure `clean`
 * must hold. Returns the op's result and the number of failure points.
 */
function sweep<T>(
  label: string,
  op: () => T,
  clean: () => void,
  undo: (r: T) => void,
): { r: T; points: number } {
  const errnos: Record<string, number> = {};
  for (let n = 1; n <= 1000; n++) {
    lab.failNth(n);
    let result: { r: T } | null = null;
    let errno: string | null = null;
    try {
      result = { r: op() };
    } catch (e) {
      const err = e as Partial<LabError> | null;
      if (typeof err?.errno !== 'string') throw e; // not a LabError: a real bug
      errno = err.errno;
    }
    const fired = lab.faultConsumed();
    if (!fired) {
      if (result === null)
        throw new Error(`${label}: failed with ${String(errno)} although no fault was injected`);
      lab.log(`${label}: ${n - 1} failure points, then success; errnos seen: ${JSON.stringify(errnos)}`);
      return { r: result.r, points: n - 1 };
    }
    if (result !== null) {
      // The kernel may absorb some failures (a fallback path); the op then really succeeded.
      lab.log(`${label}: the fault at step ${n} was absorbed`);
      undo(result.r);
    } else {
      errnos[errno as string] = (errnos[errno as string] ?? 0) + 1;
    }
    clean();
    lab.checkInvariants();
  }
  throw new Error(`${label}: still failing after 1000 failure points`);
}

lab.setTempMemoryLimit(32);
const ctx = lab.open();
const buf = lab.process.mmap(LEN, { populate: true });

lab.mark('1. IOAS_MAP into two domains');
const ioas = ctx.ioasAlloc();
const d1 = ioas.attachDomain();
const d2 = ioas.attachDomain();
const noMapping = (): void => {
  lab.checkRefs(buf, LEN, 0);
  expect('user locked_vm', lab.process.accounting().userLockedVm, 0);
  expect('d1 mappedBytes', d1.stats().mappedBytes, 0);
  expect('d2 mappedBytes', d2.stats().mappedBytes, 0);
};
const s1 = sweep(
  'map into 2 domains',
  () => ioas.map(buf, LEN),
  noMapping,
  (iova) => {
    ioas.unmap(iova, LEN);
  },
);
const iova = s1.r;
if (s1.points < 4) throw new Error(`map: expected several failure points, got ${s1.points}`);
d1.checkMap(iova, LEN, buf);
d2.checkMap(iova, LEN, buf);
lab.checkRefs(buf, LEN, 1);

lab.mark('2. attach a third domain');
const alignBefore = ioas.iovaRanges().alignment;
const mapped = (): void => {
  lab.checkRefs(buf, LEN, 1);
  expect('user locked_vm', lab.process.accounting().userLockedVm, NPAGES);
  expect('d1 mappedBytes', d1.stats().mappedBytes, LEN);
  expect('d2 mappedBytes', d2.stats().mappedBytes, LEN);
  expect('alignment', ioas.iovaRanges().alignment, alignBefore);
};
const s2 = sweep(
  'attach a third domain',
  () => ioas.attachDomain(),
  mapped,
  (d) => d.detach(),
);
s2.r.checkMap(iova, LEN, buf);
s2.r.detach();

lab.mark('3. access pin without domains (fill_xarray from the mm)');
const ioasX = ctx.ioasAlloc();
const bufX = lab.process.mmap(LEN, { populate: true });
const iovaX = ioasX.map(bufX, LEN);
const access = ctx.createAccess(ioasX, { needsPinPages: true });
const notPinned = (): void => {
  lab.checkRefs(bufX, LEN, 0);
  expect('access items', access.items.length, 0);
  expect('user locked_vm', lab.process.accounting().userLockedVm, NPAGES);
};
const s3 = sweep(
  'access pin 16 pages',
  () => access.pin(iovaX, LEN),
  notPinned,
  (it) => access.unpin(it),
);
lab.checkRefs(bufX, LEN, 1);
access.unpin(s3.r);

lab.mark('4. slow-path read across all 16 pages (rw_slow)');
const reader = ctx.createAccess(ioasX);
const noTempPins = (): void => {
  lab.checkRefs(bufX, LEN, 0);
};
const s4 = sweep(
  'slow read 16 pages',
  () => reader.read(iovaX + 100n, LEN - 200, { slowPath: true }),
  noTempPins,
  () => {
    /* a read leaves nothing to undo */
  },
);
expect('slow read length', s4.r.length, LEN - 200);

lab.log(`failure points: map ${s1.points}, attach ${s2.points}, pin ${s3.points}, slow read ${s4.points}`);

lab.mark('teardown');
lab.setTempMemoryLimit(65536);
ctx.close();
lab.checkRefs(buf, LEN, 0);
lab.checkRefs(bufX, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: every injected failure rolled back completely');
