/**
 * Zoom math of one strip: the visible range of page indexes [start, end)
 * (fractional while zooming, so that wheel steps compose smoothly), kept
 * inside [0, npages] and never narrower than MIN_SPAN pages.
 */

export interface ViewRange {
  start: number;
  end: number;
}

/** Narrowest view: a few pages across the whole strip. */
export const MIN_SPAN = 4;

export function fullView(npages: number): ViewRange {
  return { start: 0, end: npages };
}

export function isFull(v: ViewRange, npages: number): boolean {
  return v.start <= 0 && v.end >= npages;
}

/** Keep `v` inside [0, npages] with at least min(npages, MIN_SPAN) pages, preserving its span where possible. */
export function clampView(v: ViewRange, npages: number): ViewRange {
  const minSpan = Math.min(npages, MIN_SPAN);
  let span = Math.max(minSpan, Math.min(npages, v.end - v.start));
  if (!Number.isFinite(span)) span = npages;
  let start = Number.isFinite(v.start) ? v.start : 0;
  if (v.end - v.start < minSpan) start = (v.start + v.end) / 2 - span / 2;
  start = Math.max(0, Math.min(npages - span, start));
  return { start, end: start + span };
}

/**
 * Zoom by `factor` (< 1 zooms in) around the page index under `frac` of the
 * strip's width (0 = left edge, 1 = right edge): that index stays under the pointer.
 */
export function zoomAt(v: ViewRange, npages: number, frac: number, factor: number): ViewRange {
  const span = v.end - v.start;
  const anchor = v.start + frac * span;
  const minSpan = Math.min(npages, MIN_SPAN);
  const next = Math.max(minSpan, Math.min(npages, span * factor));
  const start = anchor - frac * next;
  return clampView({ start, end: start + next }, npages);
}

/** Pan by `dFrac` of the strip's width (positive moves the view to higher indexes). */
export function panBy(v: ViewRange, npages: number, dFrac: number): ViewRange {
  const d = dFrac * (v.end - v.start);
  return clampView({ start: v.start + d, end: v.end + d }, npages);
}

/** The view showing the part between two pointer positions (fractions of the width), whole pages. */
export function rangeBetween(v: ViewRange, npages: number, fracA: number, fracB: number): ViewRange {
  const span = v.end - v.start;
  const lo = Math.min(fracA, fracB);
  const hi = Math.max(fracA, fracB);
  const start = Math.floor(v.start + lo * span);
  const end = Math.ceil(v.start + hi * span);
  return clampView({ start, end: Math.max(end, start + 1) }, npages);
}

/** Page index under `frac` of the width. */
export function indexAtFrac(v: ViewRange, frac: number): number {
  return Math.floor(v.start + frac * (v.end - v.start));
}

/** x of the left edge of page index `i` on a strip from x0 to x1. */
export function xOfIndex(v: ViewRange, i: number, x0: number, x1: number): number {
  return x0 + ((i - v.start) / (v.end - v.start)) * (x1 - x0);
}
