/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 10 — Removing the last domain while an access pins a page inside a huge page
 *      (the kernel selftest access_domain_destory; IOMMUFD-ALGORITHMS.md §7.4)
 *
 * WHAT IT TEACHES
 *   __iopt_area_unfill_domain, the subtlest walk of pages.c. The area is 4 MiB
 *   of hugetlb memory: 1024 indexes in two physically contiguous runs, P0..P511
 *   and Q0..Q511 (one per 2 MiB huge page). An access pins index 1. The only
 *   domain is destroyed. The double span over (domains_itree, access_itree)
 *   gives hole [0,0], used [1,1], hole [2,1023]:
 *     1. hole [0,0]: read P0; the hole ends but the area does not, so
 *        batch_from_domain_continue reads ahead while PFNs stay contiguous
 *        (P1..P511) and stops at Q0 — the first legal cut point. Unmap
 *        [0,511] (exactly one earlier map call), unpin index 0, and keep
 *        P1..P511 as the "carry".
 *     2. used [1,1]: the access holds it: batch_skip_carry(1), no unpin.
 *     3. hole [2,1023]: the carry P2..P511 plus Q0..Q511 read from index 512;
 *        unmap [512,1023]; unpin 1022 pages.
 *   Two unmap calls, each covering exactly one earlier map call (the mock
 *   domain checks START/LAST), 1025 iova_to_phys reads, index 1 stays pinned
 *   (held by the xarray), every other page is unpinned: checkRefs proves it.
 *   (v6.2 computed batch_last from read_from and overran here; fixed in v6.3.)
 *   The buffer's two huge pages are made non-adjacent on purpose (take three
 *   from the pool, free the outer two). Were they adjacent, the area would be
 *   one run and the walk would degenerate to a single unmap; the scenario
 *   detects that case and checks its figures instead.
 *
 * KERNEL FUNCTIONS
 *   pages.c:        __iopt_area_unfill_domain, iopt_area_unpin_domain,
 *                   batch_from_domain, batch_from_domain_continue,
 *                   batch_skip_carry, batch_clear_carry, batch_unpin,
 *                   iopt_area_unmap_domain_range
 *   io_pagetable.c: iopt_table_remove_domain, iopt_unfill_domain
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "detach the last domain": iommuUnmapCalls 2, iovaToPhysCalls 1025,
 *   pagesUnpinned 1023; afterwards index 1 has pin count 1, the rest 0.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const HUGE = lab.HUGEPAGE_SIZE;
const LEN = 2 * HUGE; // 4 MiB = 1024 indexes
const NPAGES = LEN / PAGE;
const PER_HUGE = HUGE / PAGE; // 512

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

function phys(d: Domain, iova: bigint): bigint {
  const pa = d.iovaToPhys(iova);
  if (pa === null) throw new Error(`IOVA 0x${iova.toString(16)} is not mapped in domain ${d.id}`);
  return pa;
}

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const dom = ioas.attachDomain();
// A long-running system's hugetlb pool is not handed out in address order.
// Take three huge pages and give back the outer two: the 4 MiB buffer then
// gets them in the order H2, H0 — two runs, not physically adjacent.
const h0 = lab.process.mmap(HUGE, { hugetlb: '2M', populate: true });
const h1 = lab.process.mmap(HUGE, { hugetlb: '2M', populate: true });
const h2 = lab.process.mmap(HUGE, { hugetlb: '2M', populate: true });
lab.process.munmap(h0, HUGE);
lab.process.munmap(h2, HUGE);
const buf = lab.process.mmap(LEN, { hugetlb: '2M', populate: true });

lab.mark('map 4 MiB of hugetlb memory: two runs of 512 PFNs');
const { r: iova, c: m } = measured('map 2 huge pages', () => ioas.map(buf, LEN));
expect('pages pinned', m.pagesPinned, NPAGES);
dom.checkMap(iova, LEN, buf);
const lastOfP = phys(dom, iova + BigInt((PER_HUGE - 1) * PAGE));
const firstOfQ = phys(dom, iova + BigInt(PER_HUGE * PAGE));
const adjacent = lastOfP + BigInt(PAGE) === firstOfQ;
const runs = adjacent ? 1 : 2;
lab.log(
  `huge pages at 0x${(lastOfP - BigInt((PER_HUGE - 1) * PAGE)).toString(16)} and 0x${firstOfQ.toString(16)}:`,
  adjacent ? 'physically adjacent (one run)' : 'not adjacent (two runs)',
);
expect('iommu_map calls (one per huge page run)', m.iommuMapCalls, runs);

lab.mark('an access pins index 1 (read from the domain into the xarray)');
const access = ctx.createAccess(ioas, { needsPinPages: true });
const { r: item, c: p } = measured('pin index 1', () =>
  access.pin(iova + BigInt(PAGE), PAGE, { uptr: buf + PAGE }),
);
expect('pin of index 1: new pins', p.pagesPinned, 0);
expect('pin of index 1: xarray stores', p.xarrayStores, 1);
lab.checkRefs(buf, LEN, 1);

lab.mark('destroy the only domain: __iopt_area_unfill_domain with a carry');
const { c: d } = measured('detach the last domain', () => dom.detach());
lab.log(
  `unfill walk: ${d.iovaToPhysCalls} iova_to_phys, ${d.iommuUnmapCalls} iommu_unmap, ` +
    `${d.pagesUnpinned} unpinned, ${d.warnings} warnings`,
);
expect('pages unpinned (all but index 1)', d.pagesUnpinned, NPAGES - 1);
expect('driver warnings (unmap cut a map call?)', d.warnings, 0);
if (adjacent) {
  // hole [0,0] reads P0 and continues through all 1023 contiguous PFNs.
  expect('iommu_unmap calls (one run)', d.iommuUnmapCalls, 1);
  expect('iova_to_phys calls (one run)', d.iovaToPhysCalls, NPAGES);
} else {
  // 1 (P0) + 511 (P1..P511) + 1 (Q0, not contiguous: stops the read-ahead) + 512 (Q0..Q511).
  expect('iommu_unmap calls (one per earlier map call)', d.iommuUnmapCalls, 2);
  expect('iova_to_phys calls (with the read-ahead stop at Q0)', d.iovaToPhysCalls, NPAGES + 1);
}
lab.checkRefs(buf, PAGE, 0);
lab.checkRefs(buf + PAGE, PAGE, 1);
lab.checkRefs(buf + 2 * PAGE, LEN - 2 * PAGE, 0);
expect('user locked_vm: one page held by the access', lab.process.accounting().userLockedVm, 1);

lab.mark('the access still reads index 1 (xarray); unpin it');
const pat = new Uint8Array([1, 2, 3, 4]);
lab.process.write(buf + PAGE + 100, pat);
const got = access.read(iova + BigInt(PAGE + 100), 4, { slowPath: true });
for (let i = 0; i < 4; i++) expect(`byte ${i} read through the xarray`, got[i], pat[i]);
const { c: u } = measured('unpin index 1', () => access.unpin(item));
expect('unpin index 1: pages unpinned', u.pagesUnpinned, 1);
lab.checkRefs(buf, LEN, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
lab.process.munmap(buf, LEN);
lab.process.munmap(h1, HUGE);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: carry across the huge-page boundary; only the accessed page stays pinned');
