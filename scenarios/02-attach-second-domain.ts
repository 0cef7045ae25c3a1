/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 02 — Attach domains to an IOAS that already has an area (fill_domain)
 *
 * WHAT IT TEACHES
 *   1. Mapping is lazy: IOAS_MAP into an IOAS without domains pins nothing and
 *      charges nothing (objective 1 of the seed).
 *   2. A mock domain reserves everything outside its aperture, so an area at a
 *      low IOVA blocks the attach (EADDRINUSE, iopt_reserve_iova) — map at a
 *      fixed IOVA inside the aperture instead.
 *   3. The FIRST domain attached: iopt_area_fill_domain() reads holes, so it
 *      pins from the mm; the area enters domains_itree with this domain as its
 *      storage_domain.
 *   4. The SECOND domain: the pfn_reader finds every index "used" by the
 *      domains_itree, so batch_from_domain() reads each PFN back from the
 *      storage domain with iommu_iova_to_phys() — one driver call per page —
 *      and no page is pinned again.
 *   5. Detaching the storage domain while another remains: storage moves to
 *      domains[0], a plain unmap, no pin changes (iopt_unfill_domain).
 *   6. Detaching the last domain: read back, unmap, unpin everything; the area
 *      stays mapped in the IOAS, lazily, with nothing pinned.
 *
 * KERNEL FUNCTIONS
 *   io_pagetable.c: iopt_table_add_domain, iopt_fill_domain, iopt_reserve_iova,
 *                   iopt_table_remove_domain, iopt_unfill_domain
 *   pages.c:        iopt_area_fill_domain, pfn_reader_fill_span,
 *                   batch_from_domain, batch_to_domain, iopt_area_unmap_domain,
 *                   iopt_area_unfill_domain
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "attach d1": pagesPinned 64, iovaToPhysCalls 0.
 *   "attach d2": pagesPinned 0, iovaToPhysCalls 64, iommuMapCalls = runs.
 *   "detach d1": one unmap, nothing unpinned. "detach d2": 64 read back + unpinned.
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

/** Run fn, which must fail with `errno`; any other error (e.g. an injected fault) propagates. */
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

/** lab.measure that also returns fn's result. */
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
const ioas = ctx.ioasAlloc();
const buf = lab.process.mmap(LEN, { populate: true });

lab.mark('lazy map: no domain, nothing pinned');
const low = ioas.map(buf, LEN);
lab.log(`automatic IOVA without domains: 0x${low.toString(16)} (below the mock aperture)`);
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after a lazy map', lab.process.accounting().userLockedVm, 0);

lab.mark('attach with an area outside the aperture: EADDRINUSE');
expectErrno('EADDRINUSE', 'attach a mock domain while an area sits below its aperture', () => {
  ioas.attachDomain();
});
expect('unmap the low area', ioas.unmap(low, LEN), BigInt(LEN));
const iova = ioas.map(buf, LEN, { iova: lab.MOCK_APERTURE_START });
lab.checkRefs(buf, LEN, 0);

lab.mark('attach d1: the first domain pins from the mm');
const { r: dom1, c: a1 } = measured('attach d1 (fill_domain from the mm)', () => ioas.attachDomain());
expect('pages pinned by the first attach', a1.pagesPinned, NPAGES);
expect('iova_to_phys calls of the first attach', a1.iovaToPhysCalls, 0);
dom1.checkMap(iova, LEN, buf);
lab.checkRefs(buf, LEN, 1);
const runs = pfnRuns(dom1, iova, NPAGES);
expect('iommu_map calls of the first attach', a1.iommuMapCalls, runs);
expect('user locked_vm after the first attach', lab.process.accounting().userLockedVm, NPAGES);

lab.mark('attach d2: PFNs read back from d1 with iova_to_phys, no new pins');
const { r: dom2, c: a2 } = measured('attach d2 (fill_domain from the storage domain)', () =>
  ioas.attachDomain(),
);
lab.log(
  `attach d2: ${a2.iovaToPhysCalls} iova_to_phys, ${a2.iommuMapCalls} iommu_map, ` +
    `${a2.pagesPinned} pinned (runs = ${runs})`,
);
expect('pages pinned by the second attach', a2.pagesPinned, 0);
expect('pin_user_pages calls of the second attach', a2.pinCalls, 0);
expect('iova_to_phys calls (one per page)', a2.iovaToPhysCalls, NPAGES);
expect('iommu_map calls of the second attach (one per run)', a2.iommuMapCalls, runs);
dom2.checkMap(iova, LEN, buf);
lab.checkRefs(buf, LEN, 1);

lab.mark('detach d1 (the storage domain): storage moves to d2, plain unmap');
const r1 = lab.measure('detach d1', () => dom1.detach());
expect('pages unpinned by detaching d1', r1.pagesUnpinned, 0);
expect('iova_to_phys calls detaching d1', r1.iovaToPhysCalls, 0);
expect('iommu_unmap calls detaching d1', r1.iommuUnmapCalls, 1);
lab.checkRefs(buf, LEN, 1);
dom2.checkMap(iova, LEN, buf);

lab.mark('detach d2 (the last domain): read back, unmap, unpin');
const r2 = lab.measure('detach d2 (unfill_domain)', () => dom2.detach());
expect('iova_to_phys calls detaching the last domain', r2.iovaToPhysCalls, NPAGES);
expect('pages unpinned detaching the last domain', r2.pagesUnpinned, NPAGES);
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm with no domain left', lab.process.accounting().userLockedVm, 0);
// The area itself survived: it is mapped again lazily.
expect('unmap of the (lazy again) area', ioas.unmap(iova, LEN), BigInt(LEN));

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
lab.log('ok: first domain pins, later domains read back from the storage domain');
