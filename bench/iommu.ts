/**
 * Emulated IOMMU: map and unmap a large range as 4 KiB, 2 MiB and 1 GiB
 * physically contiguous runs (what iommufd's batch_to_domain issues when the
 * user memory is fully fragmented, backed by huge pages, or by 1 GiB hugetlb
 * pages), on each page-table format and on the selftest mock. One
 * iommu_map per run (today's API) or one mapPfnList per batch of runs (the
 * seed's proposed API, §13); then one iommu_unmap of the whole range, and a
 * read-back of every PAGE_SIZE frame (iova_to_phys per page vs readPfns).
 * Reports calls, PTE writes against the minimum possible, table memory and
 * time. Nothing is asserted: the figures are for people.
 */
import { Kernel, PAGE_SIZE } from '../engine/base';
import {
  createDomain,
  IOMMU_READ,
  IOMMU_WRITE,
  iommuMap,
  iommuMapPfnList,
  iommuReadPfns,
  iommuUnmap,
  type CreateDomainOptions,
  type IommuDomain,
} from '../engine/iommu';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const RW = IOMMU_READ | IOMMU_WRITE;
/** Runs per pfn_batch at the default TEMP_MEMORY_LIMIT (65536 / 12 bytes). */
const BATCH_RUNS = Math.floor(65536 / 12);

interface Target {
  name: string;
  opts: CreateDomainOptions;
  iova: number;
  total: number;
}

const TARGETS: Target[] = [
  { name: 'x86_64', opts: { kind: 'pagetable', format: 'x86_64' }, iova: 4 * GiB, total: 4 * GiB },
  { name: 'arm64_4k', opts: { kind: 'pagetable', format: 'arm64_4k' }, iova: 4 * GiB, total: 4 * GiB },
  { name: 'mock', opts: { kind: 'mock' }, iova: GiB, total: GiB },
];

const RUNS = [4 * KiB, 2 * MiB, GiB];

/** Physical address of run i: scattered (a stride permutation), aligned to the run size. */
function paddrOf(i: number, nruns: number, run: number): number {
  const stride = nruns > 7 ? 7 : 1;
  const slot = (i * stride) % nruns; // a permutation when gcd(stride, nruns) = 1
  return 8 * GiB + slot * run;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function bytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(0)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= KiB) return `${(n / KiB).toFixed(0)} KiB`;
  return `${n} B`;
}

/** PTE writes of the cheapest possible map of the range: one call, largest leaves. */
function minimumMapWrites(t: Target): number {
  const d = createDomain(new Kernel(), 0, t.opts);
  iommuMap(d, t.iova, 16 * GiB, t.total, RW);
  return d.stats().pteWrites;
}

interface Row {
  target: string;
  run: string;
  api: string;
  mapCalls: number;
  driverCalls: number;
  leaves: number;
  mapWrites: number;
  minWrites: number;
  tablePeak: number;
  unmapWrites: number;
  unmapPagesCalls: number;
  flushes: number;
  readCalls: number;
  mapMs: number;
  unmapMs: number;
  readMs: number;
  tableAfter: number;
}

function runOne(t: Target, run: number, batch: boolean, min: number): Row {
  const k = new Kernel();
  const d: IommuDomain = createDomain(k, 1, { ...t.opts, batchApi: batch });
  const nruns = t.total / run;

  const t0 = performance.now();
  if (batch) {
    const paddrs = new Float64Array(BATCH_RUNS);
    const sizes = new Float64Array(BATCH_RUNS).fill(run);
    for (let i = 0; i < nruns; i += BATCH_RUNS) {
      const n = Math.min(BATCH_RUNS, nruns - i);
      for (let j = 0; j < n; j++) paddrs[j] = paddrOf(i + j, nruns, run);
      iommuMapPfnList(d, t.iova + i * run, paddrs, sizes, n, RW);
    }
  } else {
    for (let i = 0; i < nruns; i++) iommuMap(d, t.iova + i * run, paddrOf(i, nruns, run), run, RW);
  }
  const t1 = performance.now();
  const afterMap = d.stats();

  // read back every PAGE_SIZE frame, as batch_from_domain does before unpinning
  let pages = 0;
  const npages = t.total / PAGE_SIZE;
  const sink = (_pfn: number, count: number): boolean => {
    pages += count;
    return true;
  };
  for (let p = 0; p < npages; p += 1 << 18) {
    iommuReadPfns(d, t.iova + p * PAGE_SIZE, Math.min(1 << 18, npages - p), sink);
  }
  const t2 = performance.now();
  const afterRead = d.stats();

  const unmapped = iommuUnmap(d, t.iova, t.total);
  const t3 = performance.now();
  const end = d.stats();
  if (unmapped !== t.total || pages !== npages || k.events.warnings !== 0) {
    console.log(
      `  !! ${t.name} ${bytes(run)}: unmapped ${unmapped}, read ${pages} pages, ${k.events.warnings} warnings`,
    );
  }
  d.free();
  return {
    target: t.name,
    run: bytes(run),
    api: batch ? 'batch' : 'per-run',
    mapCalls: afterMap.mapCalls + afterMap.mapPfnListCalls,
    driverCalls: afterMap.mapPagesCalls + afterMap.mapPfnListCalls,
    leaves: afterMap.ioPagesMapped,
    mapWrites: afterMap.pteWrites,
    minWrites: min,
    tablePeak: afterMap.tableBytesPeak,
    unmapWrites: end.pteWrites - afterRead.pteWrites,
    unmapPagesCalls: end.unmapPagesCalls,
    flushes: end.iotlbFlushes,
    readCalls: afterRead.iovaToPhysCalls + afterRead.readPfnsCalls,
    mapMs: t1 - t0,
    unmapMs: t3 - t2,
    readMs: t2 - t1,
    tableAfter: end.tableBytes,
  };
}

function table(rows: Row[]): void {
  const head = [
    'domain',
    'run',
    'api',
    'map calls',
    'driver calls',
    'leaves',
    'map PTE writes',
    'min',
    'x min',
    'table peak',
    'unmap PTE writes',
    'unmap_pages',
    'flushes',
    'read calls',
    'map ms',
    'read ms',
    'unmap ms',
  ];
  const cells = rows.map((r) => [
    r.target,
    r.run,
    r.api,
    fmt(r.mapCalls),
    fmt(r.driverCalls),
    fmt(r.leaves),
    fmt(r.mapWrites),
    fmt(r.minWrites),
    (r.mapWrites / r.minWrites).toFixed(1),
    bytes(r.tablePeak),
    fmt(r.unmapWrites),
    fmt(r.unmapPagesCalls),
    fmt(r.flushes),
    fmt(r.readCalls),
    r.mapMs.toFixed(0),
    r.readMs.toFixed(0),
    r.unmapMs.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c.map((x, i) => (i < 3 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  console.log(line(head));
  for (const c of cells) console.log(line(c));
}

export async function run(): Promise<void> {
  const rows: Row[] = [];
  for (const t of TARGETS) {
    const min = minimumMapWrites(t);
    for (const run of RUNS) {
      if (run > t.total) continue;
      for (const batch of [false, true]) rows.push(runOne(t, run, batch, min));
    }
  }
  console.log(
    `map ${bytes(4 * GiB)} (mock: ${bytes(GiB)}) as physically scattered runs; unmap in one call; ` +
      `read every 4 KiB frame back. "min" = PTE writes of one map of the whole range with the largest leaves; ` +
      `batch = mapPfnList of ${BATCH_RUNS} runs / readPfns.`,
  );
  table(rows);
  const leak = rows.filter((r) => r.tableAfter !== 0);
  if (leak.length > 0) console.log(`!! table memory left after unmap in ${leak.length} runs`);
}
