/**
 * domain.checkMap is one implementation (objects/check-map.ts) under every
 * strategy: the same checks, in the same order, as the iommufd device. The
 * strategies' copy lacked the `uptr + length overflows` check.
 */
import { describe, expect, it } from 'vitest';
import { isLabError, PAGE_SIZE } from '../../base';
import { Machine } from '../machine';
import { STRATEGY_NAMES } from './names';
import type { StrategyIommufd } from './types';

function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isLabError(e)) return `${e.errno}: ${e.message}`;
    throw e;
  }
  return 'ok';
}

describe('domain.checkMap', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(`checks the same under ${strategy}`, () => {
      const m = new Machine<StrategyIommufd>({ seed: 3 });
      m.configure({ strategy, physicalMemory: 64 * 1024 * 1024, hugetlbPages2M: 0 });
      const buf = m.process.mmap(8 * PAGE_SIZE, { populate: true });
      const ctx = m.open();
      const ioas = ctx.ioasAlloc();
      const dom = ioas.attachDomain({ kind: 'mock' });
      const iova = ioas.map(buf, 8 * PAGE_SIZE);
      expect(errnoOf(() => dom.checkMap(iova, 8 * PAGE_SIZE, buf))).toBe('ok');
      expect(errnoOf(() => dom.checkMap(iova, 2 ** 53 - 2048, buf))).toBe('EINVAL: uptr + length overflows');
      expect(errnoOf(() => dom.checkMap(iova + 1n, PAGE_SIZE, buf))).toMatch(
        /^EINVAL: iova 0x.* is not aligned/,
      );
      expect(errnoOf(() => dom.checkMap(iova, PAGE_SIZE, buf + PAGE_SIZE))).toMatch(
        /^EINVAL: iova .* maps physical/,
      );
      expect(errnoOf(() => dom.checkMap(iova + BigInt(8 * PAGE_SIZE), PAGE_SIZE, buf))).toMatch(
        /is not mapped/,
      );
      dom.detach();
      ctx.close();
      expect(m.teardownCheck()).toEqual([]);
    });
  }
});
