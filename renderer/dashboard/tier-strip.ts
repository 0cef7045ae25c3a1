/**
 * The tier bar of one strip: fills device-pixel columns from bucket
 * summaries, never per page of a buffer. Each column (or bucket, once a
 * bucket is wider than two pixels) is a stacked bar of its tier shares,
 * bottom up domain · xarray+domain · xarray · not pinned, with at least one
 * pixel for any tier present (a lone pinned page in a 16 M-page buffer
 * stays visible). Zoomed down to single pages, cells with gaps. Identical
 * neighbouring columns merge into one fillRect. Cost O(buckets + pixels).
 *
 * Layers are drawn in order, each over its own index range: the full-range
 * answer first, then a finer answer of the zoomed range on top of it.
 */
import {
  TIER_BOTH,
  TIER_COUNT,
  TIER_DOMAIN,
  TIER_NONE,
  TIER_XARRAY,
  type TierAnswer,
} from '../../engine/base/inspect-types';
import { CHANGE_COLOR, TIER_COLORS } from '../theme/palette';
import type { Changes } from './changes';
import { CHROME, MONO_FONT, type Ctx2D } from './ctx';
import { ctxFill, type Fill, type Raster } from './raster';
import { bucketOf, bucketSize, isPerPage, prepare, rangeCounts, type Prepared } from './summary';
import type { ViewRange } from './view';

/** Stack order, bottom up. */
export const STACK = [TIER_DOMAIN, TIER_BOTH, TIER_XARRAY, TIER_NONE] as const;

export interface Layer {
  answer: TierAnswer;
  /** The previous step's answer over the same range and buckets (for the tooltip), if known. */
  prev?: TierAnswer | null;
  changes: Changes | null;
}

/** Device-pixel geometry of one bar. */
export interface BarBox {
  /** Left and right edge (device px, X1 exclusive). */
  X0: number;
  X1: number;
  /** Top and height of the bar, and of the change-tick lane above it (device px). */
  Y: number;
  H: number;
  tickY: number;
  tickH: number;
  dpr: number;
}

// Scratch buffers (no allocation per column).
const tmpCounts = new Float64Array(TIER_COUNT);
const heights = new Int32Array(TIER_COUNT);

/**
 * Integer heights (in STACK order) of a stack of `counts` in H pixels. Every
 * present tier gets at least 1 px, a present pinned tier at least `minPinned`
 * px (taken from the tallest), so a few pinned pages among many stay visible.
 */
export function stackHeights(
  counts: ArrayLike<number>,
  H: number,
  out: Int32Array = heights,
  minPinned = 1,
): Int32Array {
  let total = 0;
  for (let t = 0; t < TIER_COUNT; t++) total += Math.max(0, counts[t] as number);
  out.fill(0);
  if (total <= 0) return out;
  let acc = 0;
  let prevY = 0;
  let big = 0;
  for (let k = 0; k < STACK.length; k++) {
    const c = Math.max(0, counts[STACK[k] as number] as number);
    acc += c;
    const y = Math.round((acc / total) * H);
    out[k] = y - prevY;
    prevY = y;
    if ((out[k] as number) > (out[big] as number)) big = k;
  }
  for (let k = 0; k < STACK.length; k++) {
    const t = STACK[k] as number;
    if (k === big || !((counts[t] as number) > 0)) continue;
    const want = t === TIER_NONE ? 1 : minPinned;
    const take = Math.min(want - (out[k] as number), (out[big] as number) - 1);
    if (take > 0) {
      out[k] = (out[k] as number) + take;
      out[big] = (out[big] as number) - take;
    }
  }
  return out;
}

function fillStack(fill: Fill, x: number, w: number, box: BarBox, h: Int32Array): void {
  let y = box.Y + box.H;
  for (let k = 0; k < STACK.length; k++) {
    const hk = h[k] as number;
    if (hk <= 0) continue;
    y -= hk;
    fill.rect(x, y, w, hk, TIER_COLORS[STACK[k] as number] as string);
  }
}

/** x (device px) of index position i. */
function xAt(view: ViewRange, box: BarBox, i: number): number {
  return box.X0 + ((i - view.start) / (view.end - view.start)) * (box.X1 - box.X0);
}

export interface LayerSpan {
  /** Device px range the layer covers on screen, and its visible index range. */
  cx0: number;
  cx1: number;
  lo: number;
  hi: number;
}

export function layerSpan(a: TierAnswer, view: ViewRange, box: BarBox): LayerSpan | null {
  const lo = Math.max(view.start, a.start);
  const hi = Math.min(view.end, a.end);
  if (hi <= lo || a.buckets === 0) return null;
  const cx0 = Math.max(box.X0, Math.round(xAt(view, box, lo)));
  const cx1 = Math.min(box.X1, Math.round(xAt(view, box, hi)));
  if (cx1 <= cx0) return null;
  return { cx0, cx1, lo, hi };
}

/**
 * Draw one layer's tiers and change ticks over its visible range, then its
 * outlines and labels. With a raster the fills go to its pixels and are put
 * (the layer's columns only) before the outlines. Returns whether it drew per bucket.
 */
export function drawLayer(
  ctx: Ctx2D,
  layer: Layer,
  view: ViewRange,
  box: BarBox,
  raster?: Raster | null,
): boolean {
  const a = layer.answer;
  const span = layerSpan(a, view, box);
  if (span === null) return false;
  const fill = raster ?? ctxFill(ctx);
  const p = prepare(a);
  const ppi = (box.X1 - box.X0) / (view.end - view.start); // device px per page
  const bucketPx = bucketSize(a) * ppi;
  fill.rect(span.cx0, box.Y, span.cx1 - span.cx0, box.H, CHROME.bar);
  fill.rect(span.cx0, box.tickY, span.cx1 - span.cx0, box.tickH, CHROME.bg);
  if (bucketPx >= 2) drawBuckets(fill, layer, p, view, box, span, ppi);
  else drawColumns(fill, p, view, box, span, ppi);
  drawChangeTicks(fill, layer, p, view, box, span, bucketPx);
  if (raster && 'putImageData' in ctx) {
    const c = ctx as Ctx2D & Pick<CanvasRenderingContext2D, 'putImageData'>;
    c.putImageData(
      raster.img as ImageData,
      raster.x0,
      raster.y0,
      span.cx0 - raster.x0,
      0,
      span.cx1 - span.cx0,
      raster.height,
    );
  }
  if (bucketPx >= 2) drawBucketMarks(ctx, layer, p, view, box, span, ppi);
  return bucketPx >= 2;
}

/** Visible bucket b's device-px range [xa, xa + w) (w ≤ 0: nothing visible), minus the gap between page cells. */
function bucketRect(
  p: Prepared,
  view: ViewRange,
  box: BarBox,
  s: LayerSpan,
  b: number,
  gap: number,
): [number, number] {
  const xa = Math.max(s.cx0, Math.round(xAt(view, box, p.bounds[b] as number)));
  const xb = Math.min(s.cx1, Math.round(xAt(view, box, p.bounds[b + 1] as number)));
  return [xa, xb - xa - (xb - xa > gap + 1 ? gap : 0)];
}

function cellGap(a: TierAnswer, ppi: number, box: BarBox): number {
  return isPerPage(a) && ppi >= 5 * box.dpr ? Math.max(1, Math.round(box.dpr)) : 0;
}

function drawBuckets(
  fill: Fill,
  layer: Layer,
  p: Prepared,
  view: ViewRange,
  box: BarBox,
  s: LayerSpan,
  ppi: number,
): void {
  const a = layer.answer;
  const gap = cellGap(a, ppi, box);
  const minPinned = minPinnedPx(box);
  const b0 = bucketOf(p, s.lo);
  const b1 = bucketOf(p, s.hi - 1e-9);
  for (let b = b0; b <= b1; b++) {
    const [xa, w] = bucketRect(p, view, box, s, b, gap);
    if (w <= 0) continue;
    const o = b * TIER_COUNT;
    for (let t = 0; t < TIER_COUNT; t++) tmpCounts[t] = a.counts[o + t] as number;
    fillStack(fill, xa, w, box, stackHeights(tmpCounts, box.H, heights, minPinned));
  }
}

/** Outlines of changed cells / buckets and, at deep zoom, each cell's PFN. */
function drawBucketMarks(
  ctx: Ctx2D,
  layer: Layer,
  p: Prepared,
  view: ViewRange,
  box: BarBox,
  s: LayerSpan,
  ppi: number,
): void {
  const a = layer.answer;
  const perPage = isPerPage(a);
  const outline = perPage && layer.changes?.pages && a.detail ? layer.changes.pages : null;
  // Deep zoom: each cell's PFN in its lower part (the middle row stays pure tier colour).
  const pfnLabels = perPage && ppi >= 64 * box.dpr && box.H >= 40 * box.dpr;
  const outlineB =
    !outline && ppi * bucketSize(a) >= 6 && layer.changes?.buckets ? layer.changes.buckets : null;
  if (!outline && !outlineB && !pfnLabels) return;
  const gap = cellGap(a, ppi, box);
  const b0 = bucketOf(p, s.lo);
  const b1 = bucketOf(p, s.hi - 1e-9);
  for (let b = b0; b <= b1; b++) {
    const [xa, w] = bucketRect(p, view, box, s, b, gap);
    if (w <= 0) continue;
    if (pfnLabels && a.detail)
      pfnLabel(ctx, a.detail.pfn[(p.bounds[b] as number) - a.detail.start] as number, xa, w, box);
    let mark = false;
    if (outline && a.detail) {
      const i = (p.bounds[b] as number) - a.detail.start;
      mark = i >= 0 && i < outline.length && (outline[i] as number) !== 0;
    } else if (outlineB) mark = outlineB[b] === 1;
    if (mark && w >= 4) {
      const lw = Math.max(1, Math.round(1.5 * box.dpr));
      ctx.strokeStyle = CHANGE_COLOR;
      ctx.lineWidth = lw;
      ctx.strokeRect(xa + lw / 2, box.Y + lw / 2, w - lw, box.H - lw);
    }
  }
}

function pfnLabel(ctx: Ctx2D, pfn: number, x: number, w: number, box: BarBox): void {
  ctx.font = `${Math.round(9.5 * box.dpr)}px ${MONO_FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = 'rgba(10, 12, 16, 0.75)';
  const t = pfn < 0 ? '—' : `pfn 0x${pfn.toString(16)}`;
  if (ctx.measureText(t).width <= w - 6 * box.dpr) ctx.fillText(t, x + w / 2, box.Y + box.H - 4 * box.dpr);
  ctx.textAlign = 'left';
}

/** Least height of a pinned tier present in a column: 3 px, or a sixth of a tall bar. */
export function minPinnedPx(box: BarBox): number {
  return Math.max(1, Math.round(3 * box.dpr), Math.round(box.H / 6));
}

/** Bits of the pinned tiers present in `counts` (bit t for tier t). */
function pinnedBits(counts: ArrayLike<number>): number {
  let m = 0;
  for (let t = 1; t < TIER_COUNT; t++) if ((counts[t] as number) > 1e-9) m |= 1 << t;
  return m;
}

function drawColumns(fill: Fill, p: Prepared, view: ViewRange, box: BarBox, s: LayerSpan, ppi: number): void {
  const runH = new Int32Array(TIER_COUNT);
  const present = new Uint8Array(s.cx1 - s.cx0);
  const minPinned = minPinnedPx(box);
  const colCounts = (c: number): Float64Array => {
    const ia = Math.max(s.lo, view.start + (c - box.X0) / ppi);
    const ib = Math.min(s.hi, view.start + (c + 1 - box.X0) / ppi);
    return rangeCounts(p, ia, ib, tmpCounts);
  };
  let runX = s.cx0;
  let first = true;
  for (let c = s.cx0; c < s.cx1; c++) {
    const counts = colCounts(c);
    present[c - s.cx0] = pinnedBits(counts);
    const h = stackHeights(counts, box.H, heights, minPinned);
    if (first) {
      runH.set(h);
      runX = c;
      first = false;
      continue;
    }
    let same = true;
    for (let k = 0; k < TIER_COUNT; k++) if (h[k] !== runH[k]) same = false;
    if (same) continue;
    fillStack(fill, runX, c - runX, box, runH);
    runH.set(h);
    runX = c;
  }
  if (!first) fillStack(fill, runX, s.cx1 - runX, box, runH);
  // A pinned tier present in one column only (a lone page, a short run) is drawn 3 columns wide.
  const d = Math.max(1, Math.round(box.dpr));
  for (let i = 0; i < present.length; i++) {
    const m = present[i] as number;
    if (m === 0) continue;
    const around =
      (i > 0 ? (present[i - 1] as number) : 0) | (i + 1 < present.length ? (present[i + 1] as number) : 0);
    if ((m & ~around) === 0) continue;
    const c = s.cx0 + i;
    const x = Math.max(s.cx0, c - d);
    fillStack(
      fill,
      x,
      Math.min(s.cx1, c + 1 + d) - x,
      box,
      stackHeights(colCounts(c), box.H, heights, minPinned),
    );
  }
}

/** CHANGE_COLOR ticks above the changed buckets / pages (adjacent ones merged). */
function drawChangeTicks(
  fill: Fill,
  layer: Layer,
  p: Prepared,
  view: ViewRange,
  box: BarBox,
  s: LayerSpan,
  bucketPx: number,
): void {
  const ch = layer.changes;
  if (!ch) return;
  const a = layer.answer;
  const minW = Math.max(3, Math.round(3 * box.dpr));
  const flush = (lo: number, hi: number): void => {
    let xa = Math.round(xAt(view, box, lo));
    let xb = Math.round(xAt(view, box, hi));
    if (xb - xa < minW) {
      const m = (xa + xb) / 2;
      xa = Math.round(m - minW / 2);
      xb = xa + minW;
    }
    xa = Math.max(s.cx0, xa);
    xb = Math.min(s.cx1, xb);
    if (xb > xa) fill.rect(xa, box.tickY, xb - xa, box.tickH, CHANGE_COLOR);
  };
  if (ch.pages && a.detail && bucketPx >= 0) {
    const d = a.detail;
    const i0 = Math.max(d.start, Math.floor(s.lo));
    const i1 = Math.min(d.end, Math.ceil(s.hi));
    let runStart = -1;
    for (let i = i0; i < i1; i++) {
      const on = (ch.pages[i - d.start] as number) !== 0;
      if (on && runStart < 0) runStart = i;
      if (!on && runStart >= 0) {
        flush(runStart, i);
        runStart = -1;
      }
    }
    if (runStart >= 0) flush(runStart, i1);
    return;
  }
  if (!ch.buckets) return;
  const b0 = bucketOf(p, s.lo);
  const b1 = bucketOf(p, s.hi - 1e-9);
  let runStart = -1;
  for (let b = b0; b <= b1; b++) {
    const on = ch.buckets[b] === 1;
    if (on && runStart < 0) runStart = b;
    if (!on && runStart >= 0) {
      flush(p.bounds[runStart] as number, p.bounds[b] as number);
      runStart = -1;
    }
  }
  if (runStart >= 0) flush(p.bounds[runStart] as number, p.bounds[b1 + 1] as number);
}
