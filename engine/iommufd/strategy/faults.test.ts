/**
 * Fault injection under every strategy: each fallible step (iommu_map,
 * pin_user_pages' allocations, object allocations…) of each operation of a
 * sequence fails once in turn. A failed operation must leave the state as
 * it was (the digest, unmap excepted: not atomic by contract) and the
 * invariants must hold; teardown must be clean.
 */
import { describe, expect, it } from 'vitest';
import { isLabError, PAGE_SIZE } from '../../base';
import { Machine } from '../machine';
import { STRATEGY_NAMES, type StrategyName } from './names';
import type { StrategyAccessShape, StrategyDomainShape, StrategyIommufd, StrategyIoasShape } from './types';

interface World {
  m: Machine<StrategyIommufd>;
  ctx: StrategyIommufd;
  ioas: StrategyIoasShape;
  buf: number;
  doms: StrategyDomainShape[];
  acc: StrategyAccessShape | null;
  iovas: bigint[];
}

const P = 48;

/** The operations, in order; each takes the world the earlier ones made. */
const OPS: { name: string; atomic: boolean; run: (w: World) => void }[] = [
  { name: 'attach', atomic: true, run: (w) => void w.doms.push(w.ioas.attachDomain({ kind: 'pagetable' })) },
  { name: 'map (no access)', atomic: true, run: (w) => void w.iovas.push(w.ioas.map(w.buf, P * PAGE_SIZE)) },
  {
    name: 'attach 4 KiB-only to populated',
    atomic: true,
    run: (w) => void w.doms.push(w.ioas.attachDomain({ kind: 'pagetable', pageSizes: [4096] })),
  },
  {
    name: 'create access',
    atomic: true,
    run: (w) => {
      w.acc = w.ctx.createAccess(w.ioas, { needsPinPages: true });
    },
  },
  {
    name: 'access pin',
    atomic: true,
    run: (w) => void w.acc?.pin(w.iovas[0] + BigInt(4 * PAGE_SIZE), 8 * PAGE_SIZE),
  },
  {
    name: 'map again',
    atomic: true,
    run: (w) => void w.iovas.push(w.ioas.map(w.buf + PAGE_SIZE, 8 * PAGE_SIZE)),
  },
  { name: 'unmap with access pins', atomic: false, run: (w) => void w.ioas.unmap(w.iovas[0], P * PAGE_SIZE) },
  { name: 'detach first', atomic: true, run: (w) => w.doms.shift()?.detach() },
  {
    name: 'attach pagetable to populated',
    atomic: true,
    run: (w) => void w.doms.push(w.ioas.attachDomain({ kind: 'pagetable' })),
  },
  { name: 'unmap all', atomic: false, run: (w) => void w.ioas.unmap(0n, (1n << 64n) - 1n) },
];

function world(strategy: StrategyName, upTo: number): World {
  const m = new Machine<StrategyIommufd>({ seed: 5 });
  m.configure({ strategy, physicalMemory: 64 * 1024 * 1024, fragmentation: 0.5, hugetlbPages2M: 0 });
  const buf = m.process.mmap(P * PAGE_SIZE, { populate: true });
  const ctx = m.open();
  const w: World = { m, ctx, ioas: ctx.ioasAlloc(), buf, doms: [], acc: null, iovas: [] };
  for (let i = 0; i < upTo; i++) OPS[i].run(w);
  return w;
}

describe('a failed step leaves nothing behind under every strategy', () => {
  for (const s of STRATEGY_NAMES)
    it(s, () => {
      let failures = 0;
      for (let k = 0; k < OPS.length; k++)
        for (let n = 1; n < 200; n++) {
          const w = world(s, k);
          const before = JSON.stringify(w.m.digest());
          w.m.kernel.faults.failNth(n);
          let errno = '';
          try {
            OPS[k].run(w);
          } catch (e) {
            if (!isLabError(e)) throw e;
            errno = e.errno;
          }
          const fired = w.m.kernel.faults.consumed();
          const where = `${s}: ${OPS[k].name}, step ${n}`;
          if (fired) {
            expect(errno, where).not.toBe('');
            failures++;
            if (OPS[k].atomic) expect(JSON.stringify(w.m.digest()), where).toBe(before);
          }
          expect(w.m.violations(), where).toEqual([]);
          expect(w.m.teardownCheck(), where).toEqual([]);
          if (!fired) break;
        }
      expect(failures).toBeGreaterThan(OPS.length);
    });
});
