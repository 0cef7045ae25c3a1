/**
 * The lab's face, engine side: (1) tier summary of one IoptPages of 1 M and
 * 16 M pages at 2 000 buckets, its state fragmented into many tier runs
 * (target < 5 ms for 1 M pages); (2) the physical memory summary of a 64 GiB
 * machine (16 M frames, one typed-array sweep); (3) jumping to a step of a
 * finished 10 000-event run through `inspect` in a worker — tiers from the
 * digest, and phys + domains from a deterministic replay (target p95
 * < 100 ms); (4) live frames' overhead on a 100 000-op run (target < 5 %).
 * Figures, targets and ratios are printed; nothing is asserted.
 */
import { PAGE_SIZE } from '../engine/base';
import { Machine } from '../engine/iommufd';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerHost } from '../cli/worker-host';

const MiB = 1 << 20;
const GiB = 1 << 30;

function line(label: string, value: number, unit: string, target: number): void {
  console.log(
    `  ${label}: ${value.toFixed(2)} ${unit} (target < ${target} ${unit}, ratio ${(value / target).toFixed(2)})`,
  );
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

function best(n: number, f: () => void): number {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

/** One area of `npages` pages with a domain; accesses pin every 64th page pair (many runs). */
function tierState(npages: number): Machine {
  const m = new Machine({ physicalMemory: npages * PAGE_SIZE + 512 * MiB, hugetlbPages2M: 0 });
  const ctx = m.open();
  const ioas = ctx.ioasAlloc();
  const acc = ctx.createAccess(ioas, { needsPinPages: true });
  const buf = m.process.mmap(npages * PAGE_SIZE, { thp: true });
  const iova = ioas.map(buf, npages * PAGE_SIZE, { iova: 1n << 24n });
  ioas.attachDomain({ kind: 'pagetable' });
  for (let i = 0; i < 2000; i++) {
    const at = Math.floor((i * npages) / 2000);
    acc.pin(iova + BigInt(at * PAGE_SIZE), BigInt(2 * PAGE_SIZE));
  }
  return m;
}

function summaries(): void {
  console.log('-- tier summary of one IoptPages, 2 000 buckets, 2 000 access runs over a domain');
  for (const [npages, target] of [
    [1 << 20, 5],
    [1 << 24, 5],
  ] as const) {
    const t0 = performance.now();
    const m = tierState(npages);
    const setup = performance.now() - t0;
    const t = best(20, () => m.inspect([{ kind: 'tiers', pages: 1, buckets: 2000 }]));
    line(
      `${npages >= 1 << 24 ? '16 M' : '1 M'} pages (state built in ${setup.toFixed(0)} ms)`,
      t,
      'ms',
      target,
    );
  }
  console.log('-- physical memory summary, 64 GiB machine (16 M frames), 2 000 buckets');
  const m = new Machine({ physicalMemory: 64 * GiB, hugetlbPages2M: 64, fragmentation: 0.3 });
  const ctx = m.open();
  const ioas = ctx.ioasAlloc();
  ioas.attachDomain({ kind: 'pagetable' });
  const buf = m.process.mmap(4 * GiB, { thp: true });
  ioas.map(buf, 4 * GiB, { iova: 1n << 24n });
  const key = `${m.process.pid}:${buf}:${(4 * GiB) / PAGE_SIZE}`;
  const plain = best(5, () => m.inspect([{ kind: 'phys', buckets: 2000 }]));
  line('phys, 16 M frames', plain, 'ms', 100);
  const hl = best(5, () =>
    m.inspect([{ kind: 'phys', buckets: 2000, highlight: { key, start: 0, end: 1 << 18 } }]),
  );
  line('phys + highlight of 1 GiB of a pages object', hl, 'ms', 100);
}

const JUMP_SRC = `
  const PAGE = lab.PAGE_SIZE;
  const fd = lab.open();
  const ioas = fd.ioasAlloc();
  ioas.attachDomain();
  const acc = fd.createAccess(ioas, { needsPinPages: true });
  const buf = lab.process.mmap(4096 * PAGE);
  const base = ioas.map(buf, 4096 * PAGE, { iova: 1n << 24n });
  const ring = [];
  for (let i = 0; i < 2500; i++) {
    const it = acc.pin(base + BigInt((i % 4000) * PAGE), BigInt(8 * PAGE));
    const n = (1 + (i % 64)) * PAGE;
    ring.push([ioas.map(buf, n), n]);
    if (ring.length > 32) { const [x, len] = ring.shift(); ioas.unmap(x, len); }
    else lab.pinCount(buf);
    acc.unpin(it);
  }
`;

async function jumps(host: WorkerHost): Promise<void> {
  console.log('-- step jump in a 10 000-event run (worker-side ms)');
  const res = await host.request('run', { source: JUMP_SRC }, { timeoutMs: 600000 });
  const runId = res.runId as number;
  const steps = Array.from({ length: 40 }, (_, i) => Math.floor(((i * 7919) % 40) * (res.ops / 40)) + 10);
  const digestMs: number[] = [];
  for (const step of steps) {
    const r = await host.request(
      'inspect',
      {
        runId,
        step,
        queries: [
          { kind: 'tiers', pages: 1, buckets: 2000 },
          { kind: 'tiers', buckets: 256, detail: false },
        ],
      },
      { timeoutMs: 60000 },
    );
    if (r.replayed) throw new Error('tiers should come from the digest');
    digestMs.push(r.ms);
  }
  console.log(`  ${res.ops} events, run ${res.wallMs.toFixed(0)} ms`);
  line('tiers from the digest, p50', pct(digestMs, 50), 'ms', 100);
  line('tiers from the digest, p95', pct(digestMs, 95), 'ms', 100);
  const replayMs: number[] = [];
  for (const step of steps.slice(0, 20)) {
    const r = await host.request(
      'inspect',
      { runId, step, queries: [{ kind: 'phys', buckets: 2000 }, { kind: 'domains' }] },
      { timeoutMs: 60000 },
    );
    replayMs.push(r.ms);
  }
  line('phys + domains by replay, p50', pct(replayMs, 50), 'ms', 100);
  line('phys + domains by replay, p95', pct(replayMs, 95), 'ms', 100);
}

/** In a child process (it needs SES lockdown): see _live-overhead.ts. */
function live(): void {
  console.log('-- live frames on a 100 000-op run (fps 20, 1 024 tier buckets, 1 024 phys buckets)');
  const here = dirname(fileURLToPath(import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, '_live-overhead.ts')], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const r = JSON.parse(out.trim().split('\n').pop() as string) as {
    ops: number;
    off: number;
    on: number;
    frames: number;
    share: number;
  };
  console.log(
    `  ${r.ops} ops: without live ${r.off.toFixed(0)} ms, with live ${r.on.toFixed(0)} ms, ${r.frames} frames`,
  );
  line('frame work / run time', r.share * 100, '%', 5);
  line('wall-clock overhead', ((r.on - r.off) / r.off) * 100, '%', 5);
}

export async function run(): Promise<void> {
  // the worker parts first: the host's memory watch counts this whole process
  const host = new WorkerHost({ memoryMb: 2048 });
  try {
    await jumps(host);
  } finally {
    await host.close();
  }
  live();
  summaries();
}
