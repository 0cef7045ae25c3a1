import { describe, expect, it } from 'vitest';
import { spanLanes, visibleBands } from './bands';
import {
  buildRows,
  lowerBound,
  NO_FILTER,
  opsPresent,
  ROW_EVENT,
  ROW_MARK,
  ROW_SPAN,
  rowNearSeq,
  rowOfSeq,
  type RowList,
} from './rows';
import { events, mark, span } from './test-events';

function describeRows(r: RowList): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.count; i++) {
    const k = r.kind[i] === ROW_EVENT ? 'e' : r.kind[i] === ROW_MARK ? 'm' : 's';
    out.push(`${k}${r.kind[i] === ROW_EVENT ? (r.ref[i] as number) + 1 : r.ref[i]}`);
  }
  return out;
}

const evs = events(6, (s) => ({
  op: s % 2 ? 'ioas.map' : 'ioas.unmap',
  ...(s === 3 ? { errno: 'EINVAL' } : {}),
  ...(s === 5 ? { warnings: ['pfn mismatch'] } : {}),
}));

describe('buildRows', () => {
  it('puts marks after the event they follow and span headers before their first event', () => {
    const r = buildRows(
      evs,
      [mark(0, 'start'), mark(2, 'half'), mark(6, 'end')],
      [span(3, 4, 'A')],
      NO_FILTER,
    );
    expect(describeRows(r)).toEqual(['m0', 'e1', 'e2', 'm1', 's0', 'e3', 'e4', 'e5', 'e6', 'm2']);
    for (let i = 1; i < r.count; i++) expect(r.pos[i]).toBeGreaterThan(r.pos[i - 1] as number);
  });

  it('filters by op, failure and warnings, keeping the separators', () => {
    const marks = [mark(2, 'half')];
    expect(describeRows(buildRows(evs, marks, [], { ...NO_FILTER, op: 'ioas.unmap' }))).toEqual([
      'e2',
      'm0',
      'e4',
      'e6',
    ]);
    expect(describeRows(buildRows(evs, marks, [], { ...NO_FILTER, failed: true }))).toEqual(['m0', 'e3']);
    expect(describeRows(buildRows(evs, marks, [], { ...NO_FILTER, warnings: true }))).toEqual(['m0', 'e5']);
    expect(describeRows(buildRows(evs, marks, [], { ...NO_FILTER, failed: true, warnings: true }))).toEqual([
      'm0',
    ]);
  });

  it('shows only marks and spans in marks-only mode, in run order', () => {
    const r = buildRows(
      evs,
      [mark(1, 'a'), mark(4, 'b')],
      [span(2, 3, 'X'), span(5, 6, 'Y'), span(5, 4, 'empty')],
      {
        ...NO_FILTER,
        marksOnly: true,
      },
    );
    expect(describeRows(r)).toEqual(['m0', 's0', 'm1', 's1', 's2']);
    expect(r.kind[1]).toBe(ROW_SPAN);
  });

  it('handles 100 000 events in typed arrays', () => {
    const big = events(100_000, (s) => (s % 1000 === 0 ? { errno: 'ENOMEM' } : {}));
    const all = buildRows(big, [], [], NO_FILTER);
    expect(all.count).toBe(100_000);
    expect(all.ref).toBeInstanceOf(Int32Array);
    expect(buildRows(big, [], [], { ...NO_FILTER, failed: true }).count).toBe(100);
  });
});

describe('row lookup', () => {
  const r = buildRows(evs, [mark(2, 'half')], [], { ...NO_FILTER, op: 'ioas.map' }); // e1 m0 e3 e5
  it('finds an event row by seq, or the nearest shown row before it', () => {
    expect(describeRows(r)).toEqual(['e1', 'm0', 'e3', 'e5']);
    expect(rowOfSeq(r, 3)).toBe(2);
    expect(rowOfSeq(r, 4)).toBe(-1);
    expect(rowNearSeq(r, 4)).toBe(2);
    expect(rowNearSeq(r, 2)).toBe(0);
    expect(rowNearSeq(r, 99)).toBe(3);
    expect(lowerBound(r, 2.5)).toBe(1);
  });
});

describe('opsPresent', () => {
  it('lists each op once, sorted', () => {
    expect(opsPresent(evs)).toEqual(['ioas.map', 'ioas.unmap']);
    expect(opsPresent([])).toEqual([]);
  });
});

describe('span bands', () => {
  it('gives overlapping spans their own lanes and reuses a lane once free', () => {
    expect([
      ...spanLanes([span(1, 10, 'outer'), span(2, 3, 'inner'), span(5, 6, 'inner2'), span(11, 12, 'next')]),
    ]).toEqual([0, 1, 1, 0]);
  });

  it('runs from the header row to the last event, clipped to the window', () => {
    const spans = [span(3, 4, 'A'), span(6, 6, 'B'), span(5, 4, 'empty')];
    const r = buildRows(evs, [mark(4, 'after A')], spans, NO_FILTER);
    // e1 e2 sA e3 e4 m e5 sB e6 s(empty)… (the empty span's header sits before event 5)
    expect(describeRows(r)).toEqual(['e1', 'e2', 's0', 'e3', 'e4', 'm0', 's2', 'e5', 's1', 'e6']);
    const lanes = spanLanes(spans);
    const all = visibleBands(spans, lanes, r, 0, r.count);
    expect(all).toEqual([
      { span: 0, lane: 0, from: 2, to: 5, starts: true, ends: true },
      { span: 1, lane: 0, from: 8, to: 10, starts: true, ends: true },
    ]);
    expect(visibleBands(spans, lanes, r, 3, 4)).toEqual([
      { span: 0, lane: 0, from: 0, to: 1, starts: false, ends: false },
    ]);
    expect(visibleBands(spans, lanes, r, 5, 7)).toEqual([]);
  });
});
