/**
 * Hit testing of the dashboard (CSS px, canvas coordinates): which strip and
 * which part of it (header, an access bracket, the bar, the ruler, an area
 * bracket) is under the pointer, and the page-index range of the pixel there.
 */
import { METRICS, type StripLayout } from './layout';
import { BRACKET_MIN_W } from './overlays';
import type { ViewRange } from './view';

export type HitZone = 'header' | 'access' | 'bar' | 'ruler' | 'area' | 'pad';

export interface Hit {
  key: string;
  /** Index into the layouts. */
  strip: number;
  zone: HitZone;
  /** Position along the bar, 0..1 (clamped). */
  frac: number;
  /** Page-index range [lo, hi) of the CSS pixel column under the pointer (fractional). */
  lo: number;
  hi: number;
  /** Page index under the pointer. */
  index: number;
  /** Index into answer.accesses / answer.areas of the bracket under the pointer. */
  access?: number;
  area?: number;
}

/**
 * The bracket in `lane` under index position `pos` (last drawn wins, as on
 * screen); a bracket is at least `minHalf` pages wide each side of its middle
 * (overlays.ts draws narrow ones BRACKET_MIN_W px wide).
 */
function bracketAt(
  items: readonly { start: number; last: number }[],
  lanes: readonly number[],
  lane: number,
  pos: number,
  minHalf: number,
): number | undefined {
  let found: number | undefined;
  items.forEach((it, i) => {
    const mid = (it.start + it.last + 1) / 2;
    const half = Math.max((it.last + 1 - it.start) / 2, minHalf);
    if (lanes[i] === lane && Math.abs(pos - mid) <= half) found = i;
  });
  return found;
}

export function hitTest(
  layouts: readonly StripLayout[],
  viewOf: (key: string) => ViewRange,
  x: number,
  y: number,
): Hit | null {
  const si = layouts.findIndex((l) => y >= l.top && y < l.top + l.height);
  if (si < 0) return null;
  const l = layouts[si] as StripLayout;
  const view = viewOf(l.key);
  const w = l.x1 - l.x0;
  const frac = Math.max(0, Math.min(1, (x - l.x0) / w));
  const span = view.end - view.start;
  const lo = view.start + frac * span;
  const hi = Math.min(view.end, lo + span / w);
  const index = Math.min(Math.ceil(view.end) - 1, Math.floor(lo));
  const base: Hit = { key: l.key, strip: si, zone: 'pad', frac, lo, hi, index };
  const inX = x >= l.x0 && x < l.x1;
  if (y < l.accessTop) return { ...base, zone: 'header' };
  if (!inX) return base;
  const a = l.entry.answer;
  const minHalf = ((BRACKET_MIN_W / 2) * span) / w;
  if (y < l.changeTop) {
    const lane = Math.floor((y - l.accessTop) / METRICS.accessLane);
    const access = bracketAt(a.accesses, l.accessLane, lane, lo, minHalf);
    return access === undefined ? { ...base, zone: 'access' } : { ...base, zone: 'access', access };
  }
  if (y < l.rulerTop) return { ...base, zone: 'bar' };
  if (y < l.areaTop) return { ...base, zone: 'ruler' };
  const lane = Math.floor((y - l.areaTop) / METRICS.areaLane);
  if (lane >= l.areaLanes) return base;
  const spans = a.areas.map((r) => ({ start: r.index, last: r.lastIndex }));
  const area = bracketAt(spans, l.areaLane, lane, lo, minHalf);
  return area === undefined ? { ...base, zone: 'area' } : { ...base, zone: 'area', area };
}
