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
import { CHUNK_NR, ptePfn } from '../../mm/page-table';
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
  const out = new Float64Array(end - start).fill(-1);
  const pt = pages.sourceMm.pt;
  const vpn0 = pages.uptr / PAGE_SIZE;
  // one page-table chunk lookup per 512 pages
  for (let i = start; i < end;) {
    const vpn = vpn0 + i;
    const base = vpn - (vpn % CHUNK_NR);
    const n = Math.min(end - i, base + CHUNK_NR - vpn);
    const chunk = pt.chunkOf(vpn);
    if (chunk !== undefined)
      for (let k = 0; k < n; k++) {
        const e = chunk[vpn - base + k] as number;
        if (e !== 0) out[i - start + k] = ptePfn(e);
      }
    i += n;
  }
  return out;
}

const ALL_FREE = 0x01010101;
const COMPOUND_BYTES = FRAME_COMPOUND * ALL_FREE;

interface SweepCounts {
  free: number;
  pinned: number;
  thp: number;
  hugetlb: number;
}
const acc: SweepCounts = { free: 0, pinned: 0, thp: 0, hugetlb: 0 };

/** Counts over frames [bs, be): the hot loop of the physical summary (results in a reused object). */
function sweep(
  free: Uint8Array,
  free32: Uint32Array | null,
  flags: Uint8Array,
  flags32: Uint32Array | null,
  pin: Uint32Array,
  bs: number,
  be: number,
): SweepCounts {
  let nfree = 0;
  let npinned = 0;
  let nthp = 0;
  let nhuge = 0;
  let f = bs;
  const wordFrom = free32 === null || flags32 === null ? be : Math.min(be, (bs + 3) & ~3);
  const wordTo = free32 === null || flags32 === null ? be : Math.max(wordFrom, be & ~3);
  // frames one by one before the first whole word, then words, then the tail
  for (let pass = 0; pass < 2; pass++) {
    const to = pass === 0 ? wordFrom : be;
    for (; f < to; f++) {
      if (free[f] !== 0) nfree++;
      else if (pin[f] !== 0) npinned++;
      const fl = flags[f] as number;
      if ((fl & FRAME_COMPOUND) !== 0) {
        if ((fl & FRAME_HUGETLB) !== 0) nhuge++;
        else nthp++;
      }
    }
    if (pass === 0 && free32 !== null && flags32 !== null) {
      for (let w = wordFrom >>> 2; w < wordTo >>> 2; w++) {
        const fw = free32[w] as number;
        const p = w << 2;
        if (fw === ALL_FREE) nfree += 4;
        else if (fw === 0) {
          if (pin[p] !== 0) npinned++;
          if (pin[p + 1] !== 0) npinned++;
          if (pin[p + 2] !== 0) npinned++;
          if (pin[p + 3] !== 0) npinned++;
        } else
          for (let k = p; k < p + 4; k++) {
            if (free[k] !== 0) nfree++;
            else if (pin[k] !== 0) npinned++;
          }
        if (((flags32[w] as number) & COMPOUND_BYTES) !== 0)
          for (let k = p; k < p + 4; k++) {
            const fl = flags[k] as number;
            if ((fl & FRAME_COMPOUND) !== 0) {
              if ((fl & FRAME_HUGETLB) !== 0) nhuge++;
              else nthp++;
            }
          }
      }
      f = wordTo;
    }
  }
  acc.free = nfree;
  acc.pinned = npinned;
  acc.thp = nthp;
  acc.hugetlb = nhuge;
  return acc;
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
  // 4 frames per read of the free map and the flags where the offsets allow
  const words = free.byteOffset % 4 === 0 && flags.byteOffset % 4 === 0;
  const free32 = words ? new Uint32Array(free.buffer, free.byteOffset, free.length >>> 2) : null;
  const flags32 = words ? new Uint32Array(flags.buffer, flags.byteOffset, flags.length >>> 2) : null;
  for (let b = 0; b < buckets; b++) {
    const bs = bounds[b] as number;
    const be = bounds[b + 1] as number;
    const c = sweep(free, free32, flags, flags32, pin, bs, be);
    const o = b * FRAME_STATE_COUNT;
    counts[o] = c.free;
    counts[o + 1] = be - bs - c.free - c.pinned;
    counts[o + 2] = c.pinned;
    thp[b] = c.thp;
    hugetlb[b] = c.hugetlb;
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
