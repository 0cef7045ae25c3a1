/**
 * The incremental digest against full recomputes, after random operation
 * sequences (maps, copies, unmaps, domains attached and detached, access
 * pins and unpins, shared frames held twice, THP and small pages, mock and
 * pagetable domains):
 *   - pins.runs / pins.hash == the frames' pin counts read over the held
 *     frames (pinRunsFromFrames, the digest of earlier versions);
 *   - the whole digest of a machine that digested after every op (caches
 *     warm) == the digest of a fresh machine that ran the same ops and
 *     digests once (caches cold).
 */
import { describe, expect, it } from 'vitest';
import { isLabError } from '../base';
import { Rng } from '../base/rng';
import { pinRunsFromFrames } from './digest-pins';
import { Machine } from './machine';

const P = 4096;
const MiB = 2 ** 20;

interface Op {
  kind: number;
  a: number;
  b: number;
  c: number;
}

/** A small machine driven by integer ops; every failure is an outcome. */
class Driver {
  readonly m = new Machine({ physicalMemory: 64 * MiB, hugetlbPages2M: 0, fragmentation: 0.6 });
  private readonly ctx = this.m.open();
  private readonly ioas = [this.ctx.ioasAlloc(), this.ctx.ioasAlloc()];
  private readonly bufs: number[] = [];
  private readonly mapped: { i: number; iova: bigint; len: number }[] = [];
  private readonly domains: { detach(): void }[] = [];
  private readonly items: { acc: { unpin(x: unknown): void }; item: unknown }[] = [];
  private readonly accesses = this.ioas.map((io) => this.ctx.createAccess(io, { needsPinPages: true }));

  constructor(tempLimit = 0) {
    // a small temporary memory limit cuts runs at batch boundaries
    if (tempLimit > 0) this.m.setTempMemoryLimit(tempLimit);
    this.bufs.push(this.m.process.mmap(96 * P, { populate: true }));
    this.bufs.push(this.m.process.mmap(8 * MiB, { thp: true, align: 2 * MiB, populate: true }));
  }

  run(op: Op): void {
    try {
      this.apply(op);
    } catch (e) {
      if (!isLabError(e)) throw e;
    }
  }

  private apply({ kind, a, b, c }: Op): void {
    const i = a % 2;
    const io = this.ioas[i];
    switch (kind % 7) {
      case 0: {
        const buf = this.bufs[b % 2];
        const first = c % 64;
        const len = (1 + (a % 24)) * P;
        const iova = io.map(buf + first * P, len);
        this.mapped.push({ i, iova, len });
        return;
      }
      case 1: {
        if (this.mapped.length === 0) return;
        const [m] = this.mapped.splice(b % this.mapped.length, 1);
        this.ioas[m.i].unmap(m.iova, m.len);
        return;
      }
      case 2: {
        if (this.domains.length >= 4) return;
        this.domains.push(io.attachDomain(b % 2 === 0 ? {} : { kind: 'pagetable' }));
        return;
      }
      case 3: {
        if (this.domains.length === 0) return;
        const [d] = this.domains.splice(b % this.domains.length, 1);
        d.detach();
        return;
      }
      case 4: {
        const src = this.mapped.filter((m) => m.i !== i);
        if (src.length === 0) return;
        const s = src[b % src.length];
        const iova = io.copyFrom(this.ioas[s.i], s.iova, s.len);
        this.mapped.push({ i, iova, len: s.len });
        return;
      }
      case 5: {
        const own = this.mapped.filter((m) => m.i === i);
        if (own.length === 0) return;
        const s = own[b % own.length];
        const off = (c % (s.len / P)) * P;
        const acc = this.accesses[i];
        this.items.push({ acc, item: acc.pin(s.iova + BigInt(off), Math.min(s.len - off, (1 + (c % 5)) * P)) });
        return;
      }
      default: {
        if (this.items.length === 0) return;
        const [it] = this.items.splice(b % this.items.length, 1);
        it.acc.unpin(it.item);
      }
    }
  }
}

function randomOps(rng: Rng, n: number): Op[] {
  const ops: Op[] = [];
  for (let k = 0; k < n; k++) ops.push({ kind: rng.int(7), a: rng.int(1000), b: rng.int(1000), c: rng.int(1000) });
  return ops;
}

describe('incremental digest == full recompute', () => {
  it('pins equal the frames read over the held frames after every op', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 25; trial++) {
      const d = new Driver(trial % 3 === 0 ? 24 : 0);
      for (const op of randomOps(rng, 50)) {
        d.run(op);
        expect(d.m.violations()).toEqual([]);
        const dg = d.m.digest();
        const ref = pinRunsFromFrames(d.m.memory, livePages(d.m));
        expect({ runs: dg.pins.runs, hash: dg.pins.hash }, `trial ${trial}`).toEqual(ref);
      }
    }
  });

  it('a warm machine digests like a cold one', () => {
    const rng = new Rng(21);
    for (let trial = 0; trial < 20; trial++) {
      const ops = randomOps(rng, 40);
      const limit = trial % 3 === 0 ? 36 : 0;
      const warm = new Driver(limit);
      const checkpoints = new Set([rng.int(40), rng.int(40), 39]);
      for (let k = 0; k < ops.length; k++) {
        warm.run(ops[k]);
        const dg = warm.m.digest();
        if (!checkpoints.has(k)) continue;
        const cold = new Driver(limit);
        for (let j = 0; j <= k; j++) cold.run(ops[j]);
        expect(dg, `trial ${trial} op ${k}`).toEqual(cold.m.digest());
      }
    }
  });
});

/** The live IoptPages (pinRunsFromFrames does not depend on their order). */
function livePages(m: Machine) {
  return m.livePages();
}
