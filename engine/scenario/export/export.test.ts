import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES } from '../../base/counters';
import type { TimelineEvent } from '../timeline';
import { toCsv, toTrace, type ExportableRun } from './index';

const ev = (seq: number, over: Partial<TimelineEvent> = {}): TimelineEvent => ({
  seq,
  op: 'ioas.map',
  target: 'ioas 1',
  args: [],
  line: seq,
  column: 1,
  t: seq,
  dur: 0.5,
  deltas: {},
  digest: -1,
  ...over,
});

const run: ExportableRun = {
  ok: true,
  ops: 3,
  wallMs: 4,
  timeline: {
    events: [
      ev(1, { deltas: { pagesPinned: 16 } }),
      ev(2, { op: 'a,"b"', errno: 'ENOENT', message: 'no', warnings: ['careful'] }),
      ev(3, { deltas: { pagesPinned: -4, tempMemoryPeakBytes: 100 } }),
    ],
    marks: [{ seq: 1, label: 'm', t: 1.5, line: 9 }],
    spans: [{ label: 's', firstSeq: 1, lastSeq: 2, t: 1, dur: 2, deltas: { pagesPinned: 16 }, line: 4 }],
  },
};

describe('toCsv', () => {
  it('one row per event, every counter a column, quoted where needed', () => {
    const lines = toCsv(run).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      ['seq', 'op', 'target', 'line', 'errno', 't_ms', 'dur_ms', ...COUNTER_NAMES].join(','),
    );
    expect(lines[2]?.startsWith('2,"a,""b""",ioas 1,2,ENOENT,2,0.5,')).toBe(true);
    const col = 7 + COUNTER_NAMES.indexOf('pagesPinned');
    expect(lines.slice(1).map((l) => Number(l.split(',')[col]))).toEqual([16, 0, -4]);
  });
});

describe('toTrace', () => {
  it('ops and spans as X, marks and warnings as i, counters cumulative as C (the peak as is)', () => {
    const t = toTrace(run, 'f.ts');
    const byPh = (ph: string) => t.traceEvents.filter((e) => e.ph === ph);
    expect(byPh('X').map((e) => e.name)).toEqual(['ioas.map', 'a,"b"', 'ioas.map', 's']);
    expect(byPh('X')[0]).toMatchObject({ ts: 1000, dur: 500, tid: 1 });
    expect(byPh('i').map((e) => e.name)).toEqual(['driver warning', 'm']);
    const pinned = byPh('C').filter((e) => e.name === 'pagesPinned');
    expect(pinned.map((e) => e.args?.value)).toEqual([16, 12]);
    expect(byPh('C').find((e) => e.name === 'tempMemoryPeakBytes')?.args?.value).toBe(100);
    expect(t.otherData).toMatchObject({ file: 'f.ts', ok: true, ops: 3, error: null });
  });
});
