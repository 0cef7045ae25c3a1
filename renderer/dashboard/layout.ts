/**
 * Vertical layout of the dashboard (CSS pixels): one block per strip, top
 * to bottom — header line (VA, size, pin counters), access brackets (lanes
 * when they overlap), the change tick lane, the tier bar, the index ruler,
 * area brackets (lanes). A pages object gone at this step gets a short block.
 */
import type { StripEntry } from './changes';

export const METRICS = {
  padTop: 8,
  header: 18,
  accessLane: 13,
  changeLane: 5,
  bar: 30,
  goneBar: 12,
  ruler: 16,
  areaLane: 17,
  padBottom: 10,
  marginX: 14,
  /** Lanes at most; further overlapping brackets share the last lane. */
  maxLanes: 6,
} as const;

export interface StripLayout {
  key: string;
  entry: StripEntry;
  top: number;
  height: number;
  x0: number;
  x1: number;
  headerTop: number;
  accessTop: number;
  accessLanes: number;
  /** Lane of each of entry.answer.accesses. */
  accessLane: number[];
  changeTop: number;
  barTop: number;
  barH: number;
  rulerTop: number;
  areaTop: number;
  areaLanes: number;
  /** Lane of each of entry.answer.areas. */
  areaLane: number[];
}

/**
 * Greedy interval lanes: each [start, last] goes to the first lane whose
 * last interval ends before it starts (inputs in any order). Returns the lane of each.
 */
export function packLanes(
  items: readonly { start: number; last: number }[],
  maxLanes: number,
): { lane: number[]; lanes: number } {
  const order = items.map((_, i) => i).sort((a, b) => (items[a]?.start ?? 0) - (items[b]?.start ?? 0));
  const ends: number[] = [];
  const lane = new Array<number>(items.length).fill(0);
  for (const i of order) {
    const it = items[i] as { start: number; last: number };
    let l = ends.findIndex((e) => e < it.start);
    if (l < 0) {
      l = ends.length < maxLanes ? ends.length : maxLanes - 1;
      if (l === ends.length) ends.push(it.last);
    }
    ends[l] = Math.max(l < ends.length ? (ends[l] as number) : -Infinity, it.last);
    lane[i] = l;
  }
  return { lane, lanes: ends.length };
}

/**
 * Lay strips out from y = top0 (negative when scrolled). `bar` is the bar
 * height (see barHeightFor: taller when few strips leave room).
 */
export function layoutStrips(
  entries: readonly StripEntry[],
  width: number,
  top0 = 0,
  bar: number = METRICS.bar,
): StripLayout[] {
  const M = METRICS;
  const x0 = M.marginX;
  const x1 = Math.max(x0 + 40, width - M.marginX);
  let y = top0;
  return entries.map((entry) => {
    const gone = entry.status === 'gone';
    const acc = gone ? { lane: [], lanes: 0 } : packLanes(entry.answer.accesses, M.maxLanes);
    const areas = gone
      ? { lane: [], lanes: 0 }
      : packLanes(
          entry.answer.areas.map((a) => ({ start: a.index, last: a.lastIndex })),
          M.maxLanes,
        );
    const top = y;
    const headerTop = top + M.padTop;
    const accessTop = headerTop + M.header;
    const changeTop = accessTop + acc.lanes * M.accessLane;
    const barTop = changeTop + M.changeLane;
    const barH = gone ? M.goneBar : bar;
    const rulerTop = barTop + barH;
    const areaTop = rulerTop + (gone ? 0 : M.ruler);
    const bottom = areaTop + areas.lanes * M.areaLane + M.padBottom;
    y = bottom;
    return {
      key: entry.key,
      entry,
      top,
      height: bottom - top,
      x0,
      x1,
      headerTop,
      accessTop,
      accessLanes: acc.lanes,
      accessLane: acc.lane,
      changeTop,
      barTop,
      barH,
      rulerTop,
      areaTop,
      areaLanes: areas.lanes,
      areaLane: areas.lane,
    };
  });
}

/** Total height of a layout. */
export function layoutHeight(l: readonly StripLayout[]): number {
  const last = l[l.length - 1];
  return last ? last.top + last.height : 0;
}

/** Tallest bar at most, CSS px. */
export const MAX_BAR = 64;

/** Bar height that lets the strips use up to `viewport` px (between METRICS.bar and MAX_BAR). */
export function barHeightFor(entries: readonly StripEntry[], width: number, viewport: number): number {
  const n = entries.filter((e) => e.status !== 'gone').length;
  if (n === 0) return METRICS.bar;
  const spare = viewport - layoutHeight(layoutStrips(entries, width));
  return Math.round(Math.max(METRICS.bar, Math.min(MAX_BAR, METRICS.bar + spare / n)));
}
