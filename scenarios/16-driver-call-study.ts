/// <reference path="../engine/scenario/api/lab.d.ts" />
/*
 * 16 — Study: IOMMU driver calls by backing type, domain format and API
 *
 * WHAT IT TEACHES
 *   The seed's commit message ends with a suggestion: "a way for the driver
 *   to map and read the pfns lists instead of working with one driver call
 *   per page to read, and one driver call per contiguous range to store".
 *   This study measures what that would buy. For each backing (fragmented
 *   4 KiB pages, hugetlb) and each domain variant it maps 2 MiB into a
 *   first domain (fill_domains), attaches a second domain (fill_domain, which
 *   reads every PFN back from the first) and unmaps (unfill, which reads back
 *   again), counting driver calls:
 *   - mock (2 KiB IO pages) and pagetable x86_64 / arm64_4k (radix tables
 *     with 4 KiB, 64 KiB-contiguous (arm64), 2 MiB and 1 GiB leaves), as
 *     today: iova_to_phys per PAGE on every read-back, iommu_map per run;
 *   - the same with the proposed batch API (batchApi: true): readPfns and
 *     mapPfnList, one call per batch;
 *   - pagetable x86_64 restricted to 4 KiB leaves: what huge pages save in
 *     page-table writes when the domain can use 2 MiB leaves.
 *   Results are identical everywhere (same frames in both domains); only the
 *   traffic differs.
 *
 * KERNEL FUNCTIONS
 *   pages.c: batch_from_domain (the per-page iommu_iova_to_phys loop with the
 *            kernel comment asking for a better API), batch_to_domain,
 *            iopt_area_fill_domains, iopt_area_fill_domain,
 *            __iopt_area_unfill_domain
 *   iommu.c: iommu_map / iommu_pgsize (page-size selection), iommu_unmap
 *
 * WHAT TO LOOK AT IN THE TIMELINE
 *   The "attach second" spans: iovaToPhysCalls 512 without the batch API,
 *   0 with it (readPfnsCalls instead); pteWrites of hugetlb vs 4 KiB memory
 *   on the pagetable domains. The run log prints the whole table.
 */

// A 128 MiB machine is plenty here, and keeps `--check` (which verifies the
// whole machine after every call) fast.
lab.configure({ physicalMemory: 128 * 1024 * 1024, hugetlbPages2M: 8 });

const PAGE = lab.PAGE_SIZE;
const HUGE = lab.HUGEPAGE_SIZE;
const LEN = HUGE; // 2 MiB
const NPAGES = LEN / PAGE;

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

/** Driver calls on the read and store side. */
function driverCalls(c: Counters): number {
  return c.iovaToPhysCalls + c.readPfnsCalls + c.iommuMapCalls + c.mapPfnListCalls;
}

interface Variant {
  name: string;
  opts: DomainOptions;
  /** Only on huge-page backed memory (where the leaf sizes make a difference). */
  hugeOnly?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'mock', opts: {} },
  { name: 'mock+batch', opts: { batchApi: true } },
  { name: 'x86_64', opts: { kind: 'pagetable', format: 'x86_64' } },
  { name: 'x86_64+batch', opts: { kind: 'pagetable', format: 'x86_64', batchApi: true } },
  { name: 'arm64_4k', opts: { kind: 'pagetable', format: 'arm64_4k' } },
  {
    name: 'x86_64 4K-only',
    opts: { kind: 'pagetable', format: 'x86_64', pageSizes: [4096] },
    hugeOnly: true,
  },
];

interface Result {
  runs: number;
  map: Counters;
  attach: Counters;
  unmap: Counters;
  tableBytes: number;
}

const ctx = lab.open();
// (THP behaves like hugetlb here; scenario 13 compares the two.)
const backings: { name: string; buf: number; huge: boolean }[] = [
  { name: '4K', buf: lab.process.mmap(LEN, { populate: true }), huge: false },
  { name: 'hugetlb', buf: lab.process.mmap(LEN, { hugetlb: '2M', align: HUGE, populate: true }), huge: true },
];
const variantsOf = (b: { huge: boolean }): Variant[] => VARIANTS.filter((v) => b.huge || v.hugeOnly !== true);

/**
 * One variant on one backing. `runs` is the backing's number of PFN runs, taken
 * from the first (mock) variant's iommu_map count — one call per run, which
 * scenarios 01-03 and 14 verify page by page.
 */
function run(backing: string, buf: number, v: Variant, knownRuns: number | null): Result {
  const ioas = ctx.ioasAlloc();
  const d1 = ioas.attachDomain(v.opts);
  const { r: iova, c: map } = measured(`${backing}/${v.name}: map (fill_domains)`, () => ioas.map(buf, LEN));
  const { r: d2, c: attach } = measured(`${backing}/${v.name}: attach second (fill_domain)`, () =>
    ioas.attachDomain(v.opts),
  );
  d1.checkMap(iova, LEN, buf);
  d2.checkMap(iova, LEN, buf);
  const runs = knownRuns ?? map.iommuMapCalls;
  const tableBytes = d1.stats().tableBytes;
  lab.checkRefs(buf, LEN, 1);
  const { c: unmap } = measured(`${backing}/${v.name}: unmap (unfill)`, () => ioas.unmap(iova, LEN));
  lab.checkRefs(buf, LEN, 0);
  d2.detach();
  d1.detach();
  ioas.destroy();

  expect(`${backing}/${v.name}: map pins`, map.pagesPinned, NPAGES);
  expect(`${backing}/${v.name}: second attach pins`, attach.pagesPinned, 0);
  expect(`${backing}/${v.name}: unmap unpins`, unmap.pagesUnpinned, NPAGES);
  if (v.opts.batchApi === true) {
    expect(`${backing}/${v.name}: iova_to_phys with the batch API`, attach.iovaToPhysCalls, 0);
    expect(`${backing}/${v.name}: iommu_map with the batch API`, attach.iommuMapCalls, 0);
    if (attach.readPfnsCalls < 1 || attach.mapPfnListCalls < 1)
      throw new Error(
        `${backing}/${v.name}: the batch API was not used (readPfns ${attach.readPfnsCalls}, mapPfnList ${attach.mapPfnListCalls})`,
      );
  } else {
    expect(`${backing}/${v.name}: iova_to_phys per page`, attach.iovaToPhysCalls, NPAGES);
    expect(`${backing}/${v.name}: iommu_map per run (map)`, map.iommuMapCalls, runs);
    expect(`${backing}/${v.name}: iommu_map per run (attach)`, attach.iommuMapCalls, runs);
    expect(`${backing}/${v.name}: readPfns without the batch API`, attach.readPfnsCalls, 0);
  }
  return { runs, map, attach, unmap, tableBytes };
}

const table: Record<string, Record<string, Result>> = {};
for (const b of backings) {
  lab.mark(`backing: ${b.name}`);
  table[b.name] = {};
  let runs: number | null = null;
  for (const v of variantsOf(b)) {
    table[b.name][v.name] = run(b.name, b.buf, v, runs);
    runs = table[b.name][v.name].runs;
  }
}

lab.mark('compare');
lab.log(
  'backing  variant          runs  map:calls  pte  | attach:driver calls  pte | unmap:driver calls  tableB',
);
for (const b of backings) {
  for (const v of variantsOf(b)) {
    const r = table[b.name][v.name];
    lab.log(
      `${b.name.padEnd(8)} ${v.name.padEnd(16)} ${String(r.runs).padStart(4)}  ` +
        `${String(r.map.iommuMapCalls + r.map.mapPfnListCalls).padStart(9)}  ${String(r.map.pteWrites).padStart(4)} | ` +
        `${String(driverCalls(r.attach)).padStart(19)}  ${String(r.attach.pteWrites).padStart(4)} | ` +
        `${String(driverCalls(r.unmap)).padStart(18)}  ${String(r.tableBytes).padStart(6)}`,
    );
  }
}
for (const b of backings) {
  const t = table[b.name];
  // The batch API never costs more driver calls, and read-back gets cheaper by orders of magnitude.
  for (const [plainV, batchV] of [
    ['mock', 'mock+batch'],
    ['x86_64', 'x86_64+batch'],
  ]) {
    const a = driverCalls(t[plainV].attach);
    const z = driverCalls(t[batchV].attach);
    if (!(z < a))
      throw new Error(`${b.name}: attach with ${batchV} (${z} calls) should beat ${plainV} (${a})`);
  }
}
// Huge leaves: a 2 MiB huge page is one PTE write on x86_64 when the domain may use 2 MiB leaves.
const hugeX86 = table['hugetlb']['x86_64'].map.pteWrites;
const plainX86 = table['4K']['x86_64'].map.pteWrites;
const huge4k = table['hugetlb']['x86_64 4K-only'].map.pteWrites;
if (!(hugeX86 * 10 < plainX86))
  throw new Error(
    `x86_64: hugetlb map should need far fewer PTE writes than 4K memory (${hugeX86} vs ${plainX86})`,
  );
if (huge4k < NPAGES)
  throw new Error(`x86_64 4K-only: ${NPAGES} leaf writes expected at least, got ${huge4k}`);
lab.log(
  `x86_64 PTE writes for 2 MiB: hugetlb ${hugeX86}, 4K pages ${plainX86}, hugetlb with 4K leaves only ${huge4k}`,
);

lab.mark('teardown');
ctx.close();
for (const b of backings) lab.checkRefs(b.buf, LEN, 0);
lab.log('ok: same results, traffic set by runs, leaf sizes and the driver API');
