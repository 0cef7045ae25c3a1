/**
 * The recorded data of one run, outside Vue's reactivity: a 100 000-event
 * timeline as reactive proxies would cost seconds and hundreds of MiB. The
 * store holds one RunData (markRaw) and bumps a version number when it grows;
 * views read arrays directly.
 *
 * Counters at a step are rebuilt from the per-event deltas with a checkpoint
 * every CHECKPOINT events, so `countersAt` is O(CHECKPOINT) and the
 * checkpoints cost 24 numbers per 256 events.
 */
import type {
  LiveFrame,
  PhysAnswer,
  RunResult,
  TierAnswer,
  TimelineEvent,
  TimelineLog,
  TimelineMark,
  TimelineSpan,
} from '../../electron/shared/lab-api';
import type { MachineDigest } from '../../engine/iommufd/digest';
import type { Counters } from '../../engine/base/counters';
import { COUNTER_NAMES, type CounterName } from '../../engine/base/counters';

export type { MachineDigest };

const CHECKPOINT = 256;
const PEAK: CounterName = 'tempMemoryPeakBytes';

export class RunData {
  readonly events: TimelineEvent[] = [];
  readonly marks: TimelineMark[] = [];
  readonly spans: TimelineSpan[] = [];
  readonly logs: TimelineLog[] = [];
  /** Digests by index; events refer to them by `digest`. */
  readonly digests: MachineDigest[] = [];
  /** Events per scenario line (line → sequence numbers, ascending). */
  readonly byLine = new Map<number, number[]>();
  /** Latest live summaries (while running), keyed by pages key. */
  liveTiers: TierAnswer[] = [];
  livePhys: PhysAnswer | null = null;
  /** Cumulative counters after events CHECKPOINT·k (k ≥ 1), flat, COUNTER_NAMES order. */
  private readonly checkpoints: number[] = [];
  private readonly running = new Float64Array(COUNTER_NAMES.length);

  get length(): number {
    return this.events.length;
  }

  /** Event with sequence number `seq` (1-based), or undefined. */
  event(seq: number): TimelineEvent | undefined {
    return this.events[seq - 1];
  }

  appendEvents(evs: readonly TimelineEvent[]): void {
    for (const e of evs) {
      this.events.push(e);
      if (e.line > 0) {
        const list = this.byLine.get(e.line);
        if (list) list.push(e.seq);
        else this.byLine.set(e.line, [e.seq]);
      }
      this.accumulate(e);
      if (this.events.length % CHECKPOINT === 0) this.checkpoints.push(...this.running);
    }
  }

  private accumulate(e: TimelineEvent): void {
    for (let i = 0; i < COUNTER_NAMES.length; i++) {
      const name = COUNTER_NAMES[i] as CounterName;
      const d = e.deltas[name];
      if (d === undefined) continue;
      if (name === PEAK) this.running[i] = Math.max(this.running[i] as number, d);
      else this.running[i] = (this.running[i] as number) + d;
    }
  }

  appendFrame(f: LiveFrame): void {
    this.appendEvents(f.events);
    this.marks.push(...f.marks);
    this.spans.push(...f.spans);
    this.logs.push(...f.logs);
    for (let i = 0; i < f.digests.length; i++)
      this.digests[f.digestBase + i] = f.digests[i] as unknown as MachineDigest;
    if (f.partial !== true) this.liveTiers = f.tiers;
    if (f.phys) this.livePhys = f.phys;
  }

  /** Replace everything with a finished run's authoritative timeline. */
  static fromResult(r: RunResult): RunData {
    const d = new RunData();
    d.appendEvents(r.timeline.events);
    d.marks.push(...r.timeline.marks);
    d.spans.push(...r.timeline.spans);
    d.logs.push(...r.timeline.logs);
    d.digests.push(...(r.timeline.digests as unknown as MachineDigest[]));
    return d;
  }

  /** The digest of the state after event `seq` (0: before any event → null). */
  digestAt(seq: number): MachineDigest | null {
    for (let s = Math.min(seq, this.events.length); s >= 1; s--) {
      const i = (this.events[s - 1] as TimelineEvent).digest;
      if (i >= 0) return this.digests[i] ?? null;
    }
    return null;
  }

  /** Cumulative counters after event `seq` (0: all zero). */
  countersAt(seq: number): Counters {
    const n = Math.max(0, Math.min(seq, this.events.length));
    const k = Math.floor(n / CHECKPOINT);
    const acc = new Float64Array(COUNTER_NAMES.length);
    if (k > 0)
      for (let i = 0; i < acc.length; i++) acc[i] = this.checkpoints[(k - 1) * acc.length + i] as number;
    for (let s = k * CHECKPOINT; s < n; s++) {
      const e = this.events[s] as TimelineEvent;
      for (let i = 0; i < COUNTER_NAMES.length; i++) {
        const name = COUNTER_NAMES[i] as CounterName;
        const d = e.deltas[name];
        if (d === undefined) continue;
        acc[i] = name === PEAK ? Math.max(acc[i] as number, d) : (acc[i] as number) + d;
      }
    }
    const out = {} as Counters;
    COUNTER_NAMES.forEach((name, i) => (out[name] = acc[i] as number));
    return out;
  }

  /** Sequence numbers of the events a scenario line produced. */
  eventsOfLine(line: number): readonly number[] {
    return this.byLine.get(line) ?? [];
  }
}
