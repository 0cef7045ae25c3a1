/**
 * Readers of the timeline records and counters of a run file: every field
 * checked, unknown fields dropped, objects rebuilt (never the parsed ones).
 */
import { COUNTER_NAMES, newCounters, type CounterName, type Counters } from '../../base/counters';
import type { RunError, StackFrame } from '../runner';
import type { CounterDeltas, TimelineEvent, TimelineLog, TimelineMark, TimelineSpan } from '../timeline';
import { RUN_FILE_LIMITS as L } from './format';
import type { Obj, Reader } from './reader';

const LOG_LEVELS: readonly TimelineLog['level'][] = ['log', 'info', 'warn', 'error', 'debug'];
const KNOWN = new Set<string>(COUNTER_NAMES);

/** Counters at the end: every known counter a finite number (missing: 0, from an older engine); unknown names dropped. */
export function readCounters(r: Reader, v: unknown): Counters {
  const o = r.obj(v);
  const c = newCounters();
  for (const name of COUNTER_NAMES) if (r.field(o, name) !== undefined) c[name] = r.num(o, name);
  return c;
}

export function readDeltas(r: Reader, v: unknown): CounterDeltas {
  const o = r.obj(v);
  const d: CounterDeltas = {};
  for (const k of Object.keys(o)) if (KNOWN.has(k)) d[k as CounterName] = r.num(o, k);
  return d;
}

function readFrame(r: Reader, v: unknown): StackFrame {
  const o = r.obj(v);
  return { fn: r.str(o, 'fn', L.name), line: r.int(o, 'line'), column: r.int(o, 'column') };
}

export function readRunError(r: Reader, v: unknown): RunError {
  const o = r.obj(v);
  const e: RunError = {
    errno: r.str(o, 'errno', L.name),
    message: r.str(o, 'message'),
    line: r.int(o, 'line'),
    column: r.int(o, 'column'),
  };
  if (r.field(o, 'stack') !== undefined) e.stack = r.str(o, 'stack');
  if (r.field(o, 'frames') !== undefined) e.frames = r.arr(o, 'frames', 10_000, (f) => readFrame(r, f));
  return e;
}

export function readEvent(r: Reader, v: unknown, i: number, digests: number): TimelineEvent {
  const o = r.obj(v);
  const seq = r.int(o, 'seq', 1);
  // RunData.event(seq) is events[seq - 1]: the sequence numbers are the positions.
  if (seq !== i + 1) r.fail(`expected ${i + 1} (events are numbered in order), got ${seq}`, 'seq');
  const e: TimelineEvent = {
    seq,
    op: r.str(o, 'op', L.name),
    target: r.str(o, 'target', L.name),
    args: r.arr(o, 'args', L.items, (a) => r.json(a)),
    line: r.int(o, 'line'),
    column: r.int(o, 'column'),
    t: r.num(o, 't'),
    dur: r.num(o, 'dur', 0),
    deltas: r.in('deltas', () => readDeltas(r, r.field(o, 'deltas'))),
    digest: r.int(o, 'digest', -1, digests - 1),
  };
  if (r.field(o, 'result') !== undefined) e.result = r.in('result', () => r.json(o.result));
  if (r.field(o, 'errno') !== undefined) e.errno = r.str(o, 'errno', L.name);
  if (r.field(o, 'message') !== undefined) e.message = r.str(o, 'message');
  if (r.field(o, 'warnings') !== undefined)
    e.warnings = r.arr(o, 'warnings', 10_000, (w, j) => r.strValue(w, j));
  return e;
}

export function readMark(r: Reader, v: unknown, events: number): TimelineMark {
  const o = r.obj(v);
  return {
    seq: r.int(o, 'seq', 0, events),
    label: r.str(o, 'label'),
    t: r.num(o, 't'),
    line: r.int(o, 'line'),
  };
}

export function readSpan(r: Reader, v: unknown, events: number): TimelineSpan {
  const o = r.obj(v);
  return {
    label: r.str(o, 'label'),
    firstSeq: r.int(o, 'firstSeq', 0, events + 1),
    lastSeq: r.int(o, 'lastSeq', 0, events),
    t: r.num(o, 't'),
    dur: r.num(o, 'dur', 0),
    deltas: r.in('deltas', () => readDeltas(r, r.field(o, 'deltas'))),
    line: r.int(o, 'line'),
  };
}

export function readLog(r: Reader, v: unknown, events: number): TimelineLog {
  const o = r.obj(v);
  return { seq: r.int(o, 'seq', 0, events), level: r.oneOf(o, 'level', LOG_LEVELS), text: r.str(o, 'text') };
}

export function readOpt<T>(r: Reader, o: Obj, key: string, read: (v: unknown) => T): T | null {
  const v = r.field(o, key);
  return v === null || v === undefined ? null : r.in(key, () => read(v));
}
