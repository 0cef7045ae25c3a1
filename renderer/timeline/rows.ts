/**
 * The timeline's rows after filtering: events; marks as separator rows
 * after the event they follow; each measured span as a header row before
 * its first event (its band runs from there to its last event). In "marks
 * only" mode just the marks and the span headers: an outline of the run.
 * Kept in typed arrays (a 100 000-event run is two arrays, not 100 000
 * objects) and rebuilt in one pass when the run grows or a filter changes.
 *
 * Each row has a position key for ordering and binary search: an event is at
 * `seq`, a mark after event `seq` at `seq + 0.5`, a span row (marks-only
 * header just before its first event at `firstSeq - 0.25`.
 */
import type { TimelineEvent, TimelineMark, TimelineSpan } from '../../electron/shared/lab-api';

export const ROW_EVENT = 0;
export const ROW_MARK = 1;
export const ROW_SPAN = 2;

export interface TimelineFilter {
  /** Only events of this op ('' all). */
  op: string;
  /** Only failed calls (events with errno). */
  failed: boolean;
  /** Only events that raised driver warnings. */
  warnings: boolean;
  /** Only the marks and the measured spans (an outline of the run). */
  marksOnly: boolean;
}

export const NO_FILTER: TimelineFilter = { op: '', failed: false, warnings: false, marksOnly: false };

export interface RowList {
  count: number;
  /** ROW_EVENT / ROW_MARK / ROW_SPAN per row. */
  kind: Uint8Array;
  /** Index into events (seq - 1), marks or spans. */
  ref: Int32Array;
  /** Position key per row (see above), ascending. */
  pos: Float64Array;
}

export function isFiltered(f: TimelineFilter): boolean {
  return f.op !== '' || f.failed || f.warnings || f.marksOnly;
}

function eventPasses(e: TimelineEvent, f: TimelineFilter): boolean {
  if (f.op !== '' && e.op !== f.op) return false;
  if (f.failed && e.errno === undefined) return false;
  if (f.warnings && (e.warnings === undefined || e.warnings.length === 0)) return false;
  return true;
}

/** The rows of a run under filter `f`. */
export function buildRows(
  events: readonly TimelineEvent[],
  marks: readonly TimelineMark[],
  spans: readonly TimelineSpan[],
  f: TimelineFilter,
): RowList {
  const seps = separators(marks, spans);
  const cap = seps.length + (f.marksOnly ? 0 : events.length);
  const kind = new Uint8Array(cap);
  const ref = new Int32Array(cap);
  const pos = new Float64Array(cap);
  let n = 0;
  const pushSep = (i: number): void => {
    const sp = seps[i] as Separator;
    kind[n] = sp.kind;
    ref[n] = sp.ref;
    pos[n] = sp.pos;
    n++;
  };
  if (f.marksOnly) {
    for (let i = 0; i < seps.length; i++) pushSep(i);
  } else {
    const all = !isFiltered(f);
    let si = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as TimelineEvent;
      while (si < seps.length && (seps[si] as Separator).pos < e.seq) pushSep(si++);
      if (all || eventPasses(e, f)) {
        kind[n] = ROW_EVENT;
        ref[n] = i;
        pos[n] = e.seq;
        n++;
      }
    }
    while (si < seps.length) pushSep(si++);
  }
  return { count: n, kind, ref, pos };
}

interface Separator {
  kind: number;
  ref: number;
  pos: number;
}

/** Marks and span headers in position order (a few per run: objects are fine). */
function separators(marks: readonly TimelineMark[], spans: readonly TimelineSpan[]): Separator[] {
  const out: Separator[] = [];
  marks.forEach((m, i) => out.push({ kind: ROW_MARK, ref: i, pos: m.seq + 0.5 }));
  spans.forEach((sp, i) => out.push({ kind: ROW_SPAN, ref: i, pos: sp.firstSeq - 0.25 }));
  // Stable: equal positions keep marks before spans and recording order.
  return out.sort((a, b) => a.pos - b.pos);
}

/** First row whose position key is ≥ `key` (count when none). */
export function lowerBound(rows: RowList, key: number): number {
  let lo = 0;
  let hi = rows.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows.pos[mid] as number) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Row of the event `seq`, or -1 when it is filtered out (or not recorded). */
export function rowOfSeq(rows: RowList, seq: number): number {
  const i = lowerBound(rows, seq);
  return i < rows.count && rows.kind[i] === ROW_EVENT && rows.pos[i] === seq ? i : -1;
}

/**
 * The row to show for step `seq`: its own row, or when filtered out the
 * nearest row at or before it (so the list still follows a scrub).
 */
export function rowNearSeq(rows: RowList, seq: number): number {
  if (rows.count === 0) return -1;
  const i = lowerBound(rows, seq);
  if (i < rows.count && rows.pos[i] === seq) return i;
  return Math.max(0, i - 1);
}

/** The ops present in a run, sorted (the op filter's choices). */
export function opsPresent(events: readonly TimelineEvent[]): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < events.length; i++) seen.add((events[i] as TimelineEvent).op);
  return [...seen].sort();
}
