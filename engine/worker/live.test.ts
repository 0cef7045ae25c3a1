import { describe, expect, it } from 'vitest';
import { newCounters } from '../base/counters';
import type { EngineMachine } from '../scenario/engine-types';
import { Timeline, type TimelineEvent } from '../scenario/timeline';
import { EAGER_EVENTS, FRAME_COST_FACTOR, LiveFramer, RECORDS_MS, liveSettings } from './live';
import type { LiveFrame } from './protocol';

const ev = (seq: number): TimelineEvent => ({
  seq,
  op: 'x',
  target: '',
  args: [],
  line: 0,
  column: 0,
  t: 0,
  dur: 0,
  deltas: {},
  digest: -1,
});

/** A fake clock; the machine's inspect() advances it by `cost` ms (the frame's work). */
function setup(cost: number, fail = false) {
  let t = 0;
  const frames: LiveFrame[] = [];
  const errors: string[] = [];
  const machine = {
    kernel: { counters: newCounters() },
    inspect: () => {
      t += cost;
      if (fail) throw new Error('boom');
      return [];
    },
  } as unknown as EngineMachine;
  const settings = liveSettings({ fps: 10 });
  if (settings === null) throw new Error('settings');
  const framer = new LiveFramer(
    settings,
    (f) => frames.push(f),
    () => t,
    (m) => errors.push(m),
  );
  const tl = new Timeline();
  framer.observe(machine, tl);
  const step = (ms: number): void => {
    t += ms;
    const e = ev(tl.nextSeq());
    framer.onEvent(e);
  };
  return { frames, errors, step, now: () => t };
}

describe('LiveFramer', () => {
  it('at most fps frames with summaries per second, every event in exactly one frame', () => {
    const { frames, step } = setup(0);
    for (let i = 0; i < 1000; i++) step(1); // 1 s of events, one per ms
    expect(frames.filter((f) => f.partial !== true).length).toBe(10); // at 100, 200, … 1000 ms
    expect(frames.flatMap((f) => f.events.map((e) => e.seq))).toEqual(
      Array.from({ length: frames.at(-1)?.seq ?? 0 }, (_, i) => i + 1),
    );
  });

  it('records go out with every event at first, so a killed worker loses none of a short run', () => {
    const { frames, step } = setup(0);
    for (let i = 0; i < 5; i++) step(0.01); // five quick calls, then (say) while (true) {}
    expect(frames.flatMap((f) => f.events.map((e) => e.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(frames.every((f) => f.partial === true && f.tiers.length === 0)).toBe(true);
  });

  it('after the eager start, records go out at least every RECORDS_MS', () => {
    const { frames, step } = setup(0);
    for (let i = 0; i < EAGER_EVENTS; i++) step(0.001);
    const eager = frames.length;
    expect(eager).toBe(EAGER_EVENTS);
    for (let i = 0; i < 1000; i++) step(0.2); // 200 ms of events
    const later = frames.slice(eager);
    // one records frame per RECORDS_MS, plus the summary frames of the fps schedule
    expect(later.length).toBeGreaterThanOrEqual(200 / RECORDS_MS - 1);
    expect(later.length).toBeLessThanOrEqual(200 / RECORDS_MS + 3);
    const sent = frames.flatMap((f) => f.events.map((e) => e.seq));
    expect(sent).toEqual(Array.from({ length: sent.length }, (_, i) => i + 1));
    expect(sent.length).toBeGreaterThan(EAGER_EVENTS + 1000 - 0.2 * (RECORDS_MS / 0.2) - 1);
  });

  it('after a frame whose summaries cost c, the next summaries wait at least 30·c', () => {
    const { frames, step } = setup(20);
    for (let i = 0; i < 5000; i++) step(1);
    const full = frames.filter((f) => f.partial !== true);
    expect(full.length).toBeGreaterThan(2);
    for (let i = 1; i < full.length; i++) {
      const gap = (full[i]?.elapsedMs as number) - (full[i - 1]?.elapsedMs as number);
      expect(gap).toBeGreaterThanOrEqual(FRAME_COST_FACTOR * 20);
    }
  });

  it('an error building a frame stops the frames and never reaches the caller', () => {
    const { frames, errors, step } = setup(0, true);
    for (let i = 0; i < 500; i++) step(1);
    // records went out until the first summaries (at 100 ms) failed; nothing after that
    expect(frames.every((f) => f.partial === true)).toBe(true);
    expect(frames.at(-1)?.seq).toBe(99);
    expect(errors).toEqual(['boom']);
  });

  it('settings: defaults and clamping, bad values EINVAL', () => {
    expect(liveSettings(undefined)).toBeNull();
    expect(liveSettings({})).toEqual({ fps: 20, buckets: 1024, physBuckets: 0 });
    expect(liveSettings({ fps: 100, buckets: 0 })).toMatchObject({ fps: 30, buckets: 1 });
    expect(() => liveSettings({ fps: 'x' })).toThrow(/fps/);
  });
});
