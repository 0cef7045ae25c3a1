/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 19 — IOMMU_OPTION_HUGE_PAGES = 0 (VFIO type1 v1 compatibility)
 *
 * WHAT IT TEACHES
 *   With large pages disabled (iopt->disable_large_pages) batch_to_domain
 *   maps through iopt_area_map_small: one iommu_map per PAGE_SIZE, even when
 *   the PFNs form one long run (here: a hugetlb page). That is what makes any
 *   page boundary a legal cut point for the VFIO compat split
 *   (iopt_area_split); the price is one driver call per page. The IOAS
 *   alignment becomes at least PAGE_SIZE. The option can only be turned off
 *   while the IOAS does not have both domains and areas (EINVAL); turning it
 *   back on is always allowed. IOAS_UNMAP itself still never cuts an area.
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.c: iopt_disable_large_pages, iopt_enable_large_pages,
 *                   iopt_calculate_iova_alignment
 *   pages.c:        batch_to_domain → iopt_area_map_small
 *   ioas.c:         iommufd_ioas_option_huge_pages
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "map, HUGE_PAGES=0": iommuMapCalls 64 for one 64-page run.
 *   "map, HUGE_PAGES=1": iommuMapCalls 1.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const NPAGES = 64;
const LEN = NPAGES * PAGE; // 256 KiB of one hugetlb page: one physically contiguous run

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
const buf = lab.process.mmap(lab.HUGEPAGE_SIZE, { hugetlb: '2M', populate: true });

lab.mark('HUGE_PAGES = 0: one iommu_map per page');
const off = ctx.ioasAlloc();
expect('HUGE_PAGES default', off.getOption('HUGE_PAGES'), 1);
expectErrno('EINVAL', 'HUGE_PAGES = 2', () => off.setOption('HUGE_PAGES', 2));
off.setOption('HUGE_PAGES', 0);
expect('HUGE_PAGES', off.getOption('HUGE_PAGES'), 0);
expect('alignment with large pages disabled', off.iovaRanges().alignment, BigInt(PAGE));
const dOff = off.attachDomain();
const { r: iovaOff, c: mOff } = measured('map, HUGE_PAGES=0', () => off.map(buf, LEN));
expect('HUGE_PAGES=0: pages pinned', mOff.pagesPinned, NPAGES);
expect('HUGE_PAGES=0: iommu_map calls (map_small: one per page)', mOff.iommuMapCalls, NPAGES);
expect('HUGE_PAGES=0: domain mapCalls', dOff.stats().mapCalls, NPAGES);
dOff.checkMap(iovaOff, LEN, buf);
expect('alignment with a mock domain and large pages disabled', off.iovaRanges().alignment, BigInt(PAGE));

lab.mark('HUGE_PAGES = 1 (default): one iommu_map per run');
const on = ctx.ioasAlloc();
const dOn = on.attachDomain();
const { r: iovaOn, c: mOn } = measured('map, HUGE_PAGES=1', () => on.map(buf, LEN));
expect('HUGE_PAGES=1: iommu_map calls (one run)', mOn.iommuMapCalls, 1);
dOn.checkMap(iovaOn, LEN, buf);
lab.checkRefs(buf, LEN, 2); // two IOAS_MAPs: two iopt_pages
expectErrno('EINVAL', 'disable large pages with domains and areas present', () =>
  on.setOption('HUGE_PAGES', 0),
);
expect('alignment with a mock domain', on.iovaRanges().alignment, BigInt(lab.MOCK_PAGE_SIZE));

lab.mark('unmap: still never cuts an area; the whole area goes in one unmap call');
expectErrno('ENOENT', 'unmap half of the HUGE_PAGES=0 area', () => {
  off.unmap(iovaOff, LEN / 2);
});
const { c: u } = measured('unmap, HUGE_PAGES=0', () => off.unmap(iovaOff, LEN));
expect('unmap: pages unpinned', u.pagesUnpinned, NPAGES);
expect('unmap: iommu_unmap calls', u.iommuUnmapCalls, 1);
expect('unmap: driver warnings', u.warnings, 0);

lab.mark('turning large pages back on is always allowed');
off.setOption('HUGE_PAGES', 1);
expect('alignment back to the mock IO page', off.iovaRanges().alignment, BigInt(lab.MOCK_PAGE_SIZE));
const { c: m2 } = measured('map again, HUGE_PAGES=1', () => off.map(buf, LEN));
expect('after re-enabling: iommu_map calls', m2.iommuMapCalls, 1);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, lab.HUGEPAGE_SIZE, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: HUGE_PAGES=0 trades one driver call per page for cut-anywhere areas');
