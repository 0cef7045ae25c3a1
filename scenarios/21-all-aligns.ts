/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 21 — Every start and end at 2 KiB granularity (the selftest all_aligns)
 *
 * WHAT IT TEACHES
 *   The mock domain's IO page is PAGE_SIZE / 2 = 2 KiB precisely so that
 *   areas can start and end in the middle of a CPU page. An area keeps
 *   page_offset (bytes into its first page) and trims its last page; PFNs are
 *   always whole pages. For every 2 KiB-aligned [start, end) inside a 4-page
 *   buffer the scenario maps, checks the domain against the user pages
 *   (MD_CHECK_MAP), checks that exactly the touched pages are pinned once
 *   (MD_CHECK_REFS), unmaps and checks that everything is unpinned again.
 *   The automatic IOVA keeps the in-page offset: iova % PAGE_SIZE equals the
 *   user address % PAGE_SIZE (congruent IOVA and VA).
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.h: iopt_area_index, iopt_area_last_index, iopt_area_start_byte,
 *                   iopt_area_index_to_iova / _last
 *   pages.c:        batch_to_domain (first-run offset, last-page trim),
 *                   batch_from_domain (offset on the first index),
 *                   __iopt_area_unfill_domain
 *   io_pagetable.c: iopt_alloc_iova (page_offset OR-ed in)
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   36 map/unmap pairs; every map pins ceil-to-pages of its byte range, every
 *   unmap unpins the same number.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const STEP = lab.MOCK_PAGE_SIZE; // 2 KiB
const NPAGES = 4;
const LEN = NPAGES * PAGE;

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const dom = ioas.attachDomain();
const buf = lab.process.mmap(LEN, { populate: true });

let pairs = 0;
for (let start = 0; start < LEN; start += STEP) {
  lab.mark(`start ${start}`);
  for (let end = start + STEP; end <= LEN; end += STEP) {
    const len = end - start;
    const firstPage = Math.floor(start / PAGE);
    const lastPage = Math.floor((end - 1) / PAGE);
    const touched = lastPage - firstPage + 1;
    const what = `[${start}, ${end})`;

    const before = lab.counters().pagesPinned;
    const iova = ioas.map(buf + start, len);
    expect(`${what}: pages pinned`, lab.counters().pagesPinned - before, touched);
    expect(`${what}: IOVA congruent with the user address`, Number(iova % BigInt(PAGE)), start % PAGE);
    dom.checkMap(iova, len, buf + start);
    if (firstPage > 0) lab.checkRefs(buf, firstPage * PAGE, 0);
    lab.checkRefs(buf + firstPage * PAGE, touched * PAGE, 1);
    if (lastPage < NPAGES - 1) lab.checkRefs(buf + (lastPage + 1) * PAGE, (NPAGES - 1 - lastPage) * PAGE, 0);
    expect(`${what}: domain mappedBytes`, dom.stats().mappedBytes, len);

    expect(`${what}: bytes unmapped`, ioas.unmap(iova, len), BigInt(len));
    lab.checkRefs(buf, LEN, 0);
    expect(`${what}: domain mappedBytes after unmap`, dom.stats().mappedBytes, 0);
    pairs++;
  }
}
expect('map/unmap pairs', pairs, 36);
expect('driver warnings (an unmap cutting a map call would warn)', lab.counters().warnings, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log(`ok: ${pairs} sub-page aligned areas mapped, checked and unmapped`);
