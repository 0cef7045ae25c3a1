import { describe, expect, it } from 'vitest';
import { Rng } from '../base/rng';
import { iommuIovaToPhys, iommuMap, iommuUnmap } from './core';
import { MOCK_APERTURE_LAST, MOCK_APERTURE_START, MOCK_IO_PAGE_SIZE, MockDomain } from './mock-domain';
import { MiB, newDomain, probes, warnings } from './test-helpers';
import { IOMMU_READ, IOMMU_WRITE } from './types';

const RW = IOMMU_READ | IOMMU_WRITE;
const A = MOCK_APERTURE_START;

describe('mock domain geometry', () => {
  it('has the selftest geometry', () => {
    const { d } = newDomain();
    expect(d.kind).toBe('mock');
    expect(d.pgsizeBitmap).toBe(2048);
    expect(d.minPageSize).toBe(MOCK_IO_PAGE_SIZE);
    expect(d.apertureStart).toBe(16 * MiB);
    expect(d.apertureEnd).toBe(MOCK_APERTURE_LAST);
    expect(MOCK_APERTURE_LAST).toBe(2 ** 31 - 1);
    expect(d.batchApi).toBe(false);
  });

  it('one map_pages call per iommu_map; a 4 KiB range is two entries', () => {
    const { k, d } = newDomain();
    iommuMap(d, A, 8192, 4096, RW);
    expect(d.stats().mapPagesCalls).toBe(1);
    expect(d.stats().ioPagesMapped).toBe(2);
    expect(k.counters.ioPagesMapped).toBe(2);
    expect(d.entryCount()).toBe(2);
    expect(d.stats().tableBytes).toBe(0);
    expect(d.stats().pteWrites).toBe(2);
  });
});

describe('START/LAST checking', () => {
  function twoMaps() {
    const r = newDomain();
    iommuMap(r.d, A, 0x100000, 16 * 1024, RW); // 8 entries
    iommuMap(r.d, A + 16 * 1024, 0x200000, 8 * 1024, RW); // 4 entries
    const m = r.d as MockDomain;
    expect(m.markersAt(A)).toEqual({ start: true, last: false });
    expect(m.markersAt(A + 14 * 1024)).toEqual({ start: false, last: true });
    expect(m.markersAt(A + 16 * 1024)).toEqual({ start: true, last: false });
    return r;
  }

  it('an exact unmap of one map call does not warn', () => {
    const { k, d } = twoMaps();
    expect(iommuUnmap(d, A + 16 * 1024, 8 * 1024)).toBe(8 * 1024);
    expect(warnings(k)).toEqual([]);
  });

  it('an unmap covering two whole map calls does not warn', () => {
    const { k, d } = twoMaps();
    expect(iommuUnmap(d, A, 24 * 1024)).toBe(24 * 1024);
    expect(warnings(k)).toEqual([]);
    expect(d.entryCount()).toBe(0);
  });

  it('an unmap beginning mid-map warns', () => {
    const { k, d } = twoMaps();
    iommuUnmap(d, A + 2048, 14 * 1024);
    expect(warnings(k)).toHaveLength(1);
    expect(warnings(k)[0]).toMatch(/does not begin on a map boundary/);
  });

  it('an unmap ending mid-map warns', () => {
    const { k, d } = twoMaps();
    iommuUnmap(d, A, 20 * 1024);
    expect(warnings(k)).toHaveLength(1);
    expect(warnings(k)[0]).toMatch(/does not end on a map boundary/);
  });

  it('an unmap starting on the LAST entry of a map warns (stricter than a shared bit)', () => {
    const { k, d } = twoMaps();
    iommuUnmap(d, A + 14 * 1024, 10 * 1024);
    expect(warnings(k).some((w) => /begin/.test(w))).toBe(true);
  });

  it('an unmap of missing entries warns and still returns the full size', () => {
    const { k, d } = newDomain();
    expect(iommuUnmap(d, A, 4096)).toBe(4096);
    expect(warnings(k)[0]).toMatch(/missing entries/);
  });
});

describe('mock warnings', () => {
  it('warns on mapping an occupied slot', () => {
    const { k, d } = newDomain();
    iommuMap(d, A, 0, 4096, RW);
    iommuMap(d, A + 2048, 0x10000, 4096, RW);
    expect(warnings(k)).toHaveLength(1);
    expect(warnings(k)[0]).toMatch(/occupied/);
    expect(d.entryCount()).toBe(3);
  });

  it('unmapped read: 0 and a warning; with probe: 0 and a probe event', () => {
    const { k, d } = newDomain();
    expect(iommuIovaToPhys(d, A)).toBe(0);
    expect(warnings(k)).toHaveLength(1);
    expect(k.counters.warnings).toBe(1);
    expect(iommuIovaToPhys(d, A + 4096, { probe: true })).toBe(0);
    expect(warnings(k)).toHaveLength(1);
    expect(probes(k)).toHaveLength(1);
    expect(k.counters.iovaToPhysCalls).toBe(2);
  });

  it('iova_to_phys answers the 2 KiB frame base; translate the exact address', () => {
    const { k, d } = newDomain();
    iommuMap(d, A, 0x5000 + 2048, 2048, RW);
    expect(iommuIovaToPhys(d, A)).toBe(0x5800);
    expect(d.translate(A + 100)).toBe(0x5800 + 100);
    expect(d.translate(A + 2048)).toBe(-1);
    expect(warnings(k)).toEqual([]);
    iommuIovaToPhys(d, A + 100);
    expect(warnings(k)[0]).toMatch(/not 2 KiB aligned/);
  });

  it('warns if entries remain at free()', () => {
    const { k, d } = newDomain();
    iommuMap(d, A, 0, 4096, RW);
    d.free();
    expect(warnings(k)[0]).toMatch(/2 entries still mapped/);
    const { k: k2, d: d2 } = newDomain();
    iommuMap(d2, A, 0, 4096, RW);
    iommuUnmap(d2, A, 4096);
    d2.free();
    expect(warnings(k2)).toEqual([]);
  });
});

describe('mock mappedRanges', () => {
  it('merges by IOVA adjacency', () => {
    const { d } = newDomain();
    iommuMap(d, A, 0, 4096, RW);
    iommuMap(d, A + 4096, 0x100000, 8192, RW);
    iommuMap(d, A + 64 * 1024, 0, 2048, RW);
    // spans a storage-chunk boundary (8 MiB)
    iommuMap(d, A + 8 * MiB - 4096, 0, 8192, RW);
    expect(d.mappedRanges()).toEqual([
      { iova: A, length: 12288, pageSize: 2048 },
      { iova: A + 64 * 1024, length: 2048, pageSize: 2048 },
      { iova: A + 8 * MiB - 4096, length: 8192, pageSize: 2048 },
    ]);
  });

  it('equals the per-entry reading after random maps and unmaps (runs across chunks, holes, long runs)', () => {
    const rng = new Rng(9);
    const E = MOCK_IO_PAGE_SIZE;
    for (let trial = 0; trial < 30; trial++) {
      const { d } = newDomain();
      // entry keys in a window that spans three 8 MiB storage chunks
      const window = (3 * 8 * MiB) / E;
      const present = new Uint8Array(window);
      for (let op = 0; op < 40; op++) {
        const start = rng.int(window - 1);
        const n = 1 + rng.int(rng.int(2) === 0 ? 8 : 6000);
        const len = Math.min(n, window - start);
        let free = true;
        for (let i = start; i < start + len; i++) if (present[i]) free = false;
        if (free && rng.int(3) !== 0) {
          iommuMap(d, A + start * E, 0x40000000 + start * E, len * E, RW);
          present.fill(1, start, start + len);
        } else {
          // unmap a whole mapped run found at or after start, if any
          let s0 = present.indexOf(1, start);
          if (s0 < 0) continue;
          while (s0 > 0 && present[s0 - 1]) s0--;
          let e0 = present.indexOf(0, s0);
          if (e0 < 0) e0 = window;
          iommuUnmap(d, A + s0 * E, (e0 - s0) * E);
          present.fill(0, s0, e0);
        }
      }
      const want: { iova: number; length: number; pageSize: number }[] = [];
      for (let i = 0; i < window; ) {
        if (!present[i]) {
          i++;
          continue;
        }
        let j = present.indexOf(0, i);
        if (j < 0) j = window;
        want.push({ iova: A + i * E, length: (j - i) * E, pageSize: E });
        i = j;
      }
      expect(d.mappedRanges(), `trial ${trial}`).toEqual(want);
    }
  });
});
