import { describe, expect, it } from 'vitest';
import { events } from '../timeline/test-events';
import {
  buildProblems,
  countProblems,
  errorFrames,
  failingEvent,
  runMarkers,
  type ProblemInput,
} from './problems';

function byLineOf(evs: ReturnType<typeof events>): (line: number) => number[] {
  return (line) => evs.filter((e) => e.line === line).map((e) => e.seq);
}

function input(over: Partial<ProblemInput> = {}): ProblemInput {
  const evs = over.events ?? [];
  return {
    typeProblems: [],
    runError: null,
    engineError: null,
    stoppedAfter: null,
    events: evs,
    eventsOfLine: byLineOf(evs as ReturnType<typeof events>),
    ...over,
  };
}

describe('failingEvent', () => {
  const evs = events(6, (s) => ({
    line: s < 4 ? 10 : 20,
    ...(s === 2 || s === 5 ? { errno: 'ENOENT' } : {}),
  }));
  it('is the last event that failed with the error’s errno', () => {
    expect(failingEvent({ errno: 'ENOENT', line: 99 }, evs, byLineOf(evs))).toBe(5);
  });
  it('else the last event of the error’s line, else the run’s last event', () => {
    expect(failingEvent({ errno: 'Error', line: 10 }, evs, byLineOf(evs))).toBe(3);
    expect(failingEvent({ errno: 'Error', line: 11 }, evs, byLineOf(evs))).toBe(6);
    expect(failingEvent({ errno: 'Error', line: 0 }, [], () => [])).toBe(0);
  });
});

describe('errorFrames', () => {
  it('labels the throw and each caller, innermost first', () => {
    const frames = errorFrames({
      errno: 'Error',
      message: 'pins: expected 3, got 2',
      line: 40,
      column: 1,
      frames: [
        { fn: 'expect', line: 12, column: 11 },
        { fn: 'check', line: 30, column: 3 },
        { fn: '', line: 40, column: 1 },
      ],
    });
    expect(frames.map((f) => f.label)).toEqual([
      'thrown at line 12 in expect()',
      'called from line 30 in check()',
      'called from line 40',
    ]);
    expect(frames[0]).toMatchObject({ line: 12, column: 11 });
  });
  it('has nothing to add for a single frame at the error’s own line', () => {
    expect(
      errorFrames({
        errno: 'ENOENT',
        message: '',
        line: 5,
        column: 2,
        frames: [{ fn: '', line: 5, column: 2 }],
      }),
    ).toEqual([]);
    expect(errorFrames({ errno: 'ENOENT', message: '', line: 5, column: 2 })).toEqual([]);
  });
});

describe('buildProblems', () => {
  it('lists the run error first, then every type problem, then the driver warnings folded by line', () => {
    const evs = events(8, (s) => ({
      line: s <= 4 ? 7 : 9,
      ...(s === 8 ? { errno: 'EINVAL' } : {}),
      ...(s >= 2 && s <= 4 ? { warnings: ['area not covered'] } : {}),
      ...(s === 6 ? { warnings: ['pfn mismatch', 'area not covered'] } : {}),
    }));
    const types = Array.from({ length: 12 }, (_, i) => ({
      severity: i % 3 === 0 ? ('warning' as const) : ('error' as const),
      line: 30 - i,
      message: `type problem ${i}`,
    }));
    const items = buildProblems(
      input({
        events: evs,
        typeProblems: types,
        runError: { errno: 'EINVAL', message: 'bad length', line: 9, column: 4 },
      }),
    );
    expect(items[0]).toMatchObject({
      source: 'run',
      severity: 'error',
      line: 9,
      column: 4,
      errno: 'EINVAL',
      seq: 8,
    });
    const typeItems = items.filter((p) => p.source === 'type');
    expect(typeItems).toHaveLength(12); // all of them, not the first 5
    expect(typeItems.map((p) => p.severity).indexOf('warning')).toBe(8); // errors first
    const warns = items.filter((p) => p.source === 'warning');
    expect(warns.map((w) => [w.line, w.message, w.count, w.seq])).toEqual([
      [7, 'area not covered', 3, 2],
      [9, 'pfn mismatch', 1, 6],
      [9, 'area not covered', 1, 6],
    ]);
    expect(countProblems(items)).toEqual({ errors: 1 + 8, warnings: 4 + 5 });
  });

  it('says where a stopped run was, and what an engine failure interrupted', () => {
    const evs = events(3, (s) => ({ line: 10 + s, op: 'ioas.map' }));
    const stopped = buildProblems(input({ events: evs, stoppedAfter: 3, engineError: null }));
    expect(stopped).toEqual([
      expect.objectContaining({
        source: 'stopped',
        severity: 'info',
        line: 13,
        seq: 3,
        message: 'stopped after event 3 (ioas.map)',
      }),
    ]);
    const engine = buildProblems(
      input({ events: evs, engineError: { errno: 'ETIMEDOUT', message: 'over budget' } }),
    );
    expect(engine[0]).toMatchObject({ source: 'engine', errno: 'ETIMEDOUT', line: 13, seq: 3 });
    expect(engine[0]?.message).toContain('after event 3');
    expect(buildProblems(input())).toEqual([]);
  });
});

describe('runMarkers', () => {
  it('marks the error at its line, its frames as pointers back to it, and warnings at their lines', () => {
    const evs = events(2, () => ({ line: 5, warnings: ['w1'] }));
    const items = buildProblems(
      input({
        events: evs,
        typeProblems: [{ severity: 'error', line: 2, message: 'type' }],
        runError: {
          errno: 'Error',
          message: 'boom',
          line: 40,
          column: 1,
          frames: [
            { fn: 'expect', line: 12, column: 11 },
            { fn: '', line: 40, column: 1 },
          ],
        },
      }),
    );
    expect(runMarkers(items)).toEqual([
      { severity: 'error', line: 40, column: 1, message: 'Error: boom' },
      { severity: 'info', line: 12, column: 11, message: 'Error: boom (thrown at line 12 in expect())' },
      { severity: 'warning', line: 5, column: 3, message: 'driver warning (×2): w1' },
    ]);
  });
});
