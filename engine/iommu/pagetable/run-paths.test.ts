/**
 * The run fast paths of the pagetable domain against the per-call paths
 * they replace, on random layouts: mapPageRuns == one iommuMap per run (as
 * batch_to_domain makes them), readPageRuns == one iommuIovaToPhys per page
 * with batch_add_pfn, and the one-pass clear of 4 KiB leaves in unmap == a
 * per-page model. Equal means: same PTEs, tables, stats, machine counters,
 * fault steps, warnings and thrown errno.
 */
import { describe, expect, it } from 'vitest';
import { isLabError, Kernel } from '../../base';
import { Rng } from '../../base/rng';
import { iommuIovaToPhys, iommuMap, iommuUnmap } from '../core';
import { createDomain } from '../create';
import { IOMMU_READ, IOMMU_WRITE } from '../types';
import type { PagetableDomain } from './pagetable-domain';
import type { RunCursor, RunSink } from '../run-sink';

const PAGE = 4096;
const MiB = 2 ** 20;

function pair(format: 'x86_64' | 'arm64_4k' = 'x86_64'): [Kernel, PagetableDomain][] {
  return [0, 1].map(() => {
    const k = new Kernel();
    return [k, createDomain(k, 1, { kind: 'pagetable', format }) as PagetableDomain];
  });
}

/** Everything observable of a domain and its kernel. */
function observe(k: Kernel, d: PagetableDomain, pages: number): unknown {
  const phys: number[] = [];
  for (let i = 0; i < pages; i++) phys.push(d.translate(i * PAGE));
  return {
    ranges: d.mappedRanges(),
    stats: d.stats(),
    tables: d.tableCount(),
    counters: { ...k.counters },
    steps: k.faults.steps,
    events: k.events.events.map((e) => `${e.kind}:${e.message}`),
    phys,
  };
}

function errnoOf(f: () => void): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (isLabError(e)) return e.errno;
    throw e;
  }
}

/** batch_to_domain's per-call loop (off 0), optionally taking the fast path first. */
function mapBatch(
  d: PagetableDomain,
  pfns: Float64Array,
  npfns: Uint32Array,
  count: number,
  startIova: number,
  endIova: number,
  prot: number,
  fast: boolean,
): void {
  const cur: RunCursor = { k: 0, iova: 0, full: false };
  let iova = startIova;
  let next = iova;
  for (let k = 0; k < count; k++) {
    if (fast) {
      cur.k = k;
      cur.iova = iova;
      d.mapPageRuns(pfns, npfns, count, endIova, prot, cur);
      k = cur.k;
      iova = next = cur.iova;
      if (k === count) break;
    }
    if (npfns[k] === 0) continue;
    next = Math.min(endIova, next + npfns[k] * PAGE);
    try {
      iommuMap(d, iova, pfns[k] * PAGE, next - iova, prot);
    } catch (e) {
      if (iova !== startIova) iommuUnmap(d, startIova, iova - startIova);
      throw e;
    }
    iova = next;
  }
}

describe('mapPageRuns == one iommu_map per run', () => {
  it('on random run layouts, occupied slots, cuts and armed faults', () => {
    const rng = new Rng(1313);
    for (let trial = 0; trial < 150; trial++) {
      const format = rng.int(4) === 0 ? 'arm64_4k' : 'x86_64';
      const count = 1 + rng.int(1200);
      const pfns = new Float64Array(count);
      const npfns = new Uint32Array(count);
      let pfn = 1 + rng.int(1000);
      let pages = 0;
      for (let k = 0; k < count; k++) {
        const r = rng.int(20);
        npfns[k] = r === 0 ? 0 : r === 1 ? 1 + rng.int(600) : 1;
        pfns[k] = pfn;
        pfn += npfns[k] + 1 + (rng.int(3) === 0 ? rng.int(512) : 0);
        pages += npfns[k];
      }
      const start = (rng.int(4) === 0 ? 0 : rng.int(3000)) * PAGE;
      const endIova = start + Math.max(0, pages - (rng.int(3) === 0 ? rng.int(4) : 0)) * PAGE;
      const prot = rng.int(2) === 0 ? IOMMU_READ | IOMMU_WRITE : IOMMU_READ;
      const pre = rng.int(3) === 0 ? start + rng.int(pages + 8) * PAGE : -1;
      const preLen = rng.int(2) === 0 ? PAGE : 2 * MiB;
      const failAt = rng.int(4) === 0 ? 1 + rng.int(count + 2) : 0;
      const out = pair(format).map(([k, d], i) => {
        if (pre >= 0) errnoOf(() => iommuMap(d, pre - (pre % preLen), 2 ** 30, preLen, IOMMU_READ));
        if (failAt > 0) k.faults.failNth(failAt);
        const err = errnoOf(() => mapBatch(d, pfns, npfns, count, start, endIova, prot, i === 1));
        return { err, state: observe(k, d, start / PAGE + pages + 600) };
      });
      expect(out[1], `trial ${trial}`).toEqual(out[0]);
    }
  });

  it('stops before a non-4K domain or a freed one without touching anything', () => {
    const k = new Kernel();
    const d = createDomain(k, 1, { kind: 'pagetable', pageSizes: [2 * MiB] }) as PagetableDomain;
    const cur: RunCursor = { k: 0, iova: 0, full: false };
    d.mapPageRuns(new Float64Array([5]), new Uint32Array([1]), 1, PAGE, 0, cur);
    expect(cur.k).toBe(0);
    expect(d.stats().mapCalls).toBe(0);
  });
});

/** batch_from_domain's per-page loop: one counted iova_to_phys, one batch_add_pfn. */
function readSlow(d: PagetableDomain, iova: number, npages: number, sink: RunSink, k: Kernel): number {
  let added = 0;
  for (let i = 0; i < npages; i++) {
    const phys = iommuIovaToPhys(d, iova + i * PAGE);
    const pfn = Math.floor(phys / PAGE);
    const r = sink.end - 1;
    if (r >= 0 && pfn === sink.pfns[r] + sink.npfns[r]) {
      sink.npfns[r]++;
    } else {
      if (sink.end === sink.arraySize) return added;
      sink.pfns[sink.end] = pfn;
      sink.npfns[sink.end] = 1;
      sink.end++;
      k.counters.batchRuns++;
    }
    sink.totalPfns++;
    k.counters.batchPfns++;
    added++;
  }
  return added;
}

describe('readPageRuns == one iova_to_phys per page', () => {
  it('on random layouts of small and large leaves, with holes and small sinks', () => {
    const rng = new Rng(77);
    for (let trial = 0; trial < 150; trial++) {
      const format = rng.int(3) === 0 ? 'arm64_4k' : 'x86_64';
      const [[k0, d0], [k1, d1]] = pair(format);
      // lay out runs: mostly 4 KiB pages, some 64 KiB / 2 MiB aligned blocks, some holes
      let iova = 0;
      let pa = 2 ** 31;
      const total = 256 + rng.int(3000);
      while (iova < total * PAGE) {
        const r = rng.int(12);
        let size = PAGE;
        if (r === 0 && iova % (2 * MiB) === 0) size = 2 * MiB;
        else if (r === 1 && iova % 65536 === 0) size = 65536;
        else if (r === 2) size = (1 + rng.int(40)) * PAGE;
        if (rng.int(25) !== 0) {
          pa = pa - (pa % size) + (rng.int(2) === 0 ? 0 : size * (1 + rng.int(3)));
          if (size < 65536) pa += rng.int(2) * PAGE;
          for (const d of [d0, d1]) iommuMap(d, iova, pa, size, IOMMU_READ);
          pa += size;
        }
        iova += size;
      }
      const from = rng.int(total) * PAGE;
      const npages = 1 + rng.int(total);
      const cap = 1 + rng.int(rng.int(2) === 0 ? 4 : 400);
      const pre = rng.int(3);
      const sinks: RunSink[] = [0, 1].map(() => ({
        pfns: new Float64Array(cap),
        npfns: new Uint32Array(cap),
        end: 0,
        arraySize: cap,
        totalPfns: 0,
      }));
      for (const s of sinks)
        for (let r = 0; r < Math.min(pre, cap); r++) {
          s.pfns[r] = 100 * r + 7;
          s.npfns[r] = 3;
          s.end++;
          s.totalPfns += 3;
        }
      const slow = readSlow(d0, from, npages, sinks[0], k0);
      const cur: RunCursor = { k: 0, iova: 0, full: false };
      let fast = d1.readPageRuns(from, npages, sinks[1], cur);
      // the per-page way for the rest (a hole: its warning), as batchFromDomain does
      if (!cur.full && fast < npages) fast += readSlow(d1, from + fast * PAGE, npages - fast, sinks[1], k1);
      expect(fast, `trial ${trial}`).toBe(slow);
      const view = (s: RunSink) => ({
        end: s.end,
        total: s.totalPfns,
        pfns: [...s.pfns.subarray(0, s.end)],
        npfns: [...s.npfns.subarray(0, s.end)],
      });
      expect(view(sinks[1]), `trial ${trial}`).toEqual(view(sinks[0]));
      expect(observe(k1, d1, 0), `trial ${trial}`).toEqual(observe(k0, d0, 0));
    }
  });
});

describe('unmap of 4 KiB leaf runs == a per-page model', () => {
  it('after random maps and unmaps', () => {
    const rng = new Rng(4242);
    for (let trial = 0; trial < 30; trial++) {
      const k = new Kernel();
      const d = createDomain(k, 1, { kind: 'pagetable' }) as PagetableDomain;
      const span = 2048;
      const model = new Float64Array(span).fill(-1);
      for (let op = 0; op < 200; op++) {
        const at = rng.int(span);
        const n = 1 + rng.int(rng.int(2) === 0 ? 8 : 1200);
        if (at + n > span) continue;
        if (rng.int(2) === 0) {
          const pa = (1 + rng.int(100000)) * PAGE;
          if (errnoOf(() => iommuMap(d, at * PAGE, pa, n * PAGE, IOMMU_READ)) === null)
            for (let i = 0; i < n; i++) model[at + i] = pa + i * PAGE;
        } else {
          const got = iommuUnmap(d, at * PAGE, n * PAGE);
          // stops at the first hole or at a large leaf it would split
          let i = 0;
          while (i < n && model[at + i] >= 0 && i * PAGE < got) i++;
          expect(got % PAGE).toBe(0);
          for (let j = 0; j < got / PAGE; j++) model[at + j] = -1;
          expect(got / PAGE).toBeLessThanOrEqual(i);
        }
      }
      let entries = 0;
      for (let i = 0; i < span; i++) {
        expect(d.translate(i * PAGE), `trial ${trial} page ${i}`).toBe(model[i]);
        if (model[i] >= 0) entries++;
      }
      // leaves are 4 KiB or 2 MiB here; the bytes agree with the model
      expect(d.stats().mappedBytes).toBe(entries * PAGE);
      for (const r of d.mappedRanges()) iommuUnmap(d, r.iova, r.length);
      expect(d.entryCount()).toBe(0);
      expect(d.stats().tableBytes).toBe(0);
    }
  });
});
