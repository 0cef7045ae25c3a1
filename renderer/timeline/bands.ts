/**
 * `lab.measure` spans as bands from their header row to their last event: each span gets a lane
 * (nested or overlapping spans sit side by side), and for the rows on
 * screen the bands that cross them, in row units of the window.
 */
import type { TimelineSpan } from '../../electron/shared/lab-api';
import { lowerBound, type RowList } from './rows';

/** Lanes drawn; deeper nesting shares the last lane. */
export const MAX_LANES = 4;

/** Lane of each span: the lowest lane free at its first event (greedy interval colouring). */
export function spanLanes(spans: readonly TimelineSpan[]): Uint8Array {
  const lanes = new Uint8Array(spans.length);
  const laneEnd: number[] = [];
  const order = spans
    .map((_, i) => i)
    .sort((a, b) => (spans[a] as TimelineSpan).firstSeq - (spans[b] as TimelineSpan).firstSeq || a - b);
  for (const i of order) {
    const s = spans[i] as TimelineSpan;
    let lane = laneEnd.findIndex((end) => end < s.firstSeq);
    if (lane < 0) {
      lane = laneEnd.length;
      laneEnd.push(s.lastSeq);
    } else laneEnd[lane] = s.lastSeq;
    lanes[i] = Math.min(lane, MAX_LANES - 1);
  }
  return lanes;
}

export interface Band {
  /** Index into spans. */
  span: number;
  lane: number;
  /** Rows of the band clipped to the window, relative to the window's first row. */
  from: number;
  to: number;
  /** Whether the span's first row is on screen (its label goes there) and its last. */
  starts: boolean;
  ends: boolean;
}

/** Bands crossing rows [first, end) of `rows`. Empty spans (no events) have no band. */
export function visibleBands(
  spans: readonly TimelineSpan[],
  lanes: Uint8Array,
  rows: RowList,
  first: number,
  end: number,
): Band[] {
  const out: Band[] = [];
  if (end <= first) return out;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i] as TimelineSpan;
    if (s.firstSeq > s.lastSeq) continue;
    const a = lowerBound(rows, s.firstSeq - 0.25); // from the span's header row
    const b = lowerBound(rows, s.lastSeq + 0.25); // past the last event, before a mark after it
    if (b <= a || b <= first || a >= end) continue;
    out.push({
      span: i,
      lane: lanes[i] ?? 0,
      from: Math.max(a, first) - first,
      to: Math.min(b, end) - first,
      starts: a >= first,
      ends: b <= end,
    });
  }
  return out;
}
