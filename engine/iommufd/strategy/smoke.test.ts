import { describe, expect, it } from 'vitest';
import { Machine } from '../machine';
import type { StrategyIommufd } from './types';
import { STRATEGY_NAMES } from './names';

describe('smoke', () => {
  for (const s of STRATEGY_NAMES)
    it(s, () => {
      const m = new Machine<StrategyIommufd>({ seed: 3 });
      m.configure({ strategy: s, physicalMemory: 256 * 1024 * 1024, fragmentation: 1 });
      const buf = m.process.mmap(64 * 4096, { populate: true });
      const ctx = m.open();
      const ioas = ctx.ioasAlloc();
      const d1 = ioas.attachDomain({ kind: 'pagetable' });
      const c0 = { ...m.kernel.counters };
      const iova = ioas.map(buf, 64 * 4096);
      const c1 = { ...m.kernel.counters };
      ioas.attachDomain({ kind: 'pagetable' });
      const acc = ctx.createAccess(ioas, { needsPinPages: true });
      const it1 = acc.pin(iova + 4096n, 3 * 4096);
      m.checkInvariants();
      const dg = m.digest();
      acc.unpin(it1);
      d1.detach();
      m.checkInvariants();
      expect(ioas.unmap(iova, 64 * 4096)).toBe(BigInt(64 * 4096));
      m.checkInvariants();
      console.log(
        s,
        'map calls',
        c1.iommuMapCalls - c0.iommuMapCalls,
        'pins',
        c1.pagesPinned - c0.pagesPinned,
        JSON.stringify(dg.pages[0].tiers),
      );
      expect(m.teardownCheck()).toEqual([]);
    });
});
