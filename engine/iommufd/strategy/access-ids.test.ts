/**
 * Access item ids count from 0 per access under every strategy, as the
 * selftest's kzalloc'd staccess->next_id (the oracle found the iommufd
 * engine's first item was 1; the strategies had the same off-by-one).
 */
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../base';
import { Machine } from '../machine';
import { STRATEGY_NAMES } from './names';
import type { StrategyIommufd } from './types';

describe('access item ids', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(`start at 0 for each access under ${strategy}`, () => {
      const m = new Machine<StrategyIommufd>({ seed: 3 });
      m.configure({ strategy, physicalMemory: 64 * 1024 * 1024, hugetlbPages2M: 0 });
      const buf = m.process.mmap(8 * PAGE_SIZE, { populate: true });
      const ctx = m.open();
      const ioas = ctx.ioasAlloc();
      const iova = ioas.map(buf, 8 * PAGE_SIZE);
      const a = ctx.createAccess(ioas, { needsPinPages: true });
      const b = ctx.createAccess(ioas, { needsPinPages: true });
      expect([a.pin(iova, PAGE_SIZE).id, a.pin(iova, PAGE_SIZE).id, b.pin(iova, PAGE_SIZE).id]).toEqual([
        0, 1, 0,
      ]);
      a.close();
      b.close();
      ctx.close();
      expect(m.teardownCheck()).toEqual([]);
    });
  }
});
