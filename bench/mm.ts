/**
 * engine/mm benchmark: long-term pinning of 4 GiB (1 M pages) of fragmented
 * 4 KiB memory, THP memory and hugetlb 2 MiB memory, in chunks of 512 pages
 * per pin_user_pages call as iommufd's pfn_reader_user would, then unpinning
 * run by run as batch_unpin does. Prints pages/s, pages and contiguous runs
 * per pin call, and the engine's own memory cost against its targets.
 * Nothing here asserts on time.
 */
import { Kernel, PAGE_SIZE } from '../engine/base';
import { MemorySystem, type MmapOptions } from '../engine/mm';

const GiB = 2 ** 30;
const NPAGES = 1 << 20; // 4 GiB
const CHUNK = 512;

interface Case {
  name: string;
  machine: { physicalMemory: number; fragmentation: number; hugetlbPages2M: number };
  mmap: MmapOptions;
}

const CASES: Case[] = [
  {
    name: '4 KiB pages, fragmentation 0.5',
    machine: { physicalMemory: 8 * GiB, fragmentation: 0.5, hugetlbPages2M: 0 },
    mmap: {},
  },
  {
    name: '4 KiB pages, fragmentation 1',
    machine: { physicalMemory: 8 * GiB, fragmentation: 1, hugetlbPages2M: 0 },
    mmap: {},
  },
  {
    name: 'THP, fragmentation 0.5',
    machine: { physicalMemory: 16 * GiB, fragmentation: 0.5, hugetlbPages2M: 0 },
    mmap: { thp: true },
  },
  {
    name: 'hugetlb 2 MiB',
    machine: { physicalMemory: 8 * GiB, fragmentation: 0.5, hugetlbPages2M: 2048 },
    mmap: { hugetlb: '2M' },
  },
];

function fmt(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(2);
}

function runCase(c: Case): void {
  const t0 = performance.now();
  const sys = new MemorySystem(new Kernel(), c.machine);
  const tCreate = performance.now() - t0;
  const p = sys.createProcess();
  const uptr = p.mmap(NPAGES * PAGE_SIZE, c.mmap);
  const pfns = new Uint32Array(NPAGES);
  const k = sys.kernel.counters;

  // first pin: faults every page in
  let t = performance.now();
  let calls = 0;
  for (let done = 0; done < NPAGES;) {
    done += p.mm.pinUserPages(uptr + done * PAGE_SIZE, Math.min(CHUNK, NPAGES - done), true, pfns, done);
    calls++;
  }
  const tFaultPin = performance.now() - t;
  let runs = 0;
  for (let i = 0; i < NPAGES; i++) if (i === 0 || pfns[i] !== pfns[i - 1] + 1 || i % CHUNK === 0) runs++;
  const unpinRuns = (): void => {
    let start = 0;
    for (let i = 1; i <= NPAGES; i++) {
      if (i === NPAGES || pfns[i] !== pfns[i - 1] + 1) {
        sys.phys.unpinRange(pfns[start], i - start, true);
        start = i;
      }
    }
  };
  t = performance.now();
  unpinRuns();
  const tUnpin = performance.now() - t;

  // second pin: pages present, pure GUP
  t = performance.now();
  for (let done = 0; done < NPAGES;) {
    done += p.mm.pinUserPages(uptr + done * PAGE_SIZE, Math.min(CHUNK, NPAGES - done), false, pfns, done);
  }
  const tPin = performance.now() - t;
  unpinRuns();
  const mem = sys.engineMemory();

  console.log(
    `\n${c.name}  (machine ${c.machine.physicalMemory / GiB} GiB, created in ${tCreate.toFixed(0)} ms)`,
  );
  console.log(`  pin + fault-in : ${fmt(NPAGES / (tFaultPin / 1000))} pages/s  (${k.pageFaults} faults)`);
  console.log(`  pin (present)  : ${fmt(NPAGES / (tPin / 1000))} pages/s`);
  console.log(`  unpin by runs  : ${fmt(NPAGES / (tUnpin / 1000))} pages/s`);
  console.log(
    `  per pin call   : ${(NPAGES / calls).toFixed(0)} pages, ${(runs / calls).toFixed(1)} contiguous runs`,
  );
  console.log(
    `  engine memory  : ${mem.bytesPerFrame.toFixed(2)} B/frame (target 16, ratio ${(mem.bytesPerFrame / 16).toFixed(2)}), ` +
      `${mem.bytesPerMappedPage.toFixed(2)} B/mapped page (target 8, ratio ${(mem.bytesPerMappedPage / 8).toFixed(2)})`,
  );
  p.exit();
}

export async function run(): Promise<void> {
  for (const c of CASES) runCase(c);
  const t = performance.now();
  const big = new MemorySystem(new Kernel(), { physicalMemory: 64 * GiB });
  const m = big.engineMemory();
  console.log(
    `\n64 GiB machine: ${m.frames} frames, created in ${(performance.now() - t).toFixed(0)} ms, ` +
      `${m.bytesPerFrame.toFixed(2)} B/frame (target 16, ratio ${(m.bytesPerFrame / 16).toFixed(2)})`,
  );
  await Promise.resolve();
}
