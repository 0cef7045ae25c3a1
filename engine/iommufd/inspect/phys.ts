/**
 * Physical memory summary (PhysAnswer): per bucket of frames the free / in
 * use / pinned counts, THP and hugetlb frames, and the frames behind a
 * chosen pages range. One tight sweep over the typed frame arrays (a
 * 64 GiB machine is 16 M frames); the free map comes from the buddy
 * allocator and the hugetlb pools into a scratch array reused per machine.
 */
import { PAGE_SIZE } from '../../base';
import { fail } from '../../base/errno';
import { FRAME_STATE_COUNT, type PhysAnswer } from '../../base/inspect-types';
import type { PhysMemory } from '../../mm';
import { FRAME_COMPOUND, FRAME_HUGETLB } from '../../mm/frames';
import type { IoptPages } from '../pages';
import { bucketBounds, effectiveBuckets } from './buckets';
import { checkBuckets } from './pages-tiers';

const scratch = new WeakMap<PhysMemory, Uint8Array>();

/** 1 for every free frame (buddy lists, not-yet-listed blocks, free hugetlb pages). */
export function freeMapInto(phys: PhysMemory): Uint8Array {
  let out = scratch.get(phys);
  if (out === undefined) {
    out = new Uint8Array(phys.nframes);
    scratch.set(phys, out);
  } else out.fill(0);
  phys.buddy.markFree(out);
  for (const pool of [phys.hugetlb2M, phys.hugetlb1G])
    for (const h of pool.freeHeads()) out.fill(1, h, h + pool.nrPages);
  return out;
}

/** Frames behind pages [start, end) through the source mm's page tables (-1: not present). */
export function pagesFrames(pages: IoptPages, start: number, end: number): Float64Array {
  const out = new Float64Array(end - start);
  const mm = pages.sourceMm;
  for (let i = start; i < end; i++) out[i - start] = mm.translate(pages.uptr + i * PAGE_SIZE);
  return out;
}

export function physSummary(
  phys: PhysMemory,
  q: { start?: number; end?: number; buckets: number },
  highlight: Float64Array | null,
): PhysAnswer {
  const nframes = phys.nframes;
  const start = q.start ?? 0;
  const end = q.end ?? nframes;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > nframes || start > end)
    fail('EINVAL', `frame range [${start}, ${end}) outside [0, ${nframes})`);
  const buckets = effectiveBuckets(start, end, checkBuckets(q.buckets));
  const bounds = bucketBounds(start, end, buckets);
  const counts = new Uint32Array(buckets * FRAME_STATE_COUNT);
  const thp = new Uint32Array(buckets);
  const hugetlb = new Uint32Array(buckets);
  const hl = new Uint32Array(buckets);
  const free = freeMapInto(phys);
  const { pin, flags } = phys.frames;
  const COMPOUND = FRAME_COMPOUND;
  const HUGETLB = FRAME_HUGETLB;
  for (let b = 0; b < buckets; b++) {
    const bs = bounds[b] as number;
    const be = bounds[b + 1] as number;
    let nfree = 0;
    let npinned = 0;
    let nthp = 0;
    let nhuge = 0;
    for (let f = bs; f < be; f++) {
      const fr = free[f] as number;
      nfree += fr;
      if (fr === 0 && pin[f] !== 0) npinned++;
      const fl = flags[f] as number;
      if ((fl & COMPOUND) !== 0) {
        if ((fl & HUGETLB) !== 0) nhuge++;
        else nthp++;
      }
    }
    const o = b * FRAME_STATE_COUNT;
    counts[o] = nfree;
    counts[o + 1] = be - bs - nfree - npinned;
    counts[o + 2] = npinned;
    thp[b] = nthp;
    hugetlb[b] = nhuge;
  }
  let runs = 0;
  let frames = 0;
  if (highlight !== null) {
    let prev = -2;
    for (let i = 0; i < highlight.length; i++) {
      const f = highlight[i] as number;
      if (f < 0) {
        prev = -2;
        continue;
      }
      frames++;
      if (f !== prev + 1) runs++;
      prev = f;
      if (f < start || f >= end) continue;
      // bucket of f: floor((f - start) · B / n), exact for these sizes
      const x = (f - start) * buckets;
      const n = end - start;
      hl[(x - (x % n)) / n]++;
    }
  }
  return {
    kind: 'phys',
    nframes,
    start,
    end,
    buckets,
    counts,
    thp,
    hugetlb,
    highlight: hl,
    highlightRuns: runs,
    highlightFrames: frames,
  };
}
