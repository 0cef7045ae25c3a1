/**
 * The `lab.measure` spans as grouped bars: one group per span, one bar per
 * chosen series, each series scaled to its own largest |delta| over the
 * spans (a call count and a byte count share no unit, but their shapes
 * across spans are what a sweep teaches). Counter series take the span's
 * own deltas; table bytes, a state from the digests, take the change of
 * the chart series over the span's events.
 */
import type { TimelineSpan } from '../../engine/scenario/timeline';
import type { SeriesDef } from './series-defs';

export interface SpanBar {
  value: number;
  /** |value| / the series' largest |value|, 0..1. */
  frac: number;
}

export interface SpanGroup {
  label: string;
  firstSeq: number;
  lastSeq: number;
  dur: number;
  bars: SpanBar[];
}

export interface SpanBars {
  groups: SpanGroup[];
  /** Whether any bar is negative (the chart then draws a mid baseline). */
  negative: boolean;
}

/** The delta of one series over one span. */
export function spanDelta(span: TimelineSpan, def: SeriesDef, y: Float64Array): number {
  if (def.kind === 'digest') {
    if (span.firstSeq > span.lastSeq || span.lastSeq >= y.length) return 0;
    return (y[span.lastSeq] as number) - (y[Math.max(0, span.firstSeq - 1)] as number);
  }
  if (def.kind === 'peak') return span.deltas[def.terms[0].counter] ?? 0;
  let v = 0;
  for (const t of def.terms) v += t.sign * (span.deltas[t.counter] ?? 0);
  return v;
}

/** `ys[i]` is the full-resolution series of `defs[i]`. */
export function spanBars(
  spans: readonly TimelineSpan[],
  defs: readonly SeriesDef[],
  ys: readonly Float64Array[],
): SpanBars {
  const values = spans.map((s) => defs.map((d, i) => spanDelta(s, d, ys[i] as Float64Array)));
  const maxAbs = defs.map((_, i) => values.reduce((m, row) => Math.max(m, Math.abs(row[i] as number)), 0));
  let negative = false;
  const groups = spans.map((s, k): SpanGroup => ({
    label: s.label,
    firstSeq: s.firstSeq,
    lastSeq: s.lastSeq,
    dur: s.dur,
    bars: (values[k] as number[]).map((v, i) => {
      if (v < 0) negative = true;
      const m = maxAbs[i] as number;
      return { value: v, frac: m > 0 ? Math.abs(v) / m : 0 };
    }),
  }));
  return { groups, negative };
}
