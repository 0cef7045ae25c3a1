/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 15 — Mappings made by a child process that has exited
 *
 * WHAT IT TEACHES
 *   An iopt_pages remembers the mm (and task, user) that created it: every
 *   later pin of a hole goes through pin_user_pages_remote on THAT mm
 *   (pfn_reader_user_pin takes an mm reference with mmget_not_zero first).
 *   Here a forked child maps a MAP_SHARED buffer into the parent's iommufd
 *   context and exits:
 *   - IOAS A was mapped lazily (no domain): attaching a domain later must pin
 *     from the dead mm → EFAULT, and the attach leaves nothing behind (no
 *     domain, no reservation, no pins).
 *   - IOAS B had a domain before the exit: the pages were pinned while the mm
 *     was alive. Attaching a second domain reads them back from the first
 *     (no pin needed) → succeeds.
 *   - Access rw: the fast path needs the source mm (current->mm differs, and
 *     the mm is gone) so iopt_pages_rw_access falls back to the slow path,
 *     which succeeds where a domain holds the PFNs and fails with EFAULT where
 *     a pin from the mm would be needed.
 *   Accounting went to the user of the source task, shared with the parent.
 *
 * KERNEL FUNCTIONS
 *   pages.c:        pfn_reader_user_pin (mmget_not_zero, pin_user_pages_remote),
 *                   iopt_area_fill_domain, iopt_pages_rw_access, iopt_pages_rw_slow
 *   io_pagetable.c: iopt_map_user_pages (source mm/task/user),
 *                   iopt_table_add_domain (unwind of the reservations)
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "attach to A after the exit": EFAULT. "attach a second domain to B":
 *   pagesPinned 0, iovaToPhysCalls 64. "read via B": ok; "read via A": EFAULT.
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

const parent = lab.process;
// MAP_SHARED: the child sees the very same frames, and the parent can inspect them after the exit.
const buf = parent.mmap(LEN, { shared: true, populate: true });
const content = new Uint8Array(64);
for (let i = 0; i < content.length; i++) content[i] = 0xa0 + i;
parent.write(buf, content);

lab.mark('fork; the child maps the shared buffer into two IOASes of the parent context');
const child = parent.fork();
const ctx = lab.open();
const A = ctx.ioasAlloc();
const iovaA = A.map(buf, LEN, { iova: lab.MOCK_APERTURE_START, process: child });
const B = ctx.ioasAlloc();
const dB = B.attachDomain();
const { r: iovaB, c: mB } = measured('child maps into B (one domain): pins from the child mm', () =>
  B.map(buf, LEN, { process: child }),
);
expect('map into B: pages pinned', mB.pagesPinned, NPAGES);
lab.checkRefs(buf, LEN, 1);
expect('locked_vm charged to the (shared) user', parent.accounting().userLockedVm, NPAGES);
const accA = ctx.createAccess(A);
const accB = ctx.createAccess(B);

lab.mark('the child exits: its mm goes away');
child.exit();
expect('child alive', child.alive, false);
lab.checkRefs(buf, LEN, 1); // the pins of B outlive the mm

lab.mark('attach a domain to A: a pin from the dead mm is needed → EFAULT');
const rangesBefore = A.iovaRanges().ranges.length;
expectErrno('EFAULT', 'attach a domain to A (lazy area of the gone child)', () => {
  A.attachDomain();
});
expect('A: reserved ranges after the failed attach', A.iovaRanges().ranges.length, rangesBefore);
expect('A: alignment after the failed attach', A.iovaRanges().alignment, 1n);
lab.checkRefs(buf, LEN, 1);

lab.mark('attach a second domain to B: read back from the first, no pin needed');
const { r: dB2, c: a2 } = measured('attach a second domain to B', () => B.attachDomain());
expect('second domain: pages pinned', a2.pagesPinned, 0);
expect('second domain: iova_to_phys calls', a2.iovaToPhysCalls, NPAGES);
// The shared frames are still the parent's buffer: check both mappings through the parent.
dB.checkMap(iovaB, LEN, buf);
dB2.checkMap(iovaB, LEN, buf);

lab.mark('access rw after the exit: falls back to the slow path');
const got = accB.read(iovaB, content.length);
for (let i = 0; i < content.length; i++) expect(`byte ${i} read via B`, got[i], content[i]);
expectErrno('EFAULT', 'read via A (no domain: needs a pin from the gone mm)', () => {
  accA.read(iovaA, 16);
});

lab.mark('teardown: everything unpins although the mm is gone');
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', parent.accounting().userLockedVm, 0);
const c = lab.counters();
expect('pins = unpins over the whole run', c.pagesUnpinned, c.pagesPinned);
lab.log('ok: a dead source mm blocks new pins, not the ones already held');
