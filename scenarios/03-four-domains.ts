/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 03 — Map into an IOAS with four domains (fill_domains)
 *
 * WHAT IT TEACHES
 *   iopt_area_fill_domains() reads each PFN ONCE (here: pins it from the mm)
 *   and pushes every batch into all four domains in ascending domain id:
 *   map calls = 4 × runs, pins = pages, zero iova_to_phys reads.
 *   The contrast: mapping first and attaching the four domains afterwards
 *   costs one pin-read for the first domain and one iova_to_phys per page for
 *   each of the other three (iopt_area_fill_domain reads back from the storage
 *   domain). Same final state, very different driver traffic.
 *   Unmapping with four domains: three plain unmaps (iopt_area_unmap_domain)
 *   and one unfill of the storage domain that reads back and unpins.
 *
 * KERNEL FUNCTIONS
 *   pages.c:        iopt_area_fill_domains (the per-domain loop and its
 *                   done_first_end/done_all_end bookkeeping), batch_to_domain,
 *                   iopt_area_fill_domain, iopt_area_unfill_domains,
 *                   iopt_area_unmap_domain, __iopt_area_unfill_domain
 *   io_pagetable.c: iopt_map_pages, iopt_table_add_domain, iopt_unmap_iova
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "map with 4 domains": iommuMapCalls = 4 × runs, iovaToPhysCalls = 0.
 *   "attach 4 domains after the map": iovaToPhysCalls = 3 × 32.
 *   "unmap": iommuUnmapCalls = 4, iovaToPhysCalls = 32, pagesUnpinned = 32.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast. Strongly fragmented free memory, so
// that the buffer is made of many short physically contiguous runs.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8, fragmentation: 0.8 });

const PAGE = lab.PAGE_SIZE;
const LEN = 128 * 1024; // 128 KiB
const NPAGES = LEN / PAGE; // 32
const NDOMAINS = 4;

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

const ctx = lab.open();
const buf = lab.process.mmap(LEN, { populate: true });

lab.mark('IOAS A: attach four mock domains, then map');
const ioasA = ctx.ioasAlloc();
const domsA: Domain[] = [];
for (let i = 0; i < NDOMAINS; i++) domsA.push(ioasA.attachDomain());
const { r: iovaA, c: mA } = measured('map with 4 domains (fill_domains)', () => ioasA.map(buf, LEN));
const runs = pfnRuns(domsA[0], iovaA, NPAGES);
lab.log(
  `${NPAGES} pages in ${runs} runs; map: ${mA.iommuMapCalls} iommu_map, ${mA.iovaToPhysCalls} iova_to_phys`,
);
expect('pages pinned (each PFN read once)', mA.pagesPinned, NPAGES);
expect('iova_to_phys calls (nothing read back)', mA.iovaToPhysCalls, 0);
expect('iommu_map calls (4 × runs)', mA.iommuMapCalls, NDOMAINS * runs);
for (const d of domsA) {
  d.checkMap(iovaA, LEN, buf);
  expect(`domain ${d.id} mapCalls`, d.stats().mapCalls, runs);
}
lab.checkRefs(buf, LEN, 1);

lab.mark('IOAS B: map first (lazy), then attach four domains one by one');
const ioasB = ctx.ioasAlloc();
const iovaB = ioasB.map(buf, LEN, { iova: lab.MOCK_APERTURE_START });
const domsB: Domain[] = [];
const mB = lab.measure('attach 4 domains after the map (fill_domain × 4)', () => {
  for (let i = 0; i < NDOMAINS; i++) domsB.push(ioasB.attachDomain());
});
lab.log(
  `attach-after-map: ${mB.iommuMapCalls} iommu_map, ${mB.iovaToPhysCalls} iova_to_phys, ${mB.pagesPinned} pinned`,
);
expect('pages pinned by the four attaches (first one only)', mB.pagesPinned, NPAGES);
expect('iova_to_phys calls (3 domains read back from the storage domain)', mB.iovaToPhysCalls, 3 * NPAGES);
expect('iommu_map calls (4 × runs)', mB.iommuMapCalls, NDOMAINS * runs);
for (const d of domsB) d.checkMap(iovaB, LEN, buf);
// Two IOAS_MAPs of the same memory are two iopt_pages: each pins once.
lab.checkRefs(buf, LEN, 2);

lab.mark('unmap from IOAS A: 3 plain unmaps + 1 unfill of the storage domain');
const { r: bytes, c: u } = measured('unmap with 4 domains (unfill_domains)', () => ioasA.unmap(iovaA, LEN));
expect('bytes unmapped', bytes, BigInt(LEN));
expect('iommu_unmap calls (one per domain)', u.iommuUnmapCalls, NDOMAINS);
expect('iova_to_phys calls (only the storage domain is read back)', u.iovaToPhysCalls, NPAGES);
expect('pages unpinned', u.pagesUnpinned, NPAGES);
for (const d of domsA) expect(`domain ${d.id} mappedBytes after unmap`, d.stats().mappedBytes, 0);
lab.checkRefs(buf, LEN, 1);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: read once, pushed into all four domains');
