/**
 * Live frames of a running scenario (`run` with `live`): records since the
 * previous frame, new digests, counters, the tier summary of every live
 * IoptPages and optionally the physical summary. Checked by time in the
 * per-event sink, at most `fps` per second, and self-throttling: after a
 * frame that cost c ms the next waits at least 30·c, so frame work stays
 * near 3 % of the run's time however large the state.
 */
import { snapshotCounters } from '../base/counters';
import type { InspectQuery, LiveOptions, PhysAnswer, TierAnswer } from '../base/inspect-types';
import type { EngineMachine } from '../scenario/engine-types';
import type { Timeline, TimelineEvent, TimelineLog, TimelineMark, TimelineSpan } from '../scenario/timeline';
import type { LiveFrame } from './protocol';

/** The next frame waits at least this many times the last frame's cost. */
export const FRAME_COST_FACTOR = 30;

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

export class LiveFramer {
  private machine: EngineMachine | null = null;
  private timeline: Timeline | null = null;
  private events: TimelineEvent[] = [];
  private marks: TimelineMark[] = [];
  private spans: TimelineSpan[] = [];
  private logs: TimelineLog[] = [];
  private sentDigests = 0;
  private nextAt: number;
  private readonly t0: number;
  /** Frames sent and ms spent building them (benchmarks, tests). */
  frames = 0;
  frameMs = 0;

  constructor(
    private readonly settings: LiveSettings,
    private readonly send: (f: LiveFrame) => void,
    private readonly now: () => number,
    private readonly onError?: (message: string) => void,
  ) {
    this.t0 = now();
    this.nextAt = this.t0 + 1000 / settings.fps;
  }

  observe(machine: EngineMachine, timeline: Timeline): void {
    this.machine = machine;
    this.timeline = timeline;
  }

  onEvent(e: TimelineEvent): void {
    this.events.push(e);
    if (this.now() >= this.nextAt) this.frame();
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

  /** Send a frame now (also the last one, when the run ends). */
  frame(): void {
    if (this.broken !== null) return;
    try {
      this.buildAndSend();
    } catch (e) {
      this.broken = e instanceof Error ? e.message : String(e);
      this.nextAt = Infinity;
      this.onError?.(this.broken);
    }
  }

  private buildAndSend(): void {
    const m = this.machine;
    const tl = this.timeline;
    if (m === null || tl === null) return;
    const start = this.now();
    const all = tl.digests.digests;
    const queries: InspectQuery[] = [{ kind: 'tiers', buckets: this.settings.buckets, detail: false }];
    if (this.settings.physBuckets > 0) queries.push({ kind: 'phys', buckets: this.settings.physBuckets });
    const answers = m.inspect?.(queries) ?? [];
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
      tiers: answers.filter((a): a is TierAnswer => a.kind === 'tiers'),
    };
    const phys = answers.find((a): a is PhysAnswer => a.kind === 'phys');
    if (phys !== undefined) frame.phys = phys;
    this.sentDigests = all.length;
    this.events = [];
    this.marks = [];
    this.spans = [];
    this.logs = [];
    this.send(frame);
    const end = this.now();
    const cost = end - start;
    this.frames++;
    this.frameMs += cost;
    this.nextAt = end + Math.max(1000 / this.settings.fps, FRAME_COST_FACTOR * cost);
  }
}
