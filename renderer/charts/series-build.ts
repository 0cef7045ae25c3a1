/**
 * Chart series from a run's events in one O(events) pass into Float64Arrays
 * (never an object per point). Point i is the state after event i (point 0:
 * before the first event), so a point index is a selection step. A live run
 * appends: `sync` continues from the last event it saw; a new RunData (a new
 * run, or the finished run's authoritative timeline) rebuilds.
 */
import type { TimelineEvent } from '../../engine/scenario/timeline';
import type { MachineDigest } from '../../engine/iommufd/digest';
import { SERIES, type SeriesName } from './series-defs';

/** What the builder reads of a RunData (tests pass plain objects). */
export interface ChartSource {
  readonly events: readonly TimelineEvent[];
  readonly digests: readonly (MachineDigest | undefined)[];
}

/** Sum of the page-table bytes of every domain in a digest. */
export function tableBytesOf(d: MachineDigest): number {
  let sum = 0;
  for (const ctx of d.contexts)
    for (const ioas of ctx.ioas) for (const dom of ioas.domains) sum += dom.stats.tableBytes;
  return sum;
}

/** The engine's own bytes in a digest; 0 when the digest has none (a run file of an older engine). */
export function engineBytesOf(d: MachineDigest): number {
  return d.engineBytes ?? 0;
}

/** How each 'digest' series reads its state from a digest. */
const DIGEST_READERS: Partial<Record<SeriesName, (d: MachineDigest) => number>> = {
  tableBytes: tableBytesOf,
  engineBytes: engineBytesOf,
};

const INITIAL_CAPACITY = 1024;

/**
 * Per counter, flat (series index, sign) pairs of the series it moves; sign 0
 * marks a peak (the series keeps the largest value reported).
 */
const CONTRIB: Partial<Record<string, number[]>> = {};
SERIES.forEach((def, sIdx) => {
  if (def.kind === 'digest') return;
  for (const t of def.terms) (CONTRIB[t.counter] ??= []).push(sIdx, def.kind === 'peak' ? 0 : t.sign);
});
/** Series index and reader of each 'digest' series. */
const DIGEST_SERIES: readonly [number, (d: MachineDigest) => number][] = SERIES.flatMap((def, sIdx) => {
  const read = def.kind === 'digest' ? DIGEST_READERS[def.name] : undefined;
  return read === undefined ? [] : [[sIdx, read] as [number, (d: MachineDigest) => number]];
});

export type SyncResult = 'none' | 'append' | 'rebuild';

export class SeriesBuilder {
  /** Number of points (events + 1); 0 before any sync. */
  length = 0;
  /** x of each point: the event's sequence number (= the step). */
  seq = new Float64Array(INITIAL_CAPACITY);
  /** x of each point in run time: the end of the event (t + dur), ms, never decreasing. */
  time = new Float64Array(INITIAL_CAPACITY);
  /** One array per SERIES entry, same order. */
  ys: Float64Array[] = SERIES.map(() => new Float64Array(INITIAL_CAPACITY));

  private source: ChartSource | null = null;
  private readonly acc = new Float64Array(SERIES.length);
  private lastTime = 0;
  private lastDigest = -1;

  /** Bring the series up to date with `src`. */
  sync(src: ChartSource): SyncResult {
    const n = src.events.length;
    let result: SyncResult = 'append';
    if (src !== this.source || n + 1 < this.length) {
      this.reset(src);
      result = 'rebuild';
    }
    if (this.length === n + 1) return result === 'rebuild' ? result : 'none';
    this.ensure(n + 1);
    this.fill(src, this.length - 1, n);
    return result;
  }

  private reset(src: ChartSource): void {
    this.source = src;
    this.acc.fill(0);
    this.lastTime = 0;
    this.lastDigest = -1;
    this.length = 1;
    this.seq[0] = 0;
    this.time[0] = 0;
    for (const y of this.ys) y[0] = 0;
  }

  private ensure(points: number): void {
    if (points <= this.seq.length) return;
    let cap = this.seq.length;
    while (cap < points) cap *= 2;
    const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.seq = grow(this.seq);
    this.time = grow(this.time);
    this.ys = this.ys.map(grow);
  }

  /** Events [from, to) (0-based) → points from+1 … to. */
  private fill(src: ChartSource, from: number, to: number): void {
    const acc = this.acc;
    const ys = this.ys;
    const S = SERIES.length;
    for (let i = from; i < to; i++) {
      const e = src.events[i] as TimelineEvent;
      const d = e.deltas as Record<string, number>;
      // only the counters that moved are listed: walk them, not every series' terms
      for (const k in d) {
        const cs = CONTRIB[k];
        if (cs === undefined) continue;
        const v = d[k] as number;
        for (let j = 0; j < cs.length; j += 2) {
          const sIdx = cs[j] as number;
          const sign = cs[j + 1] as number;
          if (sign === 0) {
            if (v > (acc[sIdx] as number)) acc[sIdx] = v;
          } else acc[sIdx] = (acc[sIdx] as number) + sign * v;
        }
      }
      this.readDigest(src, e.digest);
      for (let sIdx = 0; sIdx < S; sIdx++) (ys[sIdx] as Float64Array)[i + 1] = acc[sIdx] as number;
      const end = e.t + e.dur;
      if (end > this.lastTime) this.lastTime = end;
      this.seq[i + 1] = e.seq;
      this.time[i + 1] = this.lastTime;
    }
    this.length = to + 1;
  }

  /** The digest series at a digest index; an event without a digest keeps the last values. */
  private readDigest(src: ChartSource, index: number): void {
    if (index < 0 || index === this.lastDigest) return;
    const d = src.digests[index];
    if (!d) return;
    this.lastDigest = index;
    for (const [sIdx, read] of DIGEST_SERIES) this.acc[sIdx] = read(d);
  }

  /** The x values of the chosen axis (a view, no copy). */
  xs(axis: XAxis): Float64Array {
    return (axis === 'seq' ? this.seq : this.time).subarray(0, this.length);
  }

  /** Series `s` (a view, no copy). */
  y(s: number): Float64Array {
    return this.ys[s].subarray(0, this.length);
  }
}

export type XAxis = 'seq' | 'time';
