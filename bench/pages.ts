/**
 * PFN storage (pages.c): fill 1 M pages (4 GiB) of user memory into 1, 2, 4
 * and 8 IOMMU domains, then unfill; add and remove an in-kernel access over
 * the whole range; copy 64 MiB through the rw slow path. Memory is backed by
 * fragmented 4 KiB frames, by THP and by 2 MiB hugetlb pages. 1 M pages do
 * not fit the selftest mock's aperture (16 MiB .. 2 GiB), so the 1 M page
 * runs use x86_64 page-table domains and the mock runs use 128 K pages.
 *
 * Reported per run: time, pages/s, iommu_map calls against the minimum (one
 * per maximal physically contiguous run, per domain), the leaf page sizes the
 * domains used, iova_to_phys calls, pins per page (always exactly 1: a page
 * is pinned once per IoptPages however many domains hold it) and the engine
 * bytes per page that are neither emulated RAM nor IOMMU tables (xarray
 * nodes + tree nodes: with only domains this is O(areas), i.e. ~0 per page).
 * Nothing is asserted about time.
 */
import { PAGE_SIZE } from '../engine/base';
import type { CreateDomainOptions, IommuDomain } from '../engine/iommu';
import { addAccess, removeAccess, rwAccess, type IoptPages } from '../engine/iommufd/pages';
import type { IoptArea } from '../engine/iommufd/area-pages';
import { Fixture } from '../engine/iommufd/pages/testing/fixture';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

type Backing = 'frag4k' | 'thp' | 'hugetlb';

interface Setup {
  f: Fixture;
  uptr: number;
  npages: number;
  pages: IoptPages;
  runs: number;
}

function setup(backing: Backing, npages: number): Setup {
  const len = npages * PAGE_SIZE;
  const f = new Fixture({
    physicalMemory: len + 2 * GiB,
    fragmentation: 0.5,
    hugetlbPages2M: backing === 'hugetlb' ? len / (2 * MiB) : 0,
  });
  const uptr =
    backing === 'hugetlb'
      ? f.proc.mmap(len, { hugetlb: '2M', populate: true })
      : f.proc.mmap(len, { thp: backing === 'thp', populate: true });
  // the minimum number of map calls: maximal physically contiguous runs
  let runs = 0;
  let prev = -2;
  for (let i = 0; i < npages; i++) {
    const pfn = f.proc.translate(uptr + i * PAGE_SIZE);
    if (pfn !== prev + 1) runs++;
    prev = pfn;
  }
  return { f, uptr, npages, pages: f.pages(uptr, len), runs };
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function leafSizes(d: IommuDomain): string {
  const by = new Map<number, number>();
  for (const r of d.mappedRanges()) by.set(r.pageSize, (by.get(r.pageSize) ?? 0) + r.length / r.pageSize);
  return [...by.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s >= MiB ? `${s / MiB}M` : `${s / 1024}K`}×${fmt(n)}`)
    .join(' ');
}

function pinsPerPage(s: Setup): string {
  const phys = s.f.mem.phys;
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < s.npages; i += 97) {
    const c = phys.pinCount(s.f.proc.translate(s.uptr + i * PAGE_SIZE));
    min = Math.min(min, c);
    max = Math.max(max, c);
  }
  return min === max ? String(min) : `${min}..${max}`;
}

function fillRun(
  backing: Backing,
  npages: number,
  ndomains: number,
  opts: CreateDomainOptions,
  iova: number,
): void {
  const s = setup(backing, npages);
  const { f } = s;
  for (let i = 0; i < ndomains; i++) f.attachDomain(opts);
  const c = f.kernel.counters;
  const map0 = c.iommuMapCalls;
  const i2p0 = c.iovaToPhysCalls;
  const list0 = c.mapPfnListCalls;
  const t0 = performance.now();
  const area: IoptArea = f.mapArea(s.pages, iova, npages * PAGE_SIZE, 0);
  const t1 = performance.now();
  const mapCalls = c.iommuMapCalls - map0;
  const i2p = c.iovaToPhysCalls - i2p0;
  const engine = s.pages.engineBytes();
  const pins = pinsPerPage(s);
  const leaves = leafSizes(f.iopt.domains[0]);
  const listCalls = c.mapPfnListCalls - list0;
  const unmap0 = c.iommuUnmapCalls;
  const ui2p0 = c.iovaToPhysCalls;
  const read0 = c.readPfnsCalls;
  const t2 = performance.now();
  f.unmapArea(area);
  const t3 = performance.now();
  console.log(
    `  ${backing.padEnd(7)} ${String(ndomains).padStart(2)} dom  fill ${fmt(t1 - t0).padStart(6)} ms ` +
      `${fmt(npages / ((t1 - t0) / 1000)).padStart(11)} pages/s  map calls ${fmt(mapCalls)} (min ${fmt(s.runs * ndomains)})` +
      `${listCalls > 0 ? ` mapPfnList calls ${fmt(listCalls)}` : ''}  ` +
      `iova_to_phys ${fmt(i2p)}  pins/page ${pins}  engine B/page ${fmt(engine / npages, 4)} (${engine} B)  ` +
      `leaves ${leaves}  | unfill ${fmt(t3 - t2)} ms, unmap calls ${fmt(c.iommuUnmapCalls - unmap0)}, ` +
      `iova_to_phys ${fmt(c.iovaToPhysCalls - ui2p0)}${c.readPfnsCalls > read0 ? `, readPfns ${fmt(c.readPfnsCalls - read0)}` : ''}`,
  );
  if (s.pages.npinned !== 0 || f.kernel.counters.warnings !== 0)
    console.log(`    !! npinned ${s.pages.npinned}, warnings ${f.kernel.counters.warnings}`);
  for (const d of [...f.iopt.domains]) f.detachDomain(d);
}

function accessRun(backing: Backing, npages: number): void {
  const s = setup(backing, npages);
  const { f } = s;
  f.attachDomain({ kind: 'pagetable' });
  const area = f.mapArea(s.pages, 4 * GiB, npages * PAGE_SIZE, 0);
  const out = new Uint32Array(npages);
  const c = f.kernel.counters;
  const i2p0 = c.iovaToPhysCalls;
  const t0 = performance.now();
  addAccess(area, 0, npages - 1, out, true, f.proc);
  const t1 = performance.now();
  const xaBytes = s.pages.pinnedPfns.nodeBytes();
  const i2p = c.iovaToPhysCalls - i2p0;
  removeAccess(area, 0, npages - 1);
  const t2 = performance.now();
  console.log(
    `  ${backing.padEnd(7)} add access ${fmt(t1 - t0)} ms (${fmt(npages / ((t1 - t0) / 1000))} pages/s, ` +
      `iova_to_phys ${fmt(i2p)}, xarray ${fmt(xaBytes / npages, 2)} B/page)  remove ${fmt(t2 - t1)} ms  ` +
      `xarray after: ${s.pages.pinnedPfns.size} entries, pins/page ${pinsPerPage(s)}`,
  );
  // with no domain: every page pinned by the access itself
  f.detachDomain(f.iopt.domains[0]);
  const t3 = performance.now();
  addAccess(area, 0, npages - 1, out, true, f.proc);
  const t4 = performance.now();
  removeAccess(area, 0, npages - 1);
  const t5 = performance.now();
  console.log(
    `  ${backing.padEnd(7)} (no domain) add access ${fmt(t4 - t3)} ms, remove ${fmt(t5 - t4)} ms, npinned after ${s.pages.npinned}`,
  );
  f.unmapArea(area);
}

function rwRun(): void {
  const npages = (64 * MiB) / PAGE_SIZE;
  const s = setup('frag4k', npages);
  const { f } = s;
  f.attachDomain({ kind: 'pagetable' });
  const area = f.mapArea(s.pages, 4 * GiB, (npages / 2) * PAGE_SIZE, 0); // half domain-held, half not
  const data = new Uint8Array(64 * MiB);
  const other = f.mem.createProcess();
  for (const write of [true, false]) {
    const t0 = performance.now();
    rwAccess(s.pages, 0, data, 0, data.length, { write, slowPath: true }, other);
    const t1 = performance.now();
    console.log(
      `  rw slow path ${write ? 'write' : 'read '} 64 MiB: ${fmt(t1 - t0)} ms (${fmt(64 / ((t1 - t0) / 1000), 1)} MiB/s), ` +
        `npinned after ${s.pages.npinned} (area holds ${npages / 2})`,
    );
  }
  f.unmapArea(area);
}

export async function run(): Promise<void> {
  const big = 2 ** 20;
  console.log(`fill / unfill ${fmt(big)} pages (4 GiB) into x86_64 page-table domains:`);
  for (const backing of ['frag4k', 'thp', 'hugetlb'] as const)
    for (const n of [1, 2, 4, 8]) fillRun(backing, big, n, { kind: 'pagetable' }, 4 * GiB);
  const small = 2 ** 17;
  console.log(
    `fill / unfill ${fmt(small)} pages (512 MiB) into mock domains (the mock aperture is 2 GiB - 16 MiB):`,
  );
  for (const n of [1, 2, 4, 8]) fillRun('frag4k', small, n, { kind: 'mock' }, 2 ** 24);
  console.log('fill with the §13 batch API (readPfns / mapPfnList), x86_64, 4 domains:');
  fillRun('frag4k', big, 4, { kind: 'pagetable', batchApi: true }, 4 * GiB);
  console.log(`add / remove an access over ${fmt(big)} pages:`);
  accessRun('frag4k', big);
  console.log('rw through the slow path:');
  rwRun();
}
