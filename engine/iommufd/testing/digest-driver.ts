/**
 * Tests only: a small machine driven by random integer ops (maps, copies,
 * unmaps, mock and pagetable domains attached and detached, access pins and
 * unpins, THP and small pages; every failure is an outcome), for the digest
 * tests (digest-pins.test.ts, digest-writer.test.ts).
 */
import { isLabError } from '../../base';
import type { Rng } from '../../base/rng';
import { Machine } from '../machine';
import type { StrategyName } from '../strategy/names';

const P = 4096;
const MiB = 2 ** 20;

export interface Op {
  kind: number;
  a: number;
  b: number;
  c: number;
}

/** A small machine driven by integer ops; every failure is an outcome. */
export class Driver {
  readonly m: Machine;
  private readonly ctx: ReturnType<Machine['open']>;
  private readonly ioas: ReturnType<ReturnType<Machine['open']>['ioasAlloc']>[];
  private readonly bufs: number[] = [];
  private readonly mapped: { i: number; iova: bigint; len: number }[] = [];
  private readonly domains: { detach(): void }[] = [];
  private readonly items: { acc: { unpin(x: unknown): void }; item: unknown }[] = [];
  private readonly accesses: ReturnType<ReturnType<Machine['open']>['createAccess']>[];

  constructor(tempLimit = 0, strategy?: StrategyName) {
    this.m = new Machine({ physicalMemory: 64 * MiB, hugetlbPages2M: 0, fragmentation: 0.6, strategy });
    this.ctx = this.m.open();
    this.ioas = [this.ctx.ioasAlloc(), this.ctx.ioasAlloc()];
    this.accesses = this.ioas.map((io) => this.ctx.createAccess(io, { needsPinPages: true }));
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

export function randomOps(rng: Rng, n: number): Op[] {
  const ops: Op[] = [];
  for (let k = 0; k < n; k++) ops.push({ kind: rng.int(7), a: rng.int(1000), b: rng.int(1000), c: rng.int(1000) });
  return ops;
}

