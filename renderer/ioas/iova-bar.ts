/**
 * Geometry of an IOVA-space bar: a view [lo, hi) of the 64-bit IOVA space
 * mapped onto a width in pixels, with bigint arithmetic throughout (an IOVA
 * does not fit a double). Segments clip to the view and keep at least a
 * pixel; ticks fall on powers of two (clean hex labels); zoom keeps the
 * IOVA under the pointer in place. Shared by the IOAS and domain views.
 */

/** One past the last IOVA. */
export const IOVA_END = 1n << 64n;
export const U64_MAX = IOVA_END - 1n;
/** Narrowest view (one 4 KiB page). */
export const MIN_SPAN = 4096n;

/** Fixed-point scale of pixel positions (2^32: sub-pixel for any sane width). */
const SCALE_BITS = 32n;
const SCALE = 1n << SCALE_BITS;

export interface IovaView {
  /** First IOVA shown and one past the last (hi ≤ 2^64). */
  lo: bigint;
  hi: bigint;
}

/** One range drawn on the bar. */
export interface BarRange {
  id: string;
  start: bigint;
  /** Inclusive. */
  last: bigint;
  /** fill: an area or a mapped run; reserved: hatched; allowed: outlined; item: the lane below. */
  kind: 'fill' | 'reserved' | 'allowed' | 'item';
  color?: string;
  /** Tooltip text (lines). */
  label: string;
  /** Text drawn inside a fill when it is wide enough. */
  short?: string;
}

export const WHOLE: IovaView = { lo: 0n, hi: IOVA_END };

export function big(v: string | number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Pixel x of IOVA `v` (may fall outside [0, width] when v is outside the view). */
export function xOf(view: IovaView, v: bigint, width: number): number {
  const span = view.hi - view.lo;
  if (span <= 0n) return 0;
  const f = ((v - view.lo) * SCALE) / span; // bigint fixed point
  return (Number(f) / Number(SCALE)) * width;
}

/** IOVA under pixel x (clamped to the view). */
export function iovaAt(view: IovaView, x: number, width: number): bigint {
  const span = view.hi - view.lo;
  const frac = Math.max(0, Math.min(1, width > 0 ? x / width : 0));
  const v = view.lo + (span * BigInt(Math.round(frac * Number(SCALE)))) / SCALE;
  return v >= view.hi ? view.hi - 1n : v;
}

export interface Segment {
  x: number;
  w: number;
}

/** Pixels of the inclusive range [start, last] in the view; null when outside it. At least `minW` px wide. */
export function segment(view: IovaView, start: bigint, last: bigint, width: number, minW = 1): Segment | null {
  if (last < view.lo || start >= view.hi || last < start) return null;
  const s = start < view.lo ? view.lo : start;
  const e = last + 1n > view.hi ? view.hi : last + 1n;
  const x0 = xOf(view, s, width);
  const x1 = xOf(view, e, width);
  const w = Math.max(minW, x1 - x0);
  return { x: Math.min(x0, width - w), w };
}

function clampView(lo: bigint, span: bigint): IovaView {
  if (span > IOVA_END) span = IOVA_END;
  if (span < MIN_SPAN) span = MIN_SPAN;
  if (lo < 0n) lo = 0n;
  if (lo + span > IOVA_END) lo = IOVA_END - span;
  return { lo, hi: lo + span };
}

/**
 * Zoom by `factor` (> 1 in, < 1 out) keeping IOVA `at` at the same
 * relative place; clamped to the 64-bit space and MIN_SPAN.
 */
export function zoomView(view: IovaView, at: bigint, factor: number): IovaView {
  const span = view.hi - view.lo;
  const k = BigInt(Math.max(1, Math.round(factor * 1024)));
  const newSpan = (span * 1024n) / k;
  const relNum = span > 0n ? ((at - view.lo) * SCALE) / span : 0n;
  const lo = at - (newSpan * relNum) / SCALE;
  return clampView(lo, newSpan);
}

/** Move the view by `fraction` of its span. */
export function panView(view: IovaView, fraction: number): IovaView {
  const span = view.hi - view.lo;
  const d = (span * BigInt(Math.round(fraction * 1024))) / 1024n;
  return clampView(view.lo + d, span);
}

/** The view of the pixel range [x0, x1] (a drag). */
export function viewOfPixels(view: IovaView, x0: number, x1: number, width: number): IovaView {
  const a = iovaAt(view, Math.min(x0, x1), width);
  const b = iovaAt(view, Math.max(x0, x1), width);
  return clampView(a, b - a + 1n);
}

export interface Range {
  start: bigint;
  /** Inclusive. */
  last: bigint;
}

/**
 * The view that shows every range, padded by 1/16 each side, edges rounded. A range that
 * runs to IOVA 0 or to the top of the space (the reserved space outside a
 * domain's aperture) counts only by its inner edge, so the mock aperture
 * 16 MiB..2 GiB fills the bar instead of a pixel of 2^64. No range: the
 * low 4 GiB.
 */
export function fitView(ranges: readonly Range[]): IovaView {
  let lo: bigint | null = null;
  let hi: bigint | null = null;
  const take = (a: bigint, b: bigint): void => {
    if (lo === null || a < lo) lo = a;
    if (hi === null || b > hi) hi = b;
  };
  for (const r of ranges) {
    const toZero = r.start === 0n;
    const toTop = r.last === U64_MAX;
    if (toZero && toTop) continue;
    if (toZero) take(r.last, r.last + 1n);
    else if (toTop) take(r.start, r.start + 1n);
    else take(r.start, r.last + 1n);
  }
  if (lo === null || hi === null) return { lo: 0n, hi: 1n << 32n };
  const l: bigint = lo;
  const h: bigint = hi;
  let span = h - l;
  if (span < 0x10000n) span = 0x10000n;
  const pad = span / 16n;
  // round the edges out to a power of two near 1/64 of the span: clean hex at both ends
  let step = 1n;
  while (step * 64n <= span) step <<= 1n;
  const a = l - pad < 0n ? 0n : ((l - pad) / step) * step;
  let b = ((l + span + pad + step - 1n) / step) * step;
  if (b > IOVA_END) b = IOVA_END;
  return clampView(a, b - a);
}

export interface Tick {
  v: bigint;
  x: number;
}

/** Ticks at multiples of a power of two, at least `minPx` apart. */
export function ticks(view: IovaView, width: number, minPx = 96): Tick[] {
  const span = view.hi - view.lo;
  if (width <= 0 || span <= 0n) return [];
  const n = BigInt(Math.max(1, Math.floor(width / minPx)));
  const target = (span + n - 1n) / n;
  let step = 1n;
  while (step < target) step <<= 1n;
  const out: Tick[] = [];
  let v = ((view.lo + step - 1n) / step) * step;
  for (; v < view.hi && out.length < 64; v += step) out.push({ v, x: xOf(view, v, width) });
  return out;
}

/** A short hex label: `0x8000_0000` style grouping above 8 digits. */
export function hexLabel(v: bigint): string {
  let s = v.toString(16);
  if (s.length > 8) s = s.replace(/\B(?=([0-9a-f]{4})+(?![0-9a-f]))/g, '_');
  return `0x${s}`;
}
