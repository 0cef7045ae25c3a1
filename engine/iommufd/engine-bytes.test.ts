import { describe, expect, it } from 'vitest';
import { ITREE_NODE_BYTES } from './area-pages';
import { XA_NODE_BYTES } from './ds/xarray';
import {
  ACCESS_BYTES,
  ACCESS_ITEM_BYTES,
  HWPT_BYTES,
  IOPT_AREA_BYTES,
  IOPT_PAGES_BYTES,
  IOPT_RESERVED_BYTES,
} from './engine-bytes';
import { fixture, MOCK_START, P, PB, teardown } from './io-pagetable/test-fixture';

describe('engine bytes in the digest', () => {
  it('grow with the live objects and their xarray / tree nodes, and fall back when they go', () => {
    const f = fixture();
    const bytes = (): number => f.m.digest().engineBytes ?? -1;
    const empty = bytes();
    expect(empty).toBeGreaterThanOrEqual(0);
    f.ioas.map(f.buf, 64 * P, { iova: MOCK_START });
    const mapped = bytes();
    // one area (its iova node + fields) and one pages object (no xarray, no access yet)
    expect(mapped - empty).toBe(ITREE_NODE_BYTES + IOPT_AREA_BYTES + IOPT_PAGES_BYTES);
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    expect(bytes() - mapped).toBe(ACCESS_BYTES);
    const item = a.pin(MOCK_START, 64n * PB);
    // 64 PFNs in the xarray: one radix node; one access_itree node; the item
    expect(f.m.digest().pages[0]?.xarrayEntries).toBe(64);
    expect(bytes() - mapped).toBe(ACCESS_BYTES + ACCESS_ITEM_BYTES + XA_NODE_BYTES + ITREE_NODE_BYTES + 8);
    a.unpin(item);
    expect(bytes() - mapped).toBe(ACCESS_BYTES);
    a.close();
    expect(bytes()).toBe(mapped);
    const reserved = f.ioas.iopt.reservedItree.size;
    f.ioas.attachDomain();
    // the domain's bookkeeping, the reservations outside its aperture and the
    // area's pages node in domains_itree (its page table is the machine's)
    const resv = (f.ioas.iopt.reservedItree.size - reserved) * IOPT_RESERVED_BYTES;
    expect(resv).toBeGreaterThan(0);
    expect(bytes() - mapped).toBe(HWPT_BYTES + resv + ITREE_NODE_BYTES);
    f.ioas.unmap(MOCK_START, 64n * PB);
    expect(bytes() - empty).toBe(HWPT_BYTES + resv);
    teardown(f);
  });

  it('is the same on two machines in the same state (digests stay comparable)', () => {
    const run = (): number | undefined => {
      const f = fixture();
      f.ioas.map(f.buf, 256 * P, { iova: MOCK_START });
      f.ctx.createAccess(f.ioas, { needsPinPages: true }).pin(MOCK_START + 8n * PB, 200n * PB);
      return f.m.digest().engineBytes;
    };
    expect(run()).toBe(run());
  });
});
