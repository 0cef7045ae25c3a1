import { describe, expect, it } from 'vitest';
import { isLabError, LabError } from '../base';
import { iommuPgsize } from './align';
import { iommuIovaToPhys, iommuMap, iommuUnmap } from './core';
import { GiB, KiB, MiB, newDomain, warnings } from './test-helpers';
import { IOMMU_READ, IOMMU_WRITE } from './types';

const RW = IOMMU_READ | IOMMU_WRITE;

function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isLabError(e)) return e.errno;
    throw e;
  }
  return 'none';
}

describe('iommu_pgsize', () => {
  const x86 = [4 * KiB, 2 * MiB, GiB];
  it('picks the largest size allowed by size and alignment', () => {
    expect({ ...iommuPgsize(x86, 2 * MiB, 4 * MiB, 4 * MiB + 8 * KiB) }).toEqual({
      pgsize: 2 * MiB,
      count: 2,
    });
    expect({ ...iommuPgsize(x86, 0, 0, 3 * GiB) }).toEqual({ pgsize: GiB, count: 3 });
    // The kernel cuts the run at iova|paddr's next 2 MiB boundary even when
    // iova and paddr disagree mod 2 MiB (so no larger page ever fits).
    expect({ ...iommuPgsize(x86, 4 * KiB, 2 * MiB, 4 * MiB) }).toEqual({ pgsize: 4 * KiB, count: 511 });
  });
  it('stops a small-page run where a larger page becomes usable', () => {
    // 4 KiB at iova/paddr 2M - 8K, then the 2M boundary: 2 small pages first.
    expect({ ...iommuPgsize(x86, 2 * MiB - 8 * KiB, 4 * MiB - 8 * KiB, 4 * MiB) }).toEqual({
      pgsize: 4 * KiB,
      count: 2,
    });
  });
});

describe('iommuMap splitting', () => {
  it('maps 4 MiB + 8 KiB at a 2 MiB aligned IOVA and frame as two 2 MiB and two 4 KiB leaves', () => {
    const { k, d } = newDomain({ kind: 'pagetable', format: 'x86_64' });
    iommuMap(d, 2 * MiB, 6 * MiB, 4 * MiB + 8 * KiB, RW);
    expect(d.mappedRanges()).toEqual([
      { iova: 2 * MiB, length: 4 * MiB, pageSize: 2 * MiB },
      { iova: 6 * MiB, length: 8 * KiB, pageSize: 4 * KiB },
    ]);
    const s = d.stats();
    expect(s.mapCalls).toBe(1);
    expect(s.mapPagesCalls).toBe(2);
    expect(s.ioPagesMapped).toBe(4);
    expect(d.entryCount()).toBe(4);
    expect(s.mappedBytes).toBe(4 * MiB + 8 * KiB);
    expect(k.counters.iommuMapCalls).toBe(1);
    expect(k.counters.ioPagesMapped).toBe(4);
    // root + L2 table + L1 table + one L0 table, 3 links + 4 leaves
    expect(s.tableBytes).toBe(4 * 4096);
    expect(s.pteWrites).toBe(3 + 4);
    expect(iommuIovaToPhys(d, 2 * MiB + 123)).toBe(6 * MiB + 123);
    expect(iommuIovaToPhys(d, 6 * MiB + 4 * KiB + 5)).toBe(10 * MiB + 4 * KiB + 5);
    expect(warnings(k)).toEqual([]);
  });

  it('falls back to small pages when iova and paddr disagree mod 2 MiB', () => {
    const { d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 2 * MiB, 2 * MiB + 4 * KiB, 4 * MiB, RW);
    expect(d.mappedRanges()).toEqual([{ iova: 2 * MiB, length: 4 * MiB, pageSize: 4 * KiB }]);
    expect(d.entryCount()).toBe(1024);
    expect(d.stats().mapPagesCalls).toBeGreaterThan(1);
  });
});

describe('alignment and argument errors', () => {
  it('rejects misaligned iova, paddr, size and size 0 with EINVAL', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    expect(errnoOf(() => iommuMap(d, 2048, 0, 4096, RW))).toBe('EINVAL');
    expect(errnoOf(() => iommuMap(d, 0, 2048, 4096, RW))).toBe('EINVAL');
    expect(errnoOf(() => iommuMap(d, 0, 0, 6144, RW))).toBe('EINVAL');
    expect(errnoOf(() => iommuMap(d, 0, 0, 0, RW))).toBe('EINVAL');
    expect(errnoOf(() => iommuMap(d, -4096, 0, 4096, RW))).toBe('EINVAL');
    expect(errnoOf(() => iommuMap(d, 2 ** 48 - 4096, 0, 8192, RW))).toBe('EINVAL');
    expect(d.entryCount()).toBe(0);
    expect(k.counters.iommuMapCalls).toBe(6);
    expect(k.faults.steps).toBe(0);
  });

  it('mock: 2 KiB alignment and the aperture', () => {
    const { d } = newDomain();
    expect(errnoOf(() => iommuMap(d, 16 * MiB + 1024, 0, 2048, RW))).toBe('EINVAL');
    expect(errnoOf(() => iommuMap(d, 16 * MiB - 2048, 0, 4096, RW))).toBe('EINVAL');
    expect(errnoOf(() => iommuMap(d, 2 * GiB - 2048, 0, 4096, RW))).toBe('EINVAL');
    iommuMap(d, 16 * MiB + 2048, 2048, 2048, RW);
    expect(d.entryCount()).toBe(1);
  });

  it('unmap returns 0 on misalignment or size 0 and touches nothing', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 0, 8 * KiB, RW);
    expect(iommuUnmap(d, 2048, 4096)).toBe(0);
    expect(iommuUnmap(d, 0, 2048)).toBe(0);
    expect(iommuUnmap(d, 0, 0)).toBe(0);
    expect(d.entryCount()).toBe(2);
    expect(k.counters.iotlbFlushes).toBe(0);
    expect(iommuUnmap(d, 0, 8 * KiB)).toBe(8 * KiB);
    expect(k.counters.iotlbFlushes).toBe(1);
    expect(k.counters.iommuUnmapCalls).toBe(4);
  });
});

describe('aperture', () => {
  it('an unmap outside the aperture warns and touches nothing (no wrap-around in the table)', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 0, 4 * KiB, RW);
    expect(iommuUnmap(d, 2 ** 48, 4 * KiB)).toBe(0);
    expect(iommuUnmap(d, 2 ** 48 - 4 * KiB, 8 * KiB)).toBe(0);
    expect(warnings(k)).toHaveLength(2);
    expect(d.entryCount()).toBe(1);
    expect(iommuIovaToPhys(d, 2 ** 48, { probe: true })).toBe(0);
  });

  it('iova_to_phys rejects a non-integer IOVA', () => {
    const { d } = newDomain();
    expect(errnoOf(() => iommuIovaToPhys(d, 1.5))).toBe('EINVAL');
  });

  it('a freed domain refuses further use', () => {
    const { d } = newDomain();
    d.free();
    expect(d.freed).toBe(true);
    expect(errnoOf(() => iommuMap(d, 16 * MiB, 0, 4096, RW))).toBe('EINVAL');
  });
});

describe('IOTLB gather', () => {
  it('flushes once per unmap call however many unmap_pages calls it takes', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 0, 2 * MiB + 4 * GiB + 8 * KiB, RW);
    const before = d.stats().iotlbFlushes;
    expect(iommuUnmap(d, 0, 2 * MiB + 4 * GiB + 8 * KiB)).toBe(2 * MiB + 4 * GiB + 8 * KiB);
    expect(d.stats().unmapPagesCalls).toBeGreaterThan(1);
    expect(d.stats().iotlbFlushes - before).toBe(1);
    expect(warnings(k)).toEqual([]);
  });
});

describe('fault injection', () => {
  it("'iommu_map' fails with ENOMEM before touching anything", () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    k.faults.failNth(1);
    expect(errnoOf(() => iommuMap(d, 0, 0, 4 * MiB, RW))).toBe('ENOMEM');
    expect(k.faults.consumed()).toBe(true);
    expect(k.faults.lastSite).toBe('iommu_map');
    expect(d.entryCount()).toBe(0);
    expect(d.stats().pteWrites).toBe(0);
    expect(d.stats().tableBytes).toBe(0);
  });

  it('a driver failure mid-map undoes the earlier map_pages calls of the same iommu_map', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    // Occupy the 4 KiB page right after the 2 MiB part of the next map.
    iommuMap(d, 4 * MiB + 4 * KiB, 0, 4 * KiB, RW);
    const pte0 = d.stats().pteWrites;
    let err: unknown;
    try {
      iommuMap(d, 2 * MiB, 2 * MiB, 2 * MiB + 8 * KiB, RW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).errno).toBe('EEXIST');
    expect(warnings(k).length).toBe(1); // the driver's occupied-slot warning
    expect(d.mappedRanges()).toEqual([{ iova: 4 * MiB + 4 * KiB, length: 4 * KiB, pageSize: 4 * KiB }]);
    expect(d.stats().unmapCalls).toBe(1); // the core's rollback
    expect(d.stats().pteWrites).toBeGreaterThan(pte0);
    expect(d.stats().mappedBytes).toBe(4 * KiB);
  });
});
