/** fast-check: iommu_map splits into aligned leaves that cover the range and use the largest sizes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iommuMap } from './core';
import { GiB, KiB, newDomain } from './test-helpers';

const PAGE = 4 * KiB;

describe('iommu_map splitting (fast-check)', () => {
  for (const format of ['x86_64', 'arm64_4k'] as const) {
    it(`${format}: leaves cover the range exactly, are aligned, and are as large as alignment allows`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 24 }), // iova in pages
          fc.integer({ min: 0, max: 2 ** 24 }), // paddr in pages
          fc.integer({ min: 1, max: 3 * 2 ** 18 + 700 }), // size in pages (up to ~3 GiB)
          fc.boolean(), // congruent mod 1 GiB
          (ip, pp, npages, congruent) => {
            // incongruent ranges map as small pages: keep them small so the test stays quick
            const np = congruent ? npages : 1 + (npages % 20000);
            const { d } = newDomain({ kind: 'pagetable', format });
            const iova = ip * PAGE;
            const paddr = congruent ? 64 * GiB + (iova % GiB) : pp * PAGE;
            const size = np * PAGE;
            iommuMap(d, iova, paddr, size, 3);
            const ranges = d.mappedRanges();
            let cur = iova;
            for (const r of ranges) {
              expect(r.iova).toBe(cur);
              expect(r.iova % r.pageSize).toBe(0);
              expect(r.length % r.pageSize).toBe(0);
              // a phys address of each leaf is aligned like its IOVA
              expect(d.translate(r.iova) % r.pageSize).toBe(0);
              cur += r.length;
            }
            expect(cur).toBe(iova + size);
            // maximality: where iova ≡ paddr mod s, no run of smaller leaves contains a
            // whole s-aligned window of s bytes
            for (const sz of d.pageSizes) {
              if ((iova - paddr) % sz !== 0) continue;
              for (const r of ranges) {
                if (r.pageSize >= sz) continue;
                const win = Math.ceil(r.iova / sz) * sz;
                if (win + sz <= r.iova + r.length)
                  throw new Error(`${sz} window at ${win} mapped by ${r.pageSize}`);
              }
            }
          },
        ),
        { numRuns: 150, seed: 42 },
      );
    });
  }
});
