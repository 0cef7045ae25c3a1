/**
 * Random maps and unmaps (only on legal cut points: unions of adjacent
 * earlier map calls) against a plain Map from IO page to physical address.
 * After every step iova_to_phys must agree everywhere in the window, the
 * summaries must agree with the reference, and the counters must equal the
 * work the test asked for.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, Rng } from '../base';
import { iommuMapPfnList, iommuReadPfns } from './batch-api';
import { iommuIovaToPhys, iommuMap, iommuUnmap } from './core';
import { MOCK_APERTURE_START } from './mock-domain';
import { KiB, MiB, newDomain, warnings } from './test-helpers';
import type { CreateDomainOptions } from './types';

interface MapCall {
  iova: number;
  size: number;
}

const CONFIGS: { name: string; opts: CreateDomainOptions; base: number }[] = [
  { name: 'mock', opts: {}, base: MOCK_APERTURE_START },
  { name: 'mock+batch', opts: { batchApi: true }, base: MOCK_APERTURE_START },
  { name: 'x86_64', opts: { kind: 'pagetable', format: 'x86_64' }, base: 3 * 2 ** 30 },
  { name: 'arm64_4k+batch', opts: { kind: 'pagetable', format: 'arm64_4k', batchApi: true }, base: 0 },
  {
    name: 'arm64_4k 64K/2M only',
    opts: { kind: 'pagetable', format: 'arm64_4k', pageSizes: [64 * KiB, 2 * MiB] },
    base: 2 ** 40,
  },
];

const WINDOW = 16 * MiB;

for (const cfg of CONFIGS) {
  describe(`random map/unmap on ${cfg.name}`, () => {
    for (const seed of [1, 2, 3]) {
      it(`agrees with a reference map (seed ${seed})`, () => {
        const rng = new Rng(seed * 7919 + cfg.name.length);
        const { k, d } = newDomain(cfg.opts);
        const io = d.minPageSize;
        const npages = WINDOW / io;
        const ref = new Map<number, number>(); // IO page index in window → phys
        const calls: MapCall[] = [];
        let mapCalls = 0;
        let unmapCalls = 0;
        let listCalls = 0;
        const seenSizes = new Set<number>();

        const free = (first: number, n: number) => {
          for (let i = first; i < first + n; i++) if (ref.has(i)) return false;
          return true;
        };

        const doMap = (): boolean => {
          const huge = rng.int(3) === 0;
          const alignChoices = [io, Math.max(io, 64 * KiB), Math.max(io, 2 * MiB)];
          const align = huge ? Math.max(io, 2 * MiB) : alignChoices[rng.int(3)];
          const pagesPerAlign = align / io;
          const nAlign = WINDOW / align;
          const first = rng.int(nAlign) * pagesPerAlign;
          const maxPages = Math.min(npages - first, rng.int(3) === 0 ? (4 * MiB) / io : (256 * KiB) / io);
          const n = huge
            ? Math.min(
                npages - first,
                ((2 * MiB) / io) * (1 + rng.int(2)) + (rng.int(2) === 0 ? rng.int(64) : 0),
              )
            : 1 + rng.int(maxPages);
          if (!free(first, n)) return false;
          const iova = cfg.base + first * io;
          const size = n * io;
          // physically: one or several contiguous segments, often congruent to iova
          const nseg = !huge && rng.int(3) === 0 ? 1 + rng.int(4) : 1;
          const cuts = new Set<number>([0, n]);
          while (cuts.size < Math.min(nseg + 1, n + 1)) cuts.add(rng.int(n));
          const bounds = [...cuts].sort((a, b) => a - b);
          const paddrs = new Float64Array(bounds.length - 1);
          const sizes = new Float64Array(bounds.length - 1);
          for (let s = 0; s + 1 < bounds.length; s++) {
            const segIova = iova + bounds[s] * io;
            const frameBase = (1 + rng.int(1024)) * 2 * MiB;
            paddrs[s] =
              !huge && rng.int(3) === 0 ? frameBase + rng.int(512) * io : frameBase + (segIova % (2 * MiB));
            sizes[s] = (bounds[s + 1] - bounds[s]) * io;
          }
          if (paddrs.length > 1 && rng.int(2) === 0) {
            iommuMapPfnList(d, iova, paddrs, sizes, paddrs.length, 3);
            if (d.batchApi) listCalls++;
            else mapCalls += paddrs.length;
          } else {
            for (let s = 0; s < paddrs.length; s++) {
              iommuMap(d, iova + bounds[s] * io, paddrs[s], sizes[s], 3);
              mapCalls++;
            }
          }
          for (let s = 0; s < paddrs.length; s++) {
            for (let i = bounds[s]; i < bounds[s + 1]; i++)
              ref.set(first + i, paddrs[s] + (i - bounds[s]) * io);
            calls.push({ iova: iova + bounds[s] * io, size: sizes[s] });
          }
          void size;
          return true;
        };

        const doUnmap = () => {
          if (calls.length === 0) return;
          calls.sort((a, b) => a.iova - b.iova);
          const i = rng.int(calls.length);
          let j = i;
          while (
            j + 1 < calls.length &&
            calls[j].iova + calls[j].size === calls[j + 1].iova &&
            rng.int(2) === 0
          )
            j++;
          const iova = calls[i].iova;
          const end = calls[j].iova + calls[j].size;
          expect(iommuUnmap(d, iova, end - iova)).toBe(end - iova);
          unmapCalls++;
          for (let a = iova; a < end; a += io) ref.delete((a - cfg.base) / io);
          calls.splice(i, j - i + 1);
        };

        const check = () => {
          const bad: number[] = [];
          for (let p = 0; p < npages; p++) {
            const want = ref.get(p);
            if (d.translate(cfg.base + p * io) !== (want === undefined ? -1 : want)) bad.push(p);
          }
          expect(bad).toEqual([]);
          expect(d.stats().mappedBytes).toBe(ref.size * io);
          const ranges = d.mappedRanges();
          expect(ranges.reduce((s, r) => s + r.length, 0)).toBe(ref.size * io);
          for (const r of ranges) {
            seenSizes.add(r.pageSize);
            expect(r.iova % r.pageSize).toBe(0);
            expect(d.pageSizes).toContain(r.pageSize);
          }
          const s = d.stats();
          expect(s.ioPagesMapped - s.ioPagesUnmapped).toBe(d.entryCount());
          if (d.kind === 'mock') expect(d.entryCount()).toBe(ref.size);
        };

        for (let step = 0; step < 120; step++) {
          if (rng.int(2) === 0) {
            for (let t = 0; t < 8 && !doMap(); t++);
            for (const r of d.mappedRanges()) seenSizes.add(r.pageSize);
          } else doUnmap();
          if (step % 4 === 0) check();
        }
        check();
        // the walk really used more than one leaf size where the domain has several
        if (d.pageSizes.length > 1) expect(seenSizes.size).toBeGreaterThan(1);

        // counted reads agree with the reference (every mapped page, via the shim)
        let reads = 0;
        for (const [p, phys] of ref) {
          if (p % 7 !== 0) continue;
          const got = iommuIovaToPhys(d, cfg.base + p * io);
          reads++;
          expect(got).toBe(d.kind === 'mock' ? phys - (phys % 2048) : phys);
        }
        // readPfns over each live map call agrees with the reference
        let readCalls = 0;
        const badReads: number[] = [];
        let perPage = 0;
        for (const c of calls) {
          if (c.size % PAGE_SIZE !== 0 || c.iova % PAGE_SIZE !== 0) continue;
          const np = c.size / PAGE_SIZE;
          let k0 = 0;
          const got = iommuReadPfns(d, c.iova, np, (pfn, count) => {
            for (let q = 0; q < count; q++) {
              const off = c.iova + (k0 + q) * PAGE_SIZE - cfg.base;
              const want = (ref.get(Math.floor(off / io)) ?? NaN) + (off % io);
              if (pfn + q !== Math.floor(want / PAGE_SIZE)) badReads.push(c.iova + (k0 + q) * PAGE_SIZE);
            }
            k0 += count;
            return true;
          });
          expect(got).toBe(np);
          if (d.batchApi) readCalls++;
          else perPage += np;
        }

        expect(badReads).toEqual([]);
        expect(warnings(k)).toEqual([]);
        const s = d.stats();
        expect(s.mapCalls).toBe(mapCalls);
        expect(k.counters.iommuMapCalls).toBe(mapCalls);
        expect(s.mapPfnListCalls).toBe(listCalls);
        expect(s.unmapCalls).toBe(unmapCalls);
        expect(k.counters.iommuUnmapCalls).toBe(unmapCalls);
        expect(s.iotlbFlushes).toBe(unmapCalls);
        expect(s.iovaToPhysCalls).toBe(reads + perPage);
        expect(s.readPfnsCalls).toBe(readCalls);
        expect(k.counters.pteWrites).toBe(s.pteWrites);
        expect(k.counters.ioPagesMapped).toBe(s.ioPagesMapped);

        // tear down: everything unmaps cleanly and the tables go back to zero
        calls.sort((a, b) => a.iova - b.iova);
        for (const c of calls) expect(iommuUnmap(d, c.iova, c.size)).toBe(c.size);
        const e = d.stats();
        expect(d.entryCount()).toBe(0);
        expect(e.tableBytes).toBe(0);
        expect(e.mappedBytes).toBe(0);
        expect(e.ioPagesMapped).toBe(e.ioPagesUnmapped);
        // every table link written was cleared again
        expect((e.pteWrites - e.ioPagesMapped - e.ioPagesUnmapped) % 2).toBe(0);
        d.free();
        expect(warnings(k)).toEqual([]);
      });
    }
  });
}
