/**
 * io_pagetable: (1) map 16 GiB of THP-backed memory as one area into an IOAS
 * with 4 page-table domains (one pin per page, four domains filled from one
 * pfn_reader pass), then unmap it; (2) map 100 000 small areas with automatic
 * IOVAs and unmap them in random order (IOVA allocator and interval tree
 * cost); (3) digest() and checkInvariants() of the same live state on
 * machines of 128 MiB, 4 GiB and 64 GiB (must be flat: O(live state), not
 * O(frames); the deep check sweeps the frames for comparison). Reports time, counters and the engine's own memory. Nothing is
 * asserted: the figures are for people.
 */
import { diffCounters, snapshotCounters, type Counters } from '../engine/base';
import { Machine } from '../engine/iommufd';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function ms(t0: number): string {
  return `${(performance.now() - t0).toFixed(0)} ms`;
}

function heapMiB(): string {
  const m = process.memoryUsage();
  return `heap ${(m.heapUsed / MiB).toFixed(0)} MiB, arrayBuffers ${(m.arrayBuffers / MiB).toFixed(0)} MiB`;
}

function show(label: string, c: Counters): void {
  const keys: (keyof Counters)[] = [
    'pinCalls',
    'pagesPinned',
    'pagesUnpinned',
    'iommuMapCalls',
    'iommuUnmapCalls',
    'iovaToPhysCalls',
    'pteWrites',
    'iotlbFlushes',
    'batchRuns',
    'batchPfns',
    'tempMemoryPeakBytes',
    'warnings',
  ];
  console.log(`  ${label}: ${keys.map((k) => `${k}=${fmt(c[k])}`).join(' ')}`);
}

function bigMap(): void {
  const SIZE = 16 * GiB;
  console.log(`-- 16 GiB THP area, 4 x86_64 page-table domains`);
  const m = new Machine({ physicalMemory: 20 * GiB, hugetlbPages2M: 0, fragmentation: 0.5 });
  const k = m.kernel;
  const ctx = m.open();
  const ioas = ctx.ioasAlloc();
  for (let i = 0; i < 4; i++) ioas.attachDomain({ kind: 'pagetable', format: 'x86_64' });
  let t0 = performance.now();
  const buf = m.process.mmap(SIZE, { thp: true, align: 2 * MiB, populate: true });
  console.log(`  mmap+populate: ${ms(t0)}`);
  let c0 = snapshotCounters(k.counters);
  t0 = performance.now();
  const iova = ioas.map(buf, SIZE);
  console.log(`  map: ${ms(t0)} at iova 0x${iova.toString(16)}`);
  show('map', diffCounters(k.counters, c0));
  const dom = ioas.domains[0];
  console.log(
    `  domain 0: ${fmt(dom.stats().mapCalls)} map calls, table ${(dom.stats().tableBytes / KiB).toFixed(0)} KiB; ${heapMiB()}`,
  );
  const em = m.memory.engineMemory();
  console.log(
    `  engine memory: frames ${(em.frameBytes / MiB).toFixed(0)} MiB (${em.bytesPerFrame.toFixed(1)} B/frame), page tables ${(em.pageTableBytes / MiB).toFixed(1)} MiB`,
  );
  t0 = performance.now();
  const d = JSON.stringify(m.digest()).length;
  console.log(`  digest: ${ms(t0)}, ${fmt(d)} bytes`);
  c0 = snapshotCounters(k.counters);
  t0 = performance.now();
  ioas.unmap(iova, SIZE);
  console.log(`  unmap: ${ms(t0)}`);
  show('unmap', diffCounters(k.counters, c0));
  const leaks = m.teardownCheck();
  console.log(`  teardown leaks: ${leaks.length === 0 ? 'none' : leaks.join('; ')}`);
}

function manyAreas(): void {
  const N = 100_000;
  console.log(`-- ${fmt(N)} small areas, automatic IOVA, unmapped in random order (no domain)`);
  const m = new Machine({ physicalMemory: 1 * GiB, hugetlbPages2M: 0 });
  const ctx = m.open();
  const ioas = ctx.ioasAlloc();
  const buf = m.process.mmap(64 * MiB);
  const iovas: bigint[] = new Array<bigint>(N);
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const pages = 1 + (i % 4);
    iovas[i] = ioas.map(buf + (i % 1024) * 4096, pages * 4096);
  }
  const tMap = performance.now() - t0;
  console.log(
    `  map: ${tMap.toFixed(0)} ms (${((tMap * 1000) / N).toFixed(1)} µs/map), areas ${fmt(ioas.iopt.areaItree.size)}, last iova 0x${iovas[N - 1].toString(16)}; ${heapMiB()}`,
  );
  // Fisher-Yates with a fixed LCG: same order every run
  const order = Array.from({ length: N }, (_, i) => i);
  let s = 12345;
  for (let i = N - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  t0 = performance.now();
  for (const i of order) ioas.unmap(iovas[i], (1 + (i % 4)) * 4096);
  const tUnmap = performance.now() - t0;
  console.log(
    `  unmap: ${tUnmap.toFixed(0)} ms (${((tUnmap * 1000) / N).toFixed(1)} µs/unmap), areas left ${ioas.iopt.areaItree.size}`,
  );
  // first fit over a fragmented space: K one-page holes that an 8 KiB request
  // cannot use, so every allocation walks all of them (the kernel's cost too)
  const K = 5000;
  const small: bigint[] = [];
  for (let i = 0; i < 2 * K; i++) small.push(ioas.map(buf, 4096));
  for (let i = 0; i < 2 * K; i += 2) ioas.unmap(small[i], 4096);
  t0 = performance.now();
  for (let i = 0; i < 1000; i++) ioas.map(buf, 8192);
  const tFrag = performance.now() - t0;
  console.log(
    `  fragmented: 1,000 maps of 8 KiB past ${fmt(K)} one-page holes: ${tFrag.toFixed(0)} ms (${((tFrag * 1000) / 1000).toFixed(0)} µs/map)`,
  );
  const leaks = m.teardownCheck();
  console.log(`  teardown leaks: ${leaks.length === 0 ? 'none' : leaks.join('; ')}`);
}

/** Mean ms of fn over reps calls. */
function timeEach(reps: number, fn: () => unknown): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

/** digest() and checkInvariants() cost against machine size, the live state fixed. */
export function digestAndCheckVsSize(): void {
  console.log('digest / check vs machine size (16 MiB mapped into 1 domain + 64 KiB access-pinned):');
  for (const size of [128 * MiB, 4 * GiB, 64 * GiB]) {
    const m = new Machine({ physicalMemory: size, hugetlbPages2M: 0 });
    const ctx = m.open();
    const ioas = ctx.ioasAlloc();
    ioas.attachDomain();
    const buf = m.process.mmap(16 * MiB, { thp: true, align: 2 * MiB });
    ioas.map(buf, 16 * MiB, { iova: 1n << 24n });
    const acc = ctx.createAccess(ioas, { needsPinPages: true });
    acc.pin(1n << 24n, 64n * 1024n);
    const digest = timeEach(20, () => m.digest());
    const check = timeEach(20, () => m.checkInvariants());
    const deep = timeEach(2, () => m.checkInvariants({ deep: true }));
    const bytes = JSON.stringify(m.digest()).length;
    console.log(
      `  ${String(size / MiB).padStart(6)} MiB: digest ${digest.toFixed(2)} ms (${bytes} B), ` +
        `checkInvariants ${check.toFixed(2)} ms, deep check ${deep.toFixed(1)} ms`,
    );
    acc.close();
    ctx.close();
  }
}

export async function run(): Promise<void> {
  bigMap();
  manyAreas();
  digestAndCheckVsSize();
  await Promise.resolve();
}
