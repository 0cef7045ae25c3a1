/** Large mappings stay compact: typed-array storage, run-length summaries. */
import { describe, expect, it } from 'vitest';
import { iommuMap, iommuUnmap } from './core';
import type { PagetableDomain } from './pagetable/pagetable-domain';
import { GiB, KiB, MiB, newDomain, warnings } from './test-helpers';

describe('large mappings', () => {
  it('pagetable: 1 GiB of 4 KiB pages is 512 leaf tables and one run', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, GiB, 4 * KiB, GiB, 3); // paddr off by 4 KiB: no large leaf fits
    expect(d.entryCount()).toBe(GiB / (4 * KiB));
    expect((d as PagetableDomain).tableCount()).toBe(512 + 3);
    expect(d.stats().tableBytes).toBe((512 + 3) * 4096);
    expect(d.mappedRanges()).toEqual([{ iova: GiB, length: GiB, pageSize: 4 * KiB }]);
    expect(iommuUnmap(d, GiB, GiB)).toBe(GiB);
    expect(d.stats().tableBytes).toBe(0);
    expect(warnings(k)).toEqual([]);
  });

  it('mock: 1 GiB in one map call is one run of 2 KiB entries', () => {
    const { k, d } = newDomain();
    iommuMap(d, GiB, 0, GiB, 3);
    expect(d.entryCount()).toBe(GiB / 2048);
    expect(d.mappedRanges()).toEqual([{ iova: GiB, length: GiB, pageSize: 2048 }]);
    expect(d.stats().mapPagesCalls).toBe(1);
    expect(iommuUnmap(d, GiB, GiB)).toBe(GiB);
    expect(warnings(k)).toEqual([]);
  });

  it('pagetable: lookups stay right across unmap and remap of the same IOVA', () => {
    const { d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 2 * MiB, 2 * MiB, 3);
    expect(d.translate(4096)).toBe(2 * MiB + 4096);
    iommuUnmap(d, 0, 2 * MiB);
    expect(d.translate(4096)).toBe(-1);
    iommuMap(d, 0, 8 * MiB + 4096, 8 * KiB, 3);
    expect(d.translate(4096)).toBe(8 * MiB + 8192);
    expect(d.translate(8192)).toBe(-1);
  });

  it('mock: a chunk emptied and reused elsewhere holds nothing of its past (scan bounds, zeroed entries)', () => {
    const { k, d } = newDomain();
    const base = 16 * MiB;
    iommuMap(d, base + 6 * MiB, 0x100000, 64 * KiB, 3); // the chunk's upper part
    expect(iommuUnmap(d, base + 6 * MiB, 64 * KiB)).toBe(64 * KiB); // chunk empty: kept as the spare
    iommuMap(d, base + 9 * MiB, 0x200000, 8 * KiB, 3); // another chunk, the spare reused at its start
    expect(d.entryCount()).toBe(4);
    expect(d.mappedRanges()).toEqual([{ iova: base + 9 * MiB, length: 8 * KiB, pageSize: 2048 }]);
    expect(d.translate(base + 9 * MiB + 4096)).toBe(0x200000 + 4096);
    expect(d.translate(base + 9 * MiB + 6 * MiB - 8 * MiB)).toBe(-1);
    iommuMap(d, base + 9 * MiB + 4 * MiB, 0x300000, 4 * KiB, 3); // same chunk, further up: bounds widen
    expect(d.mappedRanges()).toEqual([
      { iova: base + 9 * MiB, length: 8 * KiB, pageSize: 2048 },
      { iova: base + 13 * MiB, length: 4 * KiB, pageSize: 2048 },
    ]);
    expect(warnings(k)).toEqual([]);
  });
});
