/**
 * Child process of bench/floor.ts, started with --expose-gc: the engine's
 * own memory with 16 GiB of THP mapped into an IOAS with 4 x86_64 page-table
 * domains — heap and array buffers after a full collection, less what the
 * engine holds for the emulated machine itself (RAM contents, process page
 * tables, IOMMU page tables). Frame metadata counts as the engine's own.
 * Prints one JSON line.
 */
import { Machine } from '../engine/iommufd';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const DOMAINS = 4;

const maybeGc = (globalThis as { gc?: () => void }).gc;
if (maybeGc === undefined) throw new Error('_floor-memory.ts: run with node --expose-gc');
const gc = maybeGc;

function heapBytes(): number {
  gc();
  gc(); // a second pass collects what the first one's finalizers released
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const before = heapBytes();
const m = new Machine({ physicalMemory: 20 * GiB, hugetlbPages2M: 0, fragmentation: 0.5 });
const ioas = m.open().ioasAlloc();
const doms = [];
for (let i = 0; i < DOMAINS; i++) doms.push(ioas.attachDomain({ kind: 'pagetable', format: 'x86_64' }));
const buf = m.process.mmap(16 * GiB, { thp: true, align: 2 * MiB, populate: true });
ioas.map(buf, 16 * GiB);
const totalBytes = heapBytes() - before;
const em = m.memory.engineMemory();
const iommuTableBytes = doms.reduce((s, d) => s + d.stats().tableBytes, 0);
console.log(
  JSON.stringify({
    totalBytes,
    ownBytes: totalBytes - em.contentBytes - em.pageTableBytes - iommuTableBytes,
    frameBytes: em.frameBytes,
    contentBytes: em.contentBytes,
    pageTableBytes: em.pageTableBytes,
    iommuTableBytes,
    // keep the machine alive until after the measurement
    areas: m.contexts().length,
  }),
);
