/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 01 — Fill one domain
 *
 * WHAT IT TEACHES
 *   IOMMU_IOAS_MAP into an IOAS that already has one (mock) iommu_domain.
 *   The new area is filled by iopt_area_fill_domains(): a pfn_reader walks the
 *   area's indexes, finds only "holes" (no access, no other domain holds them),
 *   so pfn_reader_user pins the pages from the process's mm (pin_user_pages,
 *   FOLL_LONGTERM). The PFNs are gathered into a pfn_batch as runs of
 *   physically contiguous frames and batch_to_domain() issues exactly ONE
 *   iommu_map() per run. The domain is now the storage tier: the xarray is
 *   not used at all (objective 4 of the seed), every page is pinned once and
 *   charged once to RLIMIT_MEMLOCK (pfn_reader_user_update_pinned).
 *   Unmapping runs __iopt_area_unfill_domain(): the PFNs are read back from
 *   the domain (one iova_to_phys per page), unmapped in one call (the whole
 *   area fits in one batch) and unpinned.
 *   A second IOAS_MAP of the same memory is a second iopt_pages: "pin once"
 *   holds per iopt_pages, so the pages are pinned a second time.
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.c: iopt_map_user_pages, iopt_map_pages, iopt_alloc_iova,
 *                   iopt_unmap_iova
 *   pages.c:        iopt_area_fill_domains, pfn_reader_first/next,
 *                   pfn_reader_user_pin, batch_from_pages, batch_to_domain,
 *                   pfn_reader_user_update_pinned, iopt_area_unfill_domains,
 *                   __iopt_area_unfill_domain, batch_from_domain, update_unpinned
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   The "map" span: pagesPinned = 64, iommuMapCalls = number of PFN runs,
 *   xarrayStores = 0. The "unmap" span: iovaToPhysCalls = 64 (the read-back),
 *   one iommuUnmapCall, pagesUnpinned = 64.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast. Strongly fragmented free memory, so
// that the buffer is made of many short physically contiguous runs.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8, fragmentation: 0.8 });

const PAGE = lab.PAGE_SIZE;
const LEN = 256 * 1024; // 256 KiB
const NPAGES = LEN / PAGE; // 64

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

/** lab.measure that also returns fn's result. */
function measured<T>(label: string, fn: () => T): { r: T; c: Counters } {
  let r: T | undefined;
  const c = lab.measure(label, () => {
    r = fn();
  });
  return { r: r as T, c };
}

/** Number of physically contiguous PFN runs behind [iova, iova + npages pages) in `d`. */
function pfnRuns(d: Domain, iova: bigint, npages: number): number {
  let runs = 0;
  let prev = -1n;
  for (let i = 0; i < npages; i++) {
    const pa = d.iovaToPhys(iova + BigInt(i * PAGE));
    if (pa === null) throw new Error(`page ${i} of the area is not mapped in domain ${d.id}`);
    if (pa !== prev + BigInt(PAGE)) runs++;
    prev = pa;
  }
  return runs;
}

lab.mark('setup: one IOAS with one mock domain, 256 KiB of anonymous memory');
const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const dom = ioas.attachDomain();
const buf = lab.process.mmap(LEN, { populate: true });
lab.checkRefs(buf, LEN, 0);

lab.mark('map: iopt_area_fill_domains pins from the mm and maps one run per iommu_map');
const { r: iova, c: m } = measured('IOAS_MAP 256 KiB (fill_domains, 1 domain)', () => ioas.map(buf, LEN));
// The mock domain reserved everything below its aperture, so the first hole is its start.
expect('IOVA chosen by iopt_alloc_iova', iova, lab.MOCK_APERTURE_START);
expect('pages pinned by the map', m.pagesPinned, NPAGES);
expect('xarray stores (the domain is the storage tier)', m.xarrayStores, 0);
expect('iova_to_phys calls (nothing to read back yet)', m.iovaToPhysCalls, 0);
lab.checkRefs(buf, LEN, 1);
dom.checkMap(iova, LEN, buf);

const runs = pfnRuns(dom, iova, NPAGES);
lab.log(`256 KiB = ${NPAGES} pages in ${runs} physically contiguous runs`);
lab.log(
  `map: ${m.iommuMapCalls} iommu_map calls, ${m.pinCalls} pin_user_pages calls, ` +
    `${m.batchRuns} batch runs, ${m.batchPfns} batch PFNs, temp memory peak ${m.tempMemoryPeakBytes} B`,
);
expect('iommu_map calls (one per contiguous run)', m.iommuMapCalls, runs);
const st = dom.stats();
expect('domain mapCalls', st.mapCalls, runs);
expect('domain mappedBytes', st.mappedBytes, LEN);

const acct = lab.process.accounting();
lab.log('accounting after map (pages):', acct);
expect('user locked_vm (RLIMIT_MEMLOCK charge, per-user mode)', acct.userLockedVm, NPAGES);
expect('mm pinned_vm', acct.mmPinnedVm, NPAGES);

lab.mark('a second IOAS_MAP of the same memory: a new iopt_pages pins again');
const { r: iova2, c: m2 } = measured('IOAS_MAP the same 256 KiB again', () => ioas.map(buf, LEN));
expect('pages pinned by the second map', m2.pagesPinned, NPAGES);
lab.checkRefs(buf, LEN, 2);
expect('user locked_vm after the second map', lab.process.accounting().userLockedVm, 2 * NPAGES);
expect('unmap of the second area', ioas.unmap(iova2, LEN), BigInt(LEN));
lab.checkRefs(buf, LEN, 1);

lab.mark('unmap: __iopt_area_unfill_domain reads back, unmaps, unpins');
const { r: unmapped, c: u } = measured('IOAS_UNMAP 256 KiB (unfill_domains)', () => ioas.unmap(iova, LEN));
expect('bytes unmapped', unmapped, BigInt(LEN));
expect('iova_to_phys calls (one per page: the read-back)', u.iovaToPhysCalls, NPAGES);
expect('iommu_unmap calls (whole area in one batch)', u.iommuUnmapCalls, 1);
expect('pages unpinned', u.pagesUnpinned, NPAGES);
expect('domain mappedBytes after unmap', dom.stats().mappedBytes, 0);
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after unmap', lab.process.accounting().userLockedVm, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
lab.log('ok: pinned once, one iommu_map per run, no xarray use, all unpinned');
