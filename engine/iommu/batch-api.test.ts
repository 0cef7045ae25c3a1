import { describe, expect, it } from 'vitest';
import { isLabError, PAGE_SIZE } from '../base';
import { iommuMapPfnList, iommuReadPfns } from './batch-api';
import { iommuMap, iommuUnmap } from './core';
import { MOCK_APERTURE_START } from './mock-domain';
import { KiB, MiB, newDomain, probes, warnings } from './test-helpers';
import type { CreateDomainOptions } from './types';
import { IOMMU_READ, IOMMU_WRITE } from './types';

const RW = IOMMU_READ | IOMMU_WRITE;
const A = MOCK_APERTURE_START;

/** Three physically discontiguous runs: 3 pages, 1 page, 4 pages. */
const SEGS: [number, number][] = [
  [0x100000, 3 * PAGE_SIZE],
  [0x900000, PAGE_SIZE],
  [0x200000, 4 * PAGE_SIZE],
];

function lists(segs: [number, number][]): { paddrs: Float64Array; sizes: Float64Array } {
  return {
    paddrs: Float64Array.from(segs.map((s) => s[0])),
    sizes: Float64Array.from(segs.map((s) => s[1])),
  };
}

function collect(d: Parameters<typeof iommuReadPfns>[0], iova: number, npages: number, cap = Infinity) {
  const runs: [number, number][] = [];
  const n = iommuReadPfns(d, iova, npages, (pfn, count) => {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] + last[1] === pfn) {
      last[1] += count;
      return true;
    }
    if (runs.length >= cap) return false;
    runs.push([pfn, count]);
    return true;
  });
  return { n, runs };
}

for (const opts of [{}, { kind: 'pagetable' }] as CreateDomainOptions[]) {
  const base = opts.kind === 'pagetable' ? 0x40000000 : A;
  describe(`batch API on ${opts.kind ?? 'mock'}`, () => {
    it('mapPfnList: one driver call with the API, one iommu_map per segment without; same contents', () => {
      const { k: k1, d: d1 } = newDomain({ ...opts, batchApi: true });
      const { k: k2, d: d2 } = newDomain({ ...opts, batchApi: false });
      const { paddrs, sizes } = lists(SEGS);
      iommuMapPfnList(d1, base, paddrs, sizes, 3, RW);
      iommuMapPfnList(d2, base, paddrs, sizes, 3, RW);
      expect(d1.stats().mapPfnListCalls).toBe(1);
      expect(d1.stats().mapCalls).toBe(0);
      expect(k1.counters.mapPfnListCalls).toBe(1);
      expect(d2.stats().mapPfnListCalls).toBe(0);
      expect(d2.stats().mapCalls).toBe(3);
      expect(k2.counters.iommuMapCalls).toBe(3);
      expect(d1.mappedRanges()).toEqual(d2.mappedRanges());
      for (let off = 0; off < 8 * PAGE_SIZE; off += 2048)
        expect(d1.translate(base + off)).toBe(d2.translate(base + off));
      // Segment boundaries stay legal unmap cut points (the mock checks START/LAST).
      expect(iommuUnmap(d1, base + 3 * PAGE_SIZE, PAGE_SIZE)).toBe(PAGE_SIZE);
      expect(iommuUnmap(d1, base, 3 * PAGE_SIZE)).toBe(3 * PAGE_SIZE);
      expect(iommuUnmap(d1, base + 4 * PAGE_SIZE, 4 * PAGE_SIZE)).toBe(4 * PAGE_SIZE);
      expect(warnings(k1)).toEqual([]);
      expect(warnings(k2)).toEqual([]);
    });

    it('readPfns: runs in one call with the API, one iova_to_phys per page without', () => {
      for (const batchApi of [true, false]) {
        const { k, d } = newDomain({ ...opts, batchApi });
        const { paddrs, sizes } = lists(SEGS);
        iommuMapPfnList(d, base, paddrs, sizes, 3, RW);
        const { n, runs } = collect(d, base, 8);
        expect(n).toBe(8);
        expect(runs).toEqual([
          [0x100, 3],
          [0x900, 1],
          [0x200, 4],
        ]);
        expect(d.stats().readPfnsCalls).toBe(batchApi ? 1 : 0);
        expect(d.stats().iovaToPhysCalls).toBe(batchApi ? 0 : 8);
        expect(k.counters.readPfnsCalls + k.counters.iovaToPhysCalls).toBe(batchApi ? 1 : 8);
        expect(warnings(k)).toEqual([]);
      }
    });

    it('readPfns: a refused run stops the read and is not consumed', () => {
      for (const batchApi of [true, false]) {
        const { d } = newDomain({ ...opts, batchApi });
        const { paddrs, sizes } = lists(SEGS);
        iommuMapPfnList(d, base, paddrs, sizes, 3, RW);
        const { n, runs } = collect(d, base, 8, 2);
        expect(n).toBe(4);
        expect(runs).toEqual([
          [0x100, 3],
          [0x900, 1],
        ]);
      }
    });

    it('readPfns: an unmapped page stops the read with a warning, or a probe event', () => {
      for (const probe of [false, true]) {
        const { k, d } = newDomain({ ...opts, batchApi: true });
        iommuMap(d, base, 0x100000, 2 * PAGE_SIZE, RW);
        const n = iommuReadPfns(d, base, 4, () => true, { probe });
        expect(n).toBe(2);
        expect(warnings(k)).toHaveLength(probe ? 0 : 1);
        expect(probes(k)).toHaveLength(probe ? 1 : 0);
      }
    });

    it('mapPfnList is all or nothing (fault injection, both paths)', () => {
      for (const batchApi of [true, false]) {
        for (let nth = 1; nth <= 3; nth++) {
          const { k, d } = newDomain({ ...opts, batchApi });
          const { paddrs, sizes } = lists(SEGS);
          k.faults.failNth(nth);
          let errno = '';
          try {
            iommuMapPfnList(d, base, paddrs, sizes, 3, RW);
          } catch (e) {
            errno = isLabError(e) ? e.errno : 'other';
          }
          const fired = k.faults.consumed();
          if (batchApi && nth > 1) {
            expect(fired).toBe(false);
            continue;
          }
          expect(fired).toBe(true);
          expect(errno).toBe('ENOMEM');
          expect(d.entryCount()).toBe(0);
          expect(d.stats().tableBytes).toBe(0);
          expect(d.stats().mappedBytes).toBe(0);
          expect(warnings(k)).toEqual([]);
        }
      }
    });
  });
}

describe('batch API details', () => {
  it('readPfns reads page k at the IOVA of the k-th CPU page when the first page starts mid-page', () => {
    // iommufd maps an area whose first page starts 2 KiB in: paddr pfn*4096 + 2048.
    for (const batchApi of [true, false]) {
      const { k, d } = newDomain({ batchApi });
      iommuMap(d, A + 2048, 0x100000 + 2048, 2048 + 4096 + 2048, RW);
      const { n, runs } = collect(d, A + 2048, 3);
      expect(n).toBe(3);
      expect(runs).toEqual([[0x100, 3]]);
      expect(warnings(k)).toEqual([]);
    }
  });

  it('mapPfnList on a page table: a driver failure undoes the whole call', () => {
    const { k, d } = newDomain({ kind: 'pagetable', batchApi: true });
    iommuMap(d, 2 * MiB + 12 * KiB, 0, 4 * KiB, RW);
    const { paddrs, sizes } = lists([
      [2 * MiB, 2 * MiB],
      [0x1000, 8 * KiB],
      [0x8000, 8 * KiB],
    ]);
    expect(() => iommuMapPfnList(d, 0, paddrs, sizes, 3, RW)).toThrow(/already mapped/);
    expect(d.mappedRanges()).toEqual([{ iova: 2 * MiB + 12 * KiB, length: 4 * KiB, pageSize: 4 * KiB }]);
    expect(warnings(k)).toHaveLength(1);
  });

  it('mapPfnList validates every segment before touching anything', () => {
    const { d } = newDomain({ kind: 'pagetable', batchApi: true });
    const { paddrs, sizes } = lists([
      [0x1000, 4096],
      [0x2800, 4096],
    ]);
    expect(() => iommuMapPfnList(d, 0, paddrs, sizes, 2, RW)).toThrow(/segment 1/);
    expect(() => iommuMapPfnList(d, 0, paddrs, sizes, 3, RW)).toThrow(/count/);
    expect(d.entryCount()).toBe(0);
    expect(d.stats().mapPfnListCalls).toBe(0);
  });
});
