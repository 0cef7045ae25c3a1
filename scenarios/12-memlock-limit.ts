/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 12 — RLIMIT_MEMLOCK exceeded: pin first, charge afterwards, roll back
 *
 * WHAT IT TEACHES
 *   Pinned pages are charged lazily: the fill pins and maps everything, then
 *   pfn_reader_user_update_pinned charges npinned - last_npinned in one go
 *   (predicting how much of a range is already pinned would be expensive).
 *   When the charge exceeds RLIMIT_MEMLOCK the fill unwinds: the domain is
 *   unmapped (unfill_partial reads back and unpins) and the IOAS is left
 *   exactly as before. The limit is inclusive: reaching it is allowed, one
 *   page more is ENOMEM.
 *   Modes (iopt_alloc_pages / IOMMU_OPTION_RLIMIT_MODE):
 *   - per-user (default, io_uring style): user->locked_vm is checked/charged;
 *   - per-mm (RLIMIT_MODE = 1, VFIO compatible): mm->locked_vm instead; the
 *     option needs CAP_SYS_RESOURCE and an empty context;
 *   - CAP_IPC_LOCK: no limit, no locked_vm charge; pinned_vm still counts.
 *
 * KERNEL FUNCTIONS
 *   pages.c: pfn_reader_user_update_pinned, do_update_pinned,
 *            incr_user_locked_vm / decr_user_locked_vm, update_mm_locked_vm,
 *            iopt_area_fill_domains (unwind path), iopt_area_unfill_partial_domain,
 *            iopt_alloc_pages (account_mode)
 *   main.c / ioas.c: iommufd_option_rlimit_mode
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "map 256 KiB over the limit": ENOMEM with pagesPinned = pagesUnpinned = 64,
 *   iommu_map calls for every run followed by the unmap of the unwind;
 *   accounting and pin counts before = after.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const LIMIT_PAGES = 32;

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

function sameAccounting(
  what: string,
  a: ReturnType<Process['accounting']>,
  b: ReturnType<Process['accounting']>,
): void {
  expect(`${what}: userLockedVm`, a.userLockedVm, b.userLockedVm);
  expect(`${what}: mmLockedVm`, a.mmLockedVm, b.mmLockedVm);
  expect(`${what}: mmPinnedVm`, a.mmPinnedVm, b.mmPinnedVm);
}

const me = lab.process;
me.memlockLimit = LIMIT_PAGES * PAGE; // 128 KiB
const big = me.mmap(64 * PAGE, { populate: true }); // 256 KiB: twice the limit
const small = me.mmap(16 * PAGE, { populate: true });
const small2 = me.mmap(16 * PAGE, { populate: true });
const one = me.mmap(PAGE, { populate: true });

lab.mark('per-user mode: map twice the limit with a domain → ENOMEM, rolled back');
const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const dom = ioas.attachDomain();
const before = me.accounting();
const failed = lab.measure('map 256 KiB over the limit', () => {
  expectErrno('ENOMEM', 'map 64 pages with RLIMIT_MEMLOCK = 32 pages', () => {
    ioas.map(big, 64 * PAGE);
  });
});
lab.log(
  `failed map: ${failed.pagesPinned} pinned, ${failed.pagesUnpinned} unpinned, ` +
    `${failed.iommuMapCalls} iommu_map, ${failed.iommuUnmapCalls} iommu_unmap`,
);
expect('failed map: every pin undone', failed.pagesUnpinned, failed.pagesPinned);
if (failed.faultsInjected === 0) {
  // Without an injected fault the limit is what failed, after the whole fill:
  // all 64 pages were pinned and mapped before the charge was attempted.
  expect('failed map: pages pinned before the charge', failed.pagesPinned, 64);
  if (failed.iommuMapCalls < 1) throw new Error('failed map: expected the fill to map before charging');
}
sameAccounting('accounting after the failed map', me.accounting(), before);
lab.checkRefs(big, 64 * PAGE, 0);
expect('domain mappedBytes after the failed map', dom.stats().mappedBytes, 0);

lab.mark('up to the limit is fine; one page more is not');
const i1 = ioas.map(small, 16 * PAGE);
const i2 = ioas.map(small2, 16 * PAGE);
expect('user locked_vm at the limit', me.accounting().userLockedVm, LIMIT_PAGES);
expectErrno('ENOMEM', 'map one page beyond the limit', () => {
  ioas.map(one, PAGE);
});
expect('user locked_vm still at the limit', me.accounting().userLockedVm, LIMIT_PAGES);
ioas.unmap(i1, 16 * PAGE);
ioas.unmap(i2, 16 * PAGE);
expect('user locked_vm after the unmaps', me.accounting().userLockedVm, 0);

lab.mark('per-mm mode (RLIMIT_MODE = 1): mm->locked_vm is charged instead');
const ctxMm = lab.open();
expectErrno('EINVAL', 'RLIMIT_MODE = 2', () => ctxMm.setOption('RLIMIT_MODE', 2));
me.capSysResource = false;
expectErrno('EPERM', 'RLIMIT_MODE without CAP_SYS_RESOURCE', () => ctxMm.setOption('RLIMIT_MODE', 1));
me.capSysResource = true;
ctxMm.setOption('RLIMIT_MODE', 1);
expect('RLIMIT_MODE', ctxMm.getOption('RLIMIT_MODE'), 1);
const ioasMm = ctxMm.ioasAlloc();
expectErrno('EBUSY', 'RLIMIT_MODE once objects exist', () => ctxMm.setOption('RLIMIT_MODE', 0));
ioasMm.attachDomain();
const iMm = ioasMm.map(small, 16 * PAGE);
const accMm = me.accounting();
expect('per-mm: mm locked_vm', accMm.mmLockedVm, 16);
expect('per-mm: user locked_vm untouched', accMm.userLockedVm, 0);
const beforeMm = me.accounting();
expectErrno('ENOMEM', 'per-mm: 16 + 64 pages over a 32-page limit', () => {
  ioasMm.map(big, 64 * PAGE);
});
sameAccounting('per-mm accounting after the failed map', me.accounting(), beforeMm);
ioasMm.unmap(iMm, 16 * PAGE);
expect('per-mm: mm locked_vm after unmap', me.accounting().mmLockedVm, 0);

lab.mark('CAP_IPC_LOCK: no limit and no locked_vm charge (account mode NONE)');
me.capIpcLock = true;
const ctxCap = lab.open();
const ioasCap = ctxCap.ioasAlloc();
ioasCap.attachDomain();
const pinnedBefore = me.accounting().mmPinnedVm;
const iCap = ioasCap.map(big, 64 * PAGE);
me.capIpcLock = false; // the mode was fixed when the pages were created
const accCap = me.accounting();
expect('CAP_IPC_LOCK: user locked_vm', accCap.userLockedVm, 0);
expect('CAP_IPC_LOCK: mm locked_vm', accCap.mmLockedVm, 0);
expect('CAP_IPC_LOCK: mm pinned_vm still counts', accCap.mmPinnedVm, pinnedBefore + 64);
lab.checkRefs(big, 64 * PAGE, 1);
ioasCap.unmap(iCap, 64 * PAGE);
expect('CAP_IPC_LOCK: pinned_vm after unmap', me.accounting().mmPinnedVm, pinnedBefore);

lab.mark('teardown');
ctx.close();
ctxMm.close();
ctxCap.close();
lab.checkRefs(big, 64 * PAGE, 0);
lab.checkRefs(small, 16 * PAGE, 0);
sameAccounting('accounting at the end', me.accounting(), { userLockedVm: 0, mmLockedVm: 0, mmPinnedVm: 0 });
lab.log('ok: the charge comes after the pins; an over-limit fill leaves no trace');
