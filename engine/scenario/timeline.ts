/**
 * The timeline of one run: one event per API call, marks, measured spans,
 * log lines, driver warnings (attached to the event that raised them) and,
 * per event, the index of the state digest after it (digest-store.ts), so
 * that the app can show any step of a finished run at once.
 *
 * Everything here is structured-clone and JSON safe. Counter deltas list
 * only the counters that moved, which keeps a cheap op at ~100 bytes.
 */
import type { CounterName, Counters } from '../base/counters';
import { DigestStore } from './digest-store';
import type { Json } from './facade/values';

export type CounterDeltas = Partial<Record<CounterName, number>>;

export interface TimelineEvent {
  /** 1-based sequence number. */
  seq: number;
  /** e.g. 'ioas.map', 'process.mmap', 'lab.open'. */
  op: string;
  /** The object the op was called on, e.g. 'ioas 1' ('' for lab). */
  target: string;
  args: Json[];
  result?: Json;
  /** Set when the call failed. */
  errno?: string;
  message?: string;
  /** Scenario position of the call (1-based; 0 unknown). */
  line: number;
  column: number;
  /** Start, ms since the run started, and duration in ms. */
  t: number;
  dur: number;
  deltas: CounterDeltas;
  /** Index into `digests` of the state after this event; -1 when not recorded. */
  digest: number;
  /** Driver warnings raised during the call. */
  warnings?: string[];
}

export interface TimelineMark {
  /** Sequence number of the last event before the mark (0: before any). */
  seq: number;
  label: string;
  t: number;
  line: number;
}

export interface TimelineSpan {
  label: string;
  /** First and last event sequence numbers inside the span (first > last: empty). */
  firstSeq: number;
  lastSeq: number;
  t: number;
  dur: number;
  deltas: CounterDeltas;
  line: number;
}

export interface TimelineLog {
  seq: number;
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  text: string;
}

export interface TimelineData {
  events: TimelineEvent[];
  marks: TimelineMark[];
  spans: TimelineSpan[];
  logs: TimelineLog[];
  digests: Json[];
  /** Cumulative counters after each event are rebuilt from deltas; this is the end state. */
  counters: Counters;
}

export interface TimelineSink {
  onEvent?(e: TimelineEvent): void;
  onLog?(l: TimelineLog): void;
  onMark?(m: TimelineMark): void;
  onSpan?(s: TimelineSpan): void;
}

export function nonZeroDeltas(after: Counters, before: Counters): CounterDeltas {
  const d: CounterDeltas = {};
  for (const k of Object.keys(after) as CounterName[]) {
    const v = k === 'tempMemoryPeakBytes' ? (after[k] !== before[k] ? after[k] : 0) : after[k] - before[k];
    if (v !== 0) d[k] = v;
  }
  return d;
}

export class Timeline {
  readonly events: TimelineEvent[] = [];
  readonly marks: TimelineMark[] = [];
  readonly spans: TimelineSpan[] = [];
  readonly logs: TimelineLog[] = [];
  readonly digests = new DigestStore();
  /** Keep events in memory (false: only stream them to the sink). */
  constructor(
    private readonly sink: TimelineSink = {},
    private readonly keep = true,
  ) {}

  get seq(): number {
    return this.lastSeq;
  }
  private lastSeq = 0;

  nextSeq(): number {
    return ++this.lastSeq;
  }

  addEvent(e: TimelineEvent): void {
    if (this.keep) this.events.push(e);
    this.sink.onEvent?.(e);
  }

  addMark(m: TimelineMark): void {
    this.marks.push(m);
    this.sink.onMark?.(m);
  }

  addSpan(s: TimelineSpan): void {
    this.spans.push(s);
    this.sink.onSpan?.(s);
  }

  addLog(l: TimelineLog): void {
    this.logs.push(l);
    this.sink.onLog?.(l);
  }

  data(counters: Counters): TimelineData {
    return {
      events: this.events,
      marks: this.marks,
      spans: this.spans,
      logs: this.logs,
      digests: this.digests.digests,
      counters,
    };
  }
}
