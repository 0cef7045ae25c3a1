import { describe, expect, it } from 'vitest';
import { isLabError } from '../../base';
import { iommuIovaToPhys, iommuMap, iommuUnmap } from '../core';
import { createDomain } from '../create';
import { GiB, KiB, MiB, newDomain, probes, warnings } from '../test-helpers';
import { IOMMU_READ, IOMMU_WRITE } from '../types';
import { Kernel } from '../../base';
import type { PagetableDomain } from './pagetable-domain';

const RW = IOMMU_READ | IOMMU_WRITE;

describe('createDomain validation', () => {
  const k = new Kernel();
  const bad = (opts: object, name: string) => {
    try {
      createDomain(k, 1, opts);
    } catch (e) {
      expect(isLabError(e) && e.errno).toBe('EINVAL');
      expect((e as Error).message).toMatch(name);
      return;
    }
    throw new Error('no error');
  };
  it('rejects bad kind, format and pageSizes, naming the option', () => {
    bad({ kind: 'iommu' }, 'kind');
    bad({ kind: 'pagetable', format: 'riscv' }, 'format');
    bad({ kind: 'pagetable', pageSizes: [] }, 'pageSizes');
    bad({ kind: 'pagetable', pageSizes: [8192] }, 'pageSizes');
    bad({ kind: 'pagetable', format: 'x86_64', pageSizes: [64 * KiB] }, 'pageSizes');
    bad({ kind: 'mock', format: 'x86_64' }, 'format');
    bad({ kind: 'mock', pageSizes: [4096] }, 'pageSizes');
    bad({ batchApi: 1 }, 'batchApi');
  });
  it('fills in the defaults', () => {
    const d = createDomain(k, 7, { kind: 'pagetable' });
    expect(d.format).toBe('x86_64');
    expect(d.pageSizes).toEqual([4 * KiB, 2 * MiB, GiB]);
    expect(d.pgsizeBitmap).toBe(4 * KiB + 2 * MiB + GiB);
    expect(d.apertureStart).toBe(0);
    expect(d.apertureEnd).toBe(2 ** 48 - 1);
    const a = createDomain(k, 8, { kind: 'pagetable', format: 'arm64_4k' });
    expect(a.pageSizes).toEqual([4 * KiB, 64 * KiB, 2 * MiB, GiB]);
  });
});

describe('pagetable leaves', () => {
  it('maps a 1 GiB leaf with one PTE', () => {
    const { d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 3 * GiB, 5 * GiB, GiB, RW);
    expect(d.mappedRanges()).toEqual([{ iova: 3 * GiB, length: GiB, pageSize: GiB }]);
    expect(d.stats().ioPagesMapped).toBe(1);
    expect(d.stats().pteWrites).toBe(2); // link root → L2 table, one leaf
    expect(d.stats().tableBytes).toBe(2 * 4096);
    expect(iommuIovaToPhys(d, 3 * GiB + 12345)).toBe(5 * GiB + 12345);
  });

  it('refuses to unmap part of a large leaf, with a warning', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 4 * KiB, 2 * MiB, RW); // 512 small leaves (paddr not 2 MiB aligned)
    iommuMap(d, 2 * MiB, 4 * MiB, 2 * MiB, RW);
    // unmap [0, 2M + 4K): the 4 KiB leaves go, the 2 MiB leaf is refused.
    expect(iommuUnmap(d, 0, 2 * MiB + 4 * KiB)).toBe(2 * MiB);
    expect(warnings(k)).toHaveLength(1);
    expect(d.mappedRanges()).toEqual([{ iova: 2 * MiB, length: 2 * MiB, pageSize: 2 * MiB }]);
    const { k: k2, d: d2 } = newDomain({ kind: 'pagetable' });
    iommuMap(d2, 2 * MiB, 4 * MiB, 2 * MiB, RW);
    expect(iommuUnmap(d2, 2 * MiB, 4 * KiB)).toBe(0);
    expect(iommuUnmap(d2, 2 * MiB + 4 * KiB, 2 * MiB - 4 * KiB)).toBe(0);
    expect(warnings(k2)).toHaveLength(2);
    expect(warnings(k2)[0]).toMatch(/split the 2048 KiB leaf/);
    expect(d2.entryCount()).toBe(1);
    expect(iommuUnmap(d2, 2 * MiB, 2 * MiB)).toBe(2 * MiB);
  });

  it('stops at a hole with a warning', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 0, 4 * KiB, RW);
    iommuMap(d, 8 * KiB, 0, 4 * KiB, RW);
    expect(iommuUnmap(d, 0, 12 * KiB)).toBe(4 * KiB);
    expect(warnings(k)[0]).toMatch(/unmapped IOVA 0x1000/);
  });

  it('mapping over an existing leaf warns and fails with EEXIST, leaving the domain unchanged', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 0, 2 * MiB, RW);
    const before = d.stats();
    let errno = '';
    try {
      iommuMap(d, 4 * KiB, 0, 4 * KiB, RW);
    } catch (e) {
      errno = isLabError(e) ? e.errno : '';
    }
    expect(errno).toBe('EEXIST');
    expect(warnings(k)).toHaveLength(1);
    expect(d.stats().tableBytes).toBe(before.tableBytes);
    expect(d.entryCount()).toBe(1);
  });

  it('unmapped read warns; a probe read records a probe event', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    expect(iommuIovaToPhys(d, 0x1234)).toBe(0);
    expect(iommuIovaToPhys(d, 0x1234, { probe: true })).toBe(0);
    expect(warnings(k)).toHaveLength(1);
    expect(probes(k)).toHaveLength(1);
  });
});

describe('table memory', () => {
  it('allocates tables on demand and frees every one when everything is unmapped', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    const pt = d as PagetableDomain;
    iommuMap(d, 0, 0, 4 * KiB, RW);
    expect(d.stats().tableBytes).toBe(4 * 4096);
    iommuMap(d, 512 * GiB + 2 * MiB + 4 * KiB, 8 * MiB, 12 * KiB, RW); // another root slot
    expect(pt.tableCount()).toBe(7);
    iommuMap(d, GiB, GiB, 3 * GiB, RW);
    const peak = d.stats().tableBytes;
    expect(peak).toBe(d.stats().tableBytesPeak);
    expect(iommuUnmap(d, 0, 4 * KiB)).toBe(4 * KiB);
    expect(iommuUnmap(d, GiB, 3 * GiB)).toBe(3 * GiB);
    expect(iommuUnmap(d, 512 * GiB + 2 * MiB + 4 * KiB, 12 * KiB)).toBe(12 * KiB);
    expect(d.stats().tableBytes).toBe(0);
    expect(pt.tableCount()).toBe(0);
    expect(d.entryCount()).toBe(0);
    expect(d.stats().mappedBytes).toBe(0);
    expect(d.mappedRanges()).toEqual([]);
    expect(warnings(k)).toEqual([]);
    const s = d.stats();
    expect(s.ioPagesMapped).toBe(s.ioPagesUnmapped);
    // every link written was cleared again: writes are even per entry
    expect(s.pteWrites % 2).toBe(0);
  });

  it('reuses freed table pages', () => {
    const { d } = newDomain({ kind: 'pagetable' });
    for (let i = 0; i < 3; i++) {
      iommuMap(d, 0, 0, 64 * MiB, RW);
      iommuUnmap(d, 0, 64 * MiB);
    }
    expect(d.stats().tableBytesPeak).toBe(3 * 4096);
    expect(d.stats().tableBytes).toBe(0);
  });

  it('free() warns when leaves remain and releases every table', () => {
    const { k, d } = newDomain({ kind: 'pagetable' });
    iommuMap(d, 0, 0, 4 * MiB, RW);
    d.free();
    expect(warnings(k)[0]).toMatch(/still mapped/);
    expect(d.stats().tableBytes).toBe(0);
  });
});

describe('arm64_4k contiguous hint', () => {
  it('maps 64 KiB runs as 16 PTEs with the hint', () => {
    const { k, d } = newDomain({ kind: 'pagetable', format: 'arm64_4k' });
    // 128 KiB + 4 KiB at 64 KiB alignment: two hint runs and one 4 KiB page
    iommuMap(d, 64 * KiB, 128 * KiB, 132 * KiB, RW);
    expect(d.mappedRanges()).toEqual([
      { iova: 64 * KiB, length: 128 * KiB, pageSize: 64 * KiB },
      { iova: 192 * KiB, length: 4 * KiB, pageSize: 4 * KiB },
    ]);
    expect(d.stats().ioPagesMapped).toBe(33);
    expect(d.stats().mapPagesCalls).toBe(2);
    expect(iommuIovaToPhys(d, 64 * KiB + 20 * KiB + 7)).toBe(128 * KiB + 20 * KiB + 7);
    // part of a hint run cannot be unmapped
    expect(iommuUnmap(d, 64 * KiB, 4 * KiB)).toBe(0);
    expect(warnings(k)).toHaveLength(1);
    expect(iommuUnmap(d, 64 * KiB, 132 * KiB)).toBe(132 * KiB);
    expect(d.stats().tableBytes).toBe(0);
  });

  it('2 MiB aligned ranges still use 2 MiB blocks', () => {
    const { d } = newDomain({ kind: 'pagetable', format: 'arm64_4k' });
    iommuMap(d, 2 * MiB - 64 * KiB, 2 * MiB - 64 * KiB, 2 * MiB + 128 * KiB, RW);
    expect(d.mappedRanges()).toEqual([
      { iova: 2 * MiB - 64 * KiB, length: 64 * KiB, pageSize: 64 * KiB },
      { iova: 2 * MiB, length: 2 * MiB, pageSize: 2 * MiB },
      { iova: 4 * MiB, length: 64 * KiB, pageSize: 64 * KiB },
    ]);
  });
});

describe('pageSizes restriction', () => {
  it('only installs allowed leaf sizes', () => {
    const { d } = newDomain({ kind: 'pagetable', pageSizes: [4 * KiB, GiB] });
    iommuMap(d, 0, 0, GiB + 4 * MiB, RW);
    expect(d.mappedRanges()).toEqual([
      { iova: 0, length: GiB, pageSize: GiB },
      { iova: GiB, length: 4 * MiB, pageSize: 4 * KiB },
    ]);
  });

  it('the smallest allowed size defines the alignment', () => {
    const { d } = newDomain({ kind: 'pagetable', pageSizes: [2 * MiB] });
    expect(d.minPageSize).toBe(2 * MiB);
    expect(d.pgsizeBitmap).toBe(2 * MiB);
    expect(() => iommuMap(d, 0, 0, 4 * KiB, RW)).toThrow(/aligned/);
    iommuMap(d, 0, 0, 4 * MiB, RW);
    expect(d.entryCount()).toBe(2);
    expect(iommuUnmap(d, 0, 4 * KiB)).toBe(0);
  });

  it('arm64 without the hint size maps 4 KiB pages', () => {
    const { d } = newDomain({ kind: 'pagetable', format: 'arm64_4k', pageSizes: [4 * KiB, 2 * MiB] });
    iommuMap(d, 64 * KiB, 0, 64 * KiB, RW);
    expect(d.mappedRanges()).toEqual([{ iova: 64 * KiB, length: 64 * KiB, pageSize: 4 * KiB }]);
  });
});
