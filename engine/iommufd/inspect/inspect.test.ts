import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, isLabError } from '../../base';
import { FRAME_STATE_COUNT, TIER_COUNT, type PhysAnswer, type TierAnswer } from '../../base/inspect-types';
import { FRAME_COMPOUND, FRAME_HUGETLB } from '../../mm/frames';
import { Machine } from '../machine';
import type { Access, AccessItem } from '../objects/access';
import type { Ioas } from '../objects/ioas';
import type { IoptPages } from '../pages';
import { answerFromDigest, bucketBounds, indexPages } from '.';

const P = PAGE_SIZE;
const NP = 48;
const MOCK_START = 1 << 24;

interface Op {
  kind: number;
  a: number;
  b: number;
  c: number;
}

/** A random state: 2 IOASes, buffers mapped in slices, domains, accesses pinning ranges. */
function build(ops: Op[], seed: number): Machine {
  const m = new Machine({ physicalMemory: 64 << 20, hugetlbPages2M: 2, fragmentation: 0.5, seed });
  const ctx = m.open();
  const ioases: Ioas[] = [ctx.ioasAlloc(), ctx.ioasAlloc()];
  const bufs = [m.process.mmap(NP * P, { thp: true }), m.process.mmap(NP * P, { populate: true })];
  const accesses: Access[] = ioases.map((io) => ctx.createAccess(io, { needsPinPages: true }));
  const items: [Access, AccessItem][] = [];
  const mapped: [Ioas, bigint, bigint][] = [];
  let nextIova = 0;
  for (const op of ops) {
    try {
      const io = ioases[op.a % 2] as Ioas;
      switch (op.kind % 6) {
        case 0:
        case 1: {
          const buf = bufs[op.b % 2] as number;
          const first = op.b % NP;
          const n = 1 + (op.c % (NP - first));
          const iova = BigInt(MOCK_START + nextIova * 64 * P);
          nextIova++;
          io.map(buf + first * P, n * P, { iova });
          mapped.push([io, iova, BigInt(n * P)]);
          break;
        }
        case 2:
          if (io.domains.length < 2) io.attachDomain(op.b % 2 === 0 ? {} : { kind: 'pagetable' });
          break;
        case 3: {
          const mine = mapped.filter((x) => x[0] === io);
          const t = mine[op.b % Math.max(1, mine.length)];
          if (t === undefined) break;
          const pagesLen = Number(t[2]) / P;
          const s = op.c % pagesLen;
          const n = 1 + ((op.c >> 3) % (pagesLen - s));
          const acc = accesses[op.a % 2] as Access;
          items.push([acc, acc.pin(t[1] + BigInt(s * P), BigInt(n * P))]);
          break;
        }
        case 4: {
          const it = items.splice(op.b % Math.max(1, items.length), 1)[0];
          if (it) it[0].unpin(it[1]);
          break;
        }
        case 5: {
          const k = op.b % Math.max(1, mapped.length);
          const t = mapped[k];
          if (t === undefined || op.c % 3 !== 0) break;
          t[0].unmap(t[1], t[2]);
          mapped.splice(k, 1);
          break;
        }
      }
    } catch (e) {
      if (!isLabError(e)) throw e;
    }
  }
  return m;
}

const bucketOf = (i: number, start: number, end: number, buckets: number): number =>
  Math.floor(((i - start) * buckets) / (end - start));

/** Per-page reference: tiers from every node of both trees, holders from every area of the pages. */
function bruteTiers(m: Machine, pages: IoptPages, start: number, end: number, buckets: number) {
  const counts = new Uint32Array(buckets * TIER_COUNT);
  const tiers: number[] = [];
  for (let i = start; i < end; i++) {
    let inA = false;
    let inD = false;
    for (const n of pages.accessItree) if (n.start <= i && i <= n.last) inA = true;
    for (const n of pages.domainsItree) if (n.start <= i && i <= n.last) inD = true;
    const t = (inA ? 2 : 0) | (inD ? 1 : 0);
    tiers.push(t);
    counts[bucketOf(i, start, end, buckets) * TIER_COUNT + t]++;
  }
  const holders = new Map<number, Set<number>>();
  for (const ctx of m.contexts())
    for (const ioas of ctx.ioases())
      for (const a of ioas.iopt.areas()) {
        if (a.pages !== pages) continue;
        for (const d of ioas.domains)
          for (let i = Math.max(start, a.index); i <= Math.min(end - 1, a.lastIndex); i++)
            if (d.hw.translate(a.indexToIova(i)) >= 0) {
              const s = holders.get(i) ?? new Set<number>();
              s.add(d.id);
              holders.set(i, s);
            }
      }
  return { counts, tiers, holders };
}

function brutePhys(m: Machine, buckets: number, hl: number[]): PhysAnswer {
  const phys = m.memory.phys;
  const n = phys.nframes;
  const free = phys.freeMap();
  const counts = new Uint32Array(buckets * FRAME_STATE_COUNT);
  const thp = new Uint32Array(buckets);
  const hugetlb = new Uint32Array(buckets);
  const highlight = new Uint32Array(buckets);
  for (let f = 0; f < n; f++) {
    const b = bucketOf(f, 0, n, buckets);
    const st = free[f] ? 0 : phys.pinCount(f) > 0 ? 2 : 1;
    counts[b * FRAME_STATE_COUNT + st]++;
    const fl = phys.frames.flags[f] as number;
    if (fl & FRAME_HUGETLB) hugetlb[b]++;
    else if (fl & FRAME_COMPOUND) thp[b]++;
  }
  let runs = 0;
  let frames = 0;
  for (let i = 0; i < hl.length; i++) {
    const f = hl[i] as number;
    if (f < 0) continue;
    frames++;
    if (i === 0 || hl[i - 1] !== f - 1) runs++;
    highlight[bucketOf(f, 0, n, buckets)]++;
  }
  return {
    kind: 'phys',
    nframes: n,
    start: 0,
    end: n,
    buckets,
    counts,
    thp,
    hugetlb,
    highlight,
    highlightRuns: runs,
    highlightFrames: frames,
  };
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.nat(1000),
  a: fc.nat(1000),
  b: fc.nat(1000),
  c: fc.nat(1000),
});

describe('inspect: tier and physical summaries', () => {
  it('bucket bounds tile the range, every bucket non-empty, page i in bucket floor((i-s)·B/n)', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 300 }),
        (s, n, b0) => {
          const b = Math.min(b0, n);
          const bounds = bucketBounds(s, s + n, b);
          expect(bounds[0]).toBe(s);
          expect(bounds[b]).toBe(s + n);
          for (let k = 0; k < b; k++) {
            const lo = bounds[k] as number;
            const hi = bounds[k + 1] as number;
            expect(hi).toBeGreaterThan(lo);
            expect(bucketOf(lo, s, s + n, b)).toBe(k);
            expect(bucketOf(hi - 1, s, s + n, b)).toBe(k);
          }
        },
      ),
    );
  });

  it(
    'tiers, detail and phys equal a per-page reference on random states; the digest gives the same tiers',
    { timeout: 120000 },
    () => {
      const seen = new Uint32Array(TIER_COUNT + 2);
      fc.assert(
        fc.property(
          fc.array(opArb, { minLength: 1, maxLength: 25 }),
          fc.nat(100),
          fc.integer({ min: 1, max: 64 }),
          fc.nat(NP),
          fc.nat(NP),
          (ops, seed, buckets, x, y) => {
            const m = build(ops, seed);
            m.checkInvariants();
            const index = indexPages(m.contexts());
            const digest = m.digest();
            expect(digest.pages.map((p) => `${p.pid}:${p.uptr}:${p.npages}`)).toEqual(
              index.order.map((p) => `${p.sourceTask.pid}:${p.uptr}:${p.npages}`),
            );
            for (const pages of index.order) {
              const start = Math.min(x, y, pages.npages);
              const end = Math.min(Math.max(x, y), pages.npages);
              const [ans] = m.inspect([
                { kind: 'tiers', pages: index.ids.get(pages), start, end, buckets },
              ]) as [TierAnswer];
              const eb = Math.min(buckets, end - start);
              expect(ans.buckets).toBe(eb);
              const ref = bruteTiers(m, pages, start, end, eb);
              expect(Array.from(ans.counts)).toEqual(Array.from(ref.counts));
              for (let k = 0; k < ans.counts.length; k++) if (ans.counts[k]) seen[k % TIER_COUNT]++;
              // detail: false leaves the counts alone, and a digest answers it at any size
              const q = { kind: 'tiers', key: ans.key, start, end, buckets, detail: false } as const;
              const [lean] = m.inspect([q]);
              expect(lean).toEqual({ ...ans, detail: undefined });
              expect(answerFromDigest(digest, [q])).toEqual([lean]);
              if (end - start <= buckets) {
                const d = ans.detail;
                expect(d).toBeDefined();
                if (!d) continue;
                expect(Array.from(d.tier)).toEqual(ref.tiers);
                for (let i = start; i < end; i++) {
                  const k = i - start;
                  const ids = d.domainIds.filter((_, bit) => ((d.holders[k] as number) >>> bit) & 1);
                  expect(ids.sort()).toEqual([...(ref.holders.get(i) ?? [])].sort());
                  const x = pages.pinnedPfns.load(i);
                  expect(((d.holders[k] as number) & 0x80000000) !== 0).toBe(x >= 0);
                  const pfn = m.process.translate(pages.uptr + i * P);
                  expect(d.pfn[k]).toBe(pfn);
                  expect(d.pin[k]).toBe(pfn >= 0 ? m.memory.phys.pinCount(pfn) : 0);
                  if ((d.holders[k] as number) & 0x7fffffff) seen[TIER_COUNT]++;
                }
              } else {
                expect(ans.detail).toBeUndefined();
                const fromDigest = answerFromDigest(digest, [
                  { kind: 'tiers', key: ans.key, start, end, buckets },
                ]);
                expect(fromDigest).toEqual([ans]);
              }
            }
            const pages = index.order[0];
            const hlPfns: number[] = [];
            if (pages)
              for (let i = 0; i < pages.npages; i++) hlPfns.push(m.process.translate(pages.uptr + i * P));
            const [phys] = m.inspect([
              {
                kind: 'phys',
                buckets: buckets * 7,
                ...(pages
                  ? { highlight: { key: `${pages.sourceTask.pid}:${pages.uptr}:${pages.npages}` } }
                  : {}),
              },
            ]);
            expect(phys).toEqual(brutePhys(m, buckets * 7, hlPfns));
            if (phys?.kind === 'phys' && phys.highlightRuns > 1) seen[TIER_COUNT + 1]++;
            expect(m.teardownCheck()).toEqual([]);
          },
        ),
        // A fixed seed: the coverage check below must not depend on the draw (it
        // failed now and then with a fresh seed per run).
        { numRuns: 60, seed: 42 },
      );
      // the random states reach every tier, domain holders and scattered frames
      for (const n of seen) expect(n).toBeGreaterThan(0);
    },
  );

  it('domains: stats and mapped ranges of every attached domain; unknown pages are ENOENT', () => {
    const m = build(
      [
        { kind: 2, a: 0, b: 0, c: 0 },
        { kind: 0, a: 0, b: 1, c: 7 },
      ],
      1,
    );
    const [d] = m.inspect([{ kind: 'domains' }]);
    expect(d).toMatchObject({
      kind: 'domains',
      domains: [{ id: expect.any(Number), ioas: 1, kind: 'mock' }],
    });
    if (d?.kind !== 'domains') return;
    expect(d.domains[0]?.mapped).toEqual([[String(MOCK_START), String(8 * P), expect.any(Number)]]);
    expect(d.domains[0]?.stats.mappedBytes).toBe(8 * P);
    expect(() => m.inspect([{ kind: 'tiers', key: '1:0:1', buckets: 4 }])).toThrow(/no pages object/);
  });
});
