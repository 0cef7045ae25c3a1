/**
 * Geometry of the physical memory map: the buckets of a PhysAnswer laid out
 * as a 2-D grid of square cells, row-major, wrapping like a memory map (a
 * power-of-two number of columns, so that rows start at round addresses
 * when the bucket size is a power of two), with a ruler gutter on the left.
 * Pure: bucket ↔ PFN arithmetic, cell ↔ pixel, hit testing, zoom and pan.
 *
 * Bucket b of [start, end) in B buckets covers
 * [start + ceil(b·n/B), start + ceil((b+1)·n/B)) — the engine's rule
 * (engine/iommufd/inspect/buckets.ts), exact while b·n < 2^53.
 */

/** Width of the address ruler left of the grid, CSS px. */
export const GUTTER = 96;
/** Largest cell, CSS px (a zoomed-in range of a few frames stays compact). */
export const MAX_CELL = 26;
/** Smallest frame range a zoom reaches. */
export const MIN_ZOOM_FRAMES = 16;
/** Widest cell shape (width / height or height / width). */
export const MAX_ASPECT = 2.5;

export interface GridLayout {
  buckets: number;
  cols: number;
  rows: number;
  /** Cell pitch (CSS px) across and down, and the drawn size inside it (pitch minus the gap). */
  cw: number;
  ch: number;
  iw: number;
  ih: number;
  /** Top-left corner of cell 0. */
  x0: number;
  y0: number;
  width: number;
  height: number;
}

export interface CellRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Lay `buckets` cells out in a `width` × `height` box (CSS px): the number
 * of columns (a power of two, at most `buckets`) that gives the largest
 * cell, then stretched to fill the box (aspect at most MAX_ASPECT : 1);
 * cells of 4 px or more are whole pixels with a 1 px gap.
 */
export function gridLayout(width: number, height: number, buckets: number, gutter = GUTTER): GridLayout {
  const availW = Math.max(1, width - gutter - 4);
  const availH = Math.max(1, height - 2);
  let bestCols = 1;
  let bestCell = 0;
  const b = Math.max(1, buckets);
  for (let cols = 1; cols <= 4096; cols *= 2) {
    const rows = Math.ceil(b / cols);
    const cell = Math.min(availW / cols, availH / rows, MAX_CELL);
    if (cell > bestCell + 1e-9) {
      bestCell = cell;
      bestCols = cols;
    }
    if (cols >= b) break;
  }
  const rows = Math.ceil(b / bestCols);
  let cw = Math.min(availW / bestCols, MAX_CELL * MAX_ASPECT, bestCell * MAX_ASPECT);
  let ch = Math.min(availH / rows, MAX_CELL, cw * MAX_ASPECT);
  cw = Math.min(cw, ch * MAX_ASPECT);
  if (cw >= 4) cw = Math.floor(cw);
  if (ch >= 4) ch = Math.floor(ch);
  return {
    buckets: b,
    cols: bestCols,
    rows,
    cw,
    ch,
    iw: cw >= 5 ? cw - 1 : cw,
    ih: ch >= 5 ? ch - 1 : ch,
    x0: gutter,
    y0: 1,
    width,
    height,
  };
}

/** Most buckets the view asks for: a 2 048-cell frame draws in < 10 ms (bench.ts); 4 096 took twice that. */
export const MAX_BUCKETS = 2048;

/** How many buckets to ask for so that cells are at least `minCell` px: a power of two in [256, MAX_BUCKETS]. */
export function bucketsFor(width: number, height: number, minCell = 9, gutter = GUTTER): number {
  const area = Math.max(1, width - gutter - 4) * Math.max(1, height - 2);
  let b = 256;
  while (b < MAX_BUCKETS && area / (b * 2) >= minCell * minCell) b *= 2;
  return b;
}

export function cellRect(l: GridLayout, b: number): CellRect {
  const col = b % l.cols;
  const row = (b - col) / l.cols;
  return { x: l.x0 + col * l.cw, y: l.y0 + row * l.ch, w: l.iw, h: l.ih };
}

/** Bucket under (x, y) CSS px, or -1 (gutter, gaps count as the cell they follow). */
export function cellAt(l: GridLayout, x: number, y: number): number {
  if (x < l.x0 || y < l.y0) return -1;
  const col = Math.floor((x - l.x0) / l.cw);
  const row = Math.floor((y - l.y0) / l.ch);
  if (col >= l.cols || row >= l.rows) return -1;
  const b = row * l.cols + col;
  return b < l.buckets ? b : -1;
}

/** First frame of bucket b (b = buckets gives `end`). */
export function bucketStart(start: number, end: number, buckets: number, b: number): number {
  const x = b * (end - start);
  const r = x % buckets;
  return start + (x - r) / buckets + (r === 0 ? 0 : 1);
}

/** Bucket holding frame `pfn`, or -1 outside [start, end). */
export function bucketOf(start: number, end: number, buckets: number, pfn: number): number {
  if (pfn < start || pfn >= end || buckets <= 0) return -1;
  const x = (pfn - start) * buckets;
  const n = end - start;
  return (x - (x % n)) / n;
}

export interface FrameRange {
  start: number;
  end: number;
}

/** Frames covered by the buckets a..b (either order), for a drag selection. */
export function rangeOfCells(view: FrameRange, buckets: number, a: number, b: number): FrameRange {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return {
    start: bucketStart(view.start, view.end, buckets, lo),
    end: bucketStart(view.start, view.end, buckets, hi + 1),
  };
}

/**
 * Zoom the view by `factor` (> 1 in, < 1 out) keeping frame `at` where it
 * is, clamped to [0, nframes) and to at least MIN_ZOOM_FRAMES frames.
 */
export function zoomAround(view: FrameRange, at: number, factor: number, nframes: number): FrameRange {
  const len = view.end - view.start;
  const want = Math.round(len / factor);
  const newLen = Math.max(Math.min(MIN_ZOOM_FRAMES, nframes), Math.min(nframes, want));
  const frac = len > 0 ? (at - view.start) / len : 0;
  let start = Math.round(at - frac * newLen);
  start = Math.max(0, Math.min(nframes - newLen, start));
  return { start, end: start + newLen };
}

/** Move the view by `fraction` of its length (negative: towards frame 0), clamped. */
export function pan(view: FrameRange, fraction: number, nframes: number): FrameRange {
  const len = view.end - view.start;
  const start = Math.max(0, Math.min(nframes - len, view.start + Math.round(len * fraction)));
  return { start, end: start + len };
}

/** Frames per GiB of 4 KiB frames. */
export const FRAMES_PER_GIB = 262144;

/** Frames of [start, end) that begin a GiB (excluding `start` itself), at most `max`. */
export function gibMarks(start: number, end: number, max = 256): number[] {
  const out: number[] = [];
  let g = (Math.floor(start / FRAMES_PER_GIB) + 1) * FRAMES_PER_GIB;
  const stride = Math.max(1, Math.ceil((end - start) / FRAMES_PER_GIB / max));
  for (; g < end && out.length < max; g += FRAMES_PER_GIB * stride) out.push(g);
  return out;
}

/** Rows that get a ruler label: every k-th row so that labels are at least `minGap` px apart. */
export function labelEvery(l: GridLayout, minGap = 12): number {
  return Math.max(1, Math.ceil(minGap / Math.max(l.ch, 1e-6)));
}
