import { describe, expect, it } from 'vitest';
import { PTES_PER_TABLE } from './formats';
import { TablePool } from './table-pool';

describe('TablePool', () => {
  it('grows by a quarter once large: at most ~25 % of empty tables held', () => {
    // 16 GiB into four domains held ~6 MiB of empty tables per domain when the pool doubled
    const pool = new TablePool();
    for (let live = 1; live <= 5000; live++) {
      pool.alloc();
      const capacity = pool.vals.length / PTES_PER_TABLE;
      expect(capacity).toBeGreaterThanOrEqual(live);
      if (live > 1024) expect(capacity / live, `${live} tables`).toBeLessThanOrEqual(1.25);
    }
  });

  it('hands out released tables again, zeroed, before growing', () => {
    const pool = new TablePool(2);
    const a = pool.alloc();
    const b = pool.alloc();
    pool.vals[a * PTES_PER_TABLE + 3] = 42;
    pool.flags[a * PTES_PER_TABLE + 3] = 1;
    pool.used[a] = 1;
    pool.release(a);
    expect(pool.alloc()).toBe(a);
    expect(pool.vals[a * PTES_PER_TABLE + 3]).toBe(0);
    expect(pool.flags[a * PTES_PER_TABLE + 3]).toBe(0);
    expect(pool.used[a]).toBe(0);
    expect(pool.vals.length).toBe(2 * PTES_PER_TABLE);
    expect(pool.live).toBe(2);
    expect(b).not.toBe(a);
  });
});
