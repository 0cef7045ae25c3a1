/**
 * Live frames of a running scenario (`run` with `live`): records since the
 * previous frame, new digests, counters, the tier summary of every live
 * IoptPages and optionally the physical summary. Checked by time in the
 * per-event sink (a synchronous scenario gives the worker no other moment),
 * on three schedules:
 *
 * - records: every event goes out at once for the first EAGER_EVENTS (1 000) events,
 *   then at least every RECORDS_MS. A Stop or a budget kill ends the worker
 *   without warning, and what it had not sent is lost: so a short scenario
 *   loses nothing, a long one at most RECORDS_MS of events. These are
 *   `partial` frames (no summaries: the host keeps the previous ones).
 * - tier summaries: at most `fps` frames a second, and after a frame whose
 *   summaries cost c ms the next waits at least 60·c.
 * - the physical summary (O(frames), the expensive one): on its own budget,
 *   also 60× its cost, so a large machine slows only its own updates.
 *
 * Each schedule thus takes at most ~1.6 % of the run's time, and together with
 * the records frames the frame work stays under 5 % however large the state
 * (`npm run bench -- inspect` measures it).
 */
import { snapshotCounters } from '../base/counters';
import type { LiveOptions, PhysAnswer, TierAnswer } from '../base/inspect-types';
import type { EngineMachine } from '../scenario/engine-types';
import type { Timeline, TimelineEvent, TimelineLog, TimelineMark, TimelineSpan } from '../scenario/timeline';
import type { LiveFrame } from './protocol';

/** The next frame waits at least this many times the last frame's cost. */
export const FRAME_COST_FACTOR = 60;

function num(v: unknown, name: string, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw Object.assign(new Error(`params.live.${name} must be a number`), { errno: 'EINVAL' });
  return Math.min(hi, Math.max(lo, Math.floor(v)));
}

export interface LiveSettings {
  fps: number;
  buckets: number;
  physBuckets: number;
}

export function liveSettings(v: unknown): LiveSettings | null {
  if (v === undefined || v === null || v === false) return null;
  if (typeof v !== 'object')
    throw Object.assign(new Error('params.live must be an object'), { errno: 'EINVAL' });
  const o = v as LiveOptions;
  return {
    fps: num(o.fps, 'fps', 1, 30, 20),
    buckets: num(o.buckets, 'buckets', 1, 1 << 16, 1024),
    physBuckets: num(o.physBuckets, 'physBuckets', 0, 1 << 16, 0),
  };
}

/** Records go out with every event for this many events, then batched. */
export const EAGER_EVENTS = 1000;
/** After the eager start, records go out at least this often (ms). */
export const RECORDS_MS = 50;

export class LiveFramer {
  private machine: EngineMachine | null = null;
  private timeline: Timeline | null = null;
  private events: TimelineEvent[] = [];
  private marks: TimelineMark[] = [];
  private spans: TimelineSpan[] = [];
  private logs: TimelineLog[] = [];
  private sentDigests = 0;
  private eagerLeft = EAGER_EVENTS;
  private recordsAt: number;
  private tiersAt: number;
  private physAt: number;
  private readonly t0: number;
  /** Frames sent (all, and those with summaries) and ms spent building and sending them (benchmarks, tests). */
  frames = 0;
  summaryFrames = 0;
  frameMs = 0;

  constructor(
    private readonly settings: LiveSettings,
    private readonly send: (f: LiveFrame) => void,
    private readonly now: () => number,
    private readonly onError?: (message: string) => void,
  ) {
    this.t0 = now();
    this.tiersAt = this.t0 + 1000 / settings.fps;
    this.physAt = this.tiersAt;
    this.recordsAt = this.t0 + RECORDS_MS;
  }

  observe(machine: EngineMachine, timeline: Timeline): void {
    this.machine = machine;
    this.timeline = timeline;
  }

  onEvent(e: TimelineEvent): void {
    this.events.push(e);
    const t = this.now();
    if (t >= this.tiersAt) this.guarded(() => this.buildAndSend(true, false));
    else if (this.eagerLeft > 0) {
      this.eagerLeft--;
      this.records(t);
    } else if (t >= this.recordsAt) this.records(t);
  }

  /** An error of ours must not reach the scenario (the sink runs inside a lab call): frames stop. */
  private broken: string | null = null;

  onMark(m: TimelineMark): void {
    this.marks.push(m);
  }

  onSpan(s: TimelineSpan): void {
    this.spans.push(s);
  }

  onLog(l: TimelineLog): void {
    this.logs.push(l);
  }

  /** Send a frame with every summary now (the last one, when the run ends). */
  frame(): void {
    this.guarded(() => this.buildAndSend(true, true));
  }

  private records(t: number): void {
    this.recordsAt = t + RECORDS_MS;
    this.guarded(() => this.buildAndSend(false, false));
  }

  private guarded(fn: () => void): void {
    if (this.broken !== null) return;
    try {
      fn();
    } catch (e) {
      this.broken = e instanceof Error ? e.message : String(e);
      this.tiersAt = this.physAt = this.recordsAt = Infinity;
      this.eagerLeft = 0;
      this.onError?.(this.broken);
    }
  }

  private buildAndSend(summaries: boolean, allSummaries: boolean): void {
    const m = this.machine;
    const tl = this.timeline;
    if (m === null || tl === null) return;
    const start = this.now();
    const all = tl.digests.digests;
    const frame: LiveFrame = {
      seq: tl.seq,
      elapsedMs: Math.round((start - this.t0) * 1000) / 1000,
      events: this.events,
      marks: this.marks,
      spans: this.spans,
      logs: this.logs,
      digestBase: this.sentDigests,
      digests: all.slice(this.sentDigests),
      counters: snapshotCounters(m.kernel.counters),
      tiers: [],
    };
    let physCost = 0;
    if (summaries) {
      const tiers = m.inspect?.([{ kind: 'tiers', buckets: this.settings.buckets, detail: false }]) ?? [];
      frame.tiers = tiers.filter((a): a is TierAnswer => a.kind === 'tiers');
      const mid = this.now();
      if (this.settings.physBuckets > 0 && (allSummaries || mid >= this.physAt)) {
        const phys = (m.inspect?.([{ kind: 'phys', buckets: this.settings.physBuckets }]) ?? []).find(
          (a): a is PhysAnswer => a.kind === 'phys',
        );
        if (phys !== undefined) frame.phys = phys;
        physCost = this.now() - mid;
      }
    } else {
      frame.partial = true;
    }
    this.sentDigests = all.length;
    this.events = [];
    this.marks = [];
    this.spans = [];
    this.logs = [];
    this.send(frame);
    const end = this.now();
    this.frames++;
    this.frameMs += end - start;
    if (!summaries) return;
    this.summaryFrames++;
    const period = 1000 / this.settings.fps;
    // Charge the whole frame (records, tiers, sending) to the tiers schedule,
    // the physical summary to its own.
    this.tiersAt = end + Math.max(period, FRAME_COST_FACTOR * (end - start - physCost));
    if (frame.phys !== undefined) this.physAt = end + Math.max(period, FRAME_COST_FACTOR * physCost);
    this.recordsAt = end + RECORDS_MS;
  }
}
