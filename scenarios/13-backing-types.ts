/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 13 — Fragmented 4 KiB pages vs transparent huge pages vs hugetlb
 *
 * WHAT IT TEACHES
 *   The unit of work in pages.c is the run of physically contiguous PFNs:
 *   batch_add_pfn extends the last run whenever the next PFN follows it, and
 *   batch_to_domain issues one iommu_map per run. So the cost of a map
 *   depends on how the memory is backed, not on its size:
 *   - anonymous 4 KiB pages on a fragmented machine: many short runs;
 *   - THP (2 MiB aligned, thp: true): one run per 2 MiB huge page at most;
 *   - hugetlb 2 MiB pages: the same, guaranteed by the pool.
 *   The reverse path (unmap) reads back one iova_to_phys per PAGE no matter
 *   the backing — the per-page driver call the seed's commit message asks to
 *   replace with a batch API (see scenario 16).
 *
 * KERNEL FUNCTIONS
 *   pages.c: batch_add_pfn, batch_from_pages, batch_to_domain,
 *            pfn_reader_fill_span, batch_from_domain, __iopt_area_unfill_domain
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   The three "map" spans: iommuMapCalls = runs (dozens for 4 KiB pages, ≤ 2
 *   for the huge pages); pagesPinned = 1024 for each. The "unmap" spans:
 *   iovaToPhysCalls = 1024 for each.
 */

const PAGE = lab.PAGE_SIZE;
const HUGE = lab.HUGEPAGE_SIZE;
const LEN = 2 * HUGE; // 4 MiB
const NPAGES = LEN / PAGE;

// A small (128 MiB: keeps --check fast) and fragmented machine: most 4 KiB
// frames come from scattered free lists.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8, fragmentation: 0.6 });

function expect(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

function measured<T>(label: string, fn: () => T): { r: T; c: Counters } {
  let r: T | undefined;
  const c = lab.measure(label, () => {
    r = fn();
  });
  return { r: r as T, c };
}

interface Row {
  backing: string;
  mapCalls: number;
  pinCalls: number;
  batchRuns: number;
  unmapCalls: number;
  readBack: number;
}

const rows: Row[] = [];
const ctx = lab.open();

function study(backing: string, buf: number): Row {
  lab.mark(`${backing}: map 4 MiB into one mock domain, then unmap`);
  const ioas = ctx.ioasAlloc();
  const dom = ioas.attachDomain();
  const { r: iova, c: m } = measured(`map 4 MiB (${backing})`, () => ioas.map(buf, LEN));
  expect(`${backing}: pages pinned`, m.pagesPinned, NPAGES);
  dom.checkMap(iova, LEN, buf);
  // One iommu_map per run (scenarios 01-03 and 14 count the runs page by page).
  expect(`${backing}: domain mapCalls`, dom.stats().mapCalls, m.iommuMapCalls);
  const { c: u } = measured(`unmap 4 MiB (${backing})`, () => ioas.unmap(iova, LEN));
  expect(`${backing}: pages unpinned`, u.pagesUnpinned, NPAGES);
  expect(`${backing}: iova_to_phys per page on the way back`, u.iovaToPhysCalls, NPAGES);
  lab.checkRefs(buf, LEN, 0);
  dom.detach();
  ioas.destroy();
  const row: Row = {
    backing,
    mapCalls: m.iommuMapCalls,
    pinCalls: m.pinCalls,
    batchRuns: m.batchRuns,
    unmapCalls: u.iommuUnmapCalls,
    readBack: u.iovaToPhysCalls,
  };
  lab.log(row);
  rows.push(row);
  return row;
}

const plain = lab.process.mmap(LEN, { populate: true });
const thp = lab.process.mmap(LEN, { thp: true, align: HUGE, populate: true });
const huge = lab.process.mmap(LEN, { hugetlb: '2M', populate: true });

const rPlain = study('4 KiB pages, fragmented', plain);
const rThp = study('THP', thp);
const rHuge = study('hugetlb 2M', huge);

lab.mark('compare');
// Two 2 MiB huge pages are at most two runs: at most two iommu_map calls.
if (rHuge.mapCalls < 1 || rHuge.mapCalls > 2)
  throw new Error(`hugetlb: 4 MiB should take 1 or 2 iommu_map calls, got ${rHuge.mapCalls}`);
if (rThp.mapCalls < 1 || rThp.mapCalls > 2)
  throw new Error(`THP: 4 MiB should take 1 or 2 iommu_map calls (got ${rThp.mapCalls}): was THP used?`);
if (rPlain.mapCalls <= 8 * rThp.mapCalls)
  throw new Error(
    `fragmented 4 KiB memory should need many more runs than THP (${rPlain.mapCalls} vs ${rThp.mapCalls})`,
  );
lab.log(
  `iommu_map calls for 4 MiB: fragmented ${rPlain.mapCalls}, THP ${rThp.mapCalls}, hugetlb ${rHuge.mapCalls}; ` +
    `iova_to_phys on unmap: ${rPlain.readBack} / ${rThp.readBack} / ${rHuge.readBack}`,
);

lab.mark('teardown');
ctx.close();
for (const b of [plain, thp, huge]) lab.checkRefs(b, LEN, 0);
lab.log(`ok: ${rows.length} backings compared; map cost follows runs, read-back cost follows pages`);
