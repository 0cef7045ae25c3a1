/**
 * What one bucket of the physical memory summary holds and how a cell shows
 * it: the per-bucket figures, the totals of an answer, the split of a cell
 * into pinned / in use / free segments, and the mixed colour of a cell too
 * small to split. Rare states stay visible: a non-empty segment gets at
 * least one pixel, and the mix weighs each state by the square root of its
 * share (one pinned frame in 8 192 still tints the cell).
 */
import {
  FRAME_STATE_COUNT,
  FRAME_STATE_FREE,
  FRAME_STATE_PINNED,
  FRAME_STATE_USED,
  type PhysAnswer,
} from '../../engine/base/inspect-types';
import { FRAME_COLORS, paletteVersion, rgb } from '../theme/palette';
import { bucketOf, bucketStart } from './grid';

export interface BucketInfo {
  /** Frames [start, end). */
  start: number;
  end: number;
  free: number;
  used: number;
  pinned: number;
  thp: number;
  hugetlb: number;
  highlight: number;
}

export function bucketInfo(a: PhysAnswer, b: number): BucketInfo | null {
  if (b < 0 || b >= a.buckets) return null;
  const o = b * FRAME_STATE_COUNT;
  return {
    start: bucketStart(a.start, a.end, a.buckets, b),
    end: bucketStart(a.start, a.end, a.buckets, b + 1),
    free: a.counts[o + FRAME_STATE_FREE] ?? 0,
    used: a.counts[o + FRAME_STATE_USED] ?? 0,
    pinned: a.counts[o + FRAME_STATE_PINNED] ?? 0,
    thp: a.thp[b] ?? 0,
    hugetlb: a.hugetlb[b] ?? 0,
    highlight: a.highlight[b] ?? 0,
  };
}

/** The bucket holding frame `pfn` (the e2e hook), or null outside the answer's range. */
export function bucketAtPfn(a: PhysAnswer | null, pfn: number): Omit<BucketInfo, 'start' | 'end'> | null {
  if (a === null) return null;
  const info = bucketInfo(a, bucketOf(a.start, a.end, a.buckets, pfn));
  if (info === null) return null;
  const { free, used, pinned, thp, hugetlb, highlight } = info;
  return { free, used, pinned, thp, hugetlb, highlight };
}

export interface PhysTotals {
  frames: number;
  free: number;
  used: number;
  pinned: number;
  thp: number;
  hugetlb: number;
  highlight: number;
}

export function physTotals(a: PhysAnswer): PhysTotals {
  const t: PhysTotals = { frames: a.end - a.start, free: 0, used: 0, pinned: 0, thp: 0, hugetlb: 0, highlight: 0 };
  for (let b = 0; b < a.buckets; b++) {
    const o = b * FRAME_STATE_COUNT;
    t.free += a.counts[o + FRAME_STATE_FREE] as number;
    t.used += a.counts[o + FRAME_STATE_USED] as number;
    t.pinned += a.counts[o + FRAME_STATE_PINNED] as number;
    t.thp += a.thp[b] as number;
    t.hugetlb += a.hugetlb[b] as number;
    t.highlight += a.highlight[b] as number;
  }
  return t;
}

/**
 * Widths of the pinned, in-use and free segments of a cell `w` px wide
 * (left to right, summing to w). A non-zero state gets ≥ 1 px when w ≥ 3.
 */
export function segmentWidths(free: number, used: number, pinned: number, w: number): [number, number, number] {
  const total = free + used + pinned;
  if (total <= 0) return [0, 0, w];
  let wp = (pinned / total) * w;
  let wu = (used / total) * w;
  if (w >= 3) {
    if (pinned > 0 && wp < 1) wp = 1;
    if (used > 0 && wu < 1) wu = 1;
    if (free > 0 && w - wp - wu < 1) {
      // give the free frames their pixel back from the larger segment
      if (wp >= wu) wp = Math.max(pinned > 0 ? 1 : 0, w - wu - 1);
      else wu = Math.max(used > 0 ? 1 : 0, w - wp - 1);
    }
  }
  return [wp, wu, Math.max(0, w - wp - wu)];
}

/** FRAME_COLORS as rgb, recomputed when the theme rewrote them (palette version). */
let STATE_RGB = FRAME_COLORS.map(rgb);
let stateVersion = paletteVersion;
function stateRgb(): [number, number, number][] {
  if (stateVersion !== paletteVersion) {
    STATE_RGB = FRAME_COLORS.map(rgb);
    stateVersion = paletteVersion;
  }
  return STATE_RGB;
}

/** Colour of a cell too small to split: the states mixed by √share. */
export function mixColor(free: number, used: number, pinned: number): [number, number, number] {
  const wf = Math.sqrt(free);
  const wu = Math.sqrt(used);
  const wp = Math.sqrt(pinned);
  const sum = wf + wu + wp;
  const STATE = stateRgb();
  if (sum === 0) return STATE[FRAME_STATE_FREE] as [number, number, number];
  const out: [number, number, number] = [0, 0, 0];
  const parts: [number, [number, number, number]][] = [
    [wf, STATE[FRAME_STATE_FREE] as [number, number, number]],
    [wu, STATE[FRAME_STATE_USED] as [number, number, number]],
    [wp, STATE[FRAME_STATE_PINNED] as [number, number, number]],
  ];
  for (const [w, c] of parts) for (let k = 0; k < 3; k++) out[k] = (out[k] as number) + ((c[k] as number) * w) / sum;
  return [Math.round(out[0]), Math.round(out[1]), Math.round(out[2])];
}

export function cssRgb(c: readonly [number, number, number]): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
