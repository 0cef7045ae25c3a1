/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 22 — The carry outlives several spans (and the harmless read-ahead probe)
 *
 * WHAT IT TEACHES
 *   A second look at __iopt_area_unfill_domain (IOMMUFD-ALGORITHMS.md §7.4):
 *   one 2 MiB huge page = ONE physically contiguous run of 512 PFNs, accesses
 *   on indexes 1 and 3, the only domain destroyed. The double span over
 *   (domains_itree, access_itree) is hole [0,0], used [1,1], hole [2,2],
 *   used [3,3], hole [4,511].
 *     hole [0,0]: read P0, then batch_from_domain_continue reads ahead through
 *       the whole run (P1..P511) — the only legal cut point is the end of the
 *       area — so ONE unmap covers everything; index 0 is unpinned, P1..P511
 *       become the carry (511).
 *     used [1,1]: skip 1 from the carry.
 *     hole [2,2]: the carry already covers it (unmapped_end > hole_last):
 *       unpin index 2 from the carry. Because the hole ends before the area
 *       does, the code still "continues" at index 3 — an IOVA that is already
 *       unmapped. iova_to_phys says "not mapped", which is never contiguous,
 *       so nothing is added: a harmless probe the kernel code does in every
 *       version (no WARN here; the engine records it as a probe event).
 *     used [3,3]: skip 1.   hole [4,511]: unpin the remaining 508 from the carry.
 *   Result: 1 unmap call, 512 + 1 iova_to_phys calls, 510 pages unpinned,
 *   indexes 1 and 3 still pinned (xarray), nothing else.
 *
 * KERNEL FUNCTIONS
 *   pages.c: __iopt_area_unfill_domain, iopt_area_unpin_domain,
 *            batch_from_domain_continue, batch_skip_carry, batch_clear_carry
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   "detach the last domain": iommuUnmapCalls 1, iovaToPhysCalls 513,
 *   pagesUnpinned 510, warnings 0.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const LEN = lab.HUGEPAGE_SIZE;
const NPAGES = LEN / PAGE; // 512

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

const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const dom = ioas.attachDomain();
const buf = lab.process.mmap(LEN, { hugetlb: '2M', populate: true });

lab.mark('map one 2 MiB huge page: one run, one iommu_map');
const { r: iova, c: m } = measured('map 1 huge page', () => ioas.map(buf, LEN));
expect('iommu_map calls', m.iommuMapCalls, 1);
dom.checkMap(iova, LEN, buf);

lab.mark('accesses pin indexes 1 and 3');
const access = ctx.createAccess(ioas, { needsPinPages: true });
const i1 = access.pin(iova + BigInt(PAGE), PAGE);
const i3 = access.pin(iova + BigInt(3 * PAGE), PAGE);
lab.checkRefs(buf, LEN, 1);

lab.mark('destroy the only domain');
const { c: d } = measured('detach the last domain', () => dom.detach());
lab.log(
  `unfill walk: ${d.iovaToPhysCalls} iova_to_phys, ${d.iommuUnmapCalls} iommu_unmap, ` +
    `${d.pagesUnpinned} unpinned, ${d.warnings} warnings`,
);
expect('iommu_unmap calls (the run is only cut at the end of the area)', d.iommuUnmapCalls, 1);
expect('iova_to_phys calls (512 + the probe at index 3)', d.iovaToPhysCalls, NPAGES + 1);
expect('pages unpinned (all but indexes 1 and 3)', d.pagesUnpinned, NPAGES - 2);
expect('driver warnings', d.warnings, 0);
for (let i = 0; i < 5; i++)
  expect(`pin count of index ${i}`, lab.pinCount(buf + i * PAGE), i === 1 || i === 3 ? 1 : 0);
lab.checkRefs(buf + 4 * PAGE, LEN - 4 * PAGE, 0);
expect('user locked_vm: the two accessed pages', lab.process.accounting().userLockedVm, 2);

lab.mark('release the accesses');
access.unpin(i1);
access.unpin(i3);
lab.checkRefs(buf, LEN, 0);

lab.mark('teardown');
ctx.close();
lab.checkRefs(buf, LEN, 0);
expect('user locked_vm after close', lab.process.accounting().userLockedVm, 0);
lab.log('ok: one unmap for the whole run; the carry served three spans');
