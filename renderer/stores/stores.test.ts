import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  AppMethod,
  EventMessage,
  LabApi,
  LabResult,
  LiveFrame,
  RunResult,
  TimelineEvent,
} from '../../electron/shared/lab-api';
import { COUNTER_NAMES, type CounterName } from '../../engine/base/counters';
import { setLabApi } from '../lab';
import { EXAMPLES, describeScenario } from './examples';
import { SETTLE_MS, useInspectStore } from './inspect';
import { RunData } from './run-data';
import { useRunsStore } from './runs';
import { useSelectionStore } from './selection';
import { parseSettings, useSettingsStore } from './settings';
import { memoryAppHost } from '../tests/memory-app-host';

function ev(seq: number, over: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    seq,
    op: 'ioas.map',
    target: 'ioas 1',
    args: [],
    line: 1 + (seq % 7),
    column: 1,
    t: seq,
    dur: 0.1,
    deltas: { pagesPinned: seq % 3, iommuMapCalls: 1, tempMemoryPeakBytes: (seq * 37) % 1000 },
    digest: seq % 5 === 0 ? -1 : seq,
    ...over,
  };
}

function result(events: TimelineEvent[], over: Partial<RunResult> = {}): RunResult {
  return {
    ok: true,
    ops: events.length,
    wallMs: 5,
    counters: {} as RunResult['counters'],
    timeline: {
      events,
      marks: [],
      spans: [],
      logs: [],
      // digest i is the state after event i (event.digest = seq in these tests)
      digests: [0, ...events.map((e) => e.seq)].map((seq) => ({
        contexts: [],
        pages: [{ id: 1, seq }],
        accounting: [],
        pins: {},
      })),
      counters: {} as RunResult['counters'],
    } as unknown as RunResult['timeline'],
    runId: 7,
    ...over,
  };
}

function frame(events: TimelineEvent[], digestBase: number): LiveFrame {
  return {
    seq: events.at(-1)?.seq ?? 0,
    elapsedMs: 3,
    events,
    marks: [],
    spans: [],
    logs: [],
    digestBase,
    digests: events.map((e) => ({ pages: [{ id: 1, seq: e.seq }] })),
    counters: {} as LiveFrame['counters'],
    tiers: [],
  };
}

type Handler = (params: unknown, onEvent?: (e: EventMessage) => void) => Promise<LabResult<unknown>>;

/** A LabApi answering each method from a handler, recording the calls. */
function scriptedLab(handlers: Partial<Record<AppMethod, Handler>>) {
  const calls: { method: AppMethod; params: unknown }[] = [];
  let stopped: (() => void) | null = null;
  const lab: LabApi & { calls: typeof calls; stops: number } = {
    host: 'web',
    app: memoryAppHost(),
    calls,
    stops: 0,
    async call(method, params, onEvent) {
      calls.push({ method, params });
      const h = handlers[method];
      if (!h) return { ok: false, error: { errno: 'ENOSYS', message: method } };
      const p = h(params, onEvent) as Promise<LabResult<never>>;
      if (method !== 'run') return p;
      return Promise.race([
        p,
        new Promise<LabResult<never>>((resolve) => {
          stopped = () =>
            resolve({ ok: false, error: { errno: 'ECANCELED', message: 'stopped by the user' } });
        }),
      ]);
    },
    cancel() {},
    async stop() {
      lab.stops++;
      stopped?.();
    },
  };
  return lab;
}

describe('RunData', () => {
  it('rebuilds the counters at any step from the deltas (sums, and the peak as a max)', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ev(i + 1));
    const d = new RunData();
    d.appendEvents(events.slice(0, 300));
    d.appendEvents(events.slice(300));
    for (const step of [0, 1, 255, 256, 257, 511, 512, 999, 1000, 5000]) {
      const want: Record<string, number> = {};
      for (const n of COUNTER_NAMES) want[n] = 0;
      for (const e of events.slice(0, Math.min(step, 1000)))
        for (const [k, v] of Object.entries(e.deltas))
          want[k] = k === 'tempMemoryPeakBytes' ? Math.max(want[k] as number, v) : (want[k] as number) + v;
      const got = d.countersAt(step);
      for (const n of COUNTER_NAMES) expect(got[n as CounterName], `${n} at ${step}`).toBe(want[n]);
    }
  });

  it('indexes events by line and finds the digest of a step, walking back over events without one', () => {
    const d = RunData.fromResult(result(Array.from({ length: 12 }, (_, i) => ev(i + 1))));
    expect(d.eventsOfLine(2)).toEqual([1, 8]);
    expect(d.eventsOfLine(99)).toEqual([]);
    // event 5 has digest -1: the state after it is the digest of event 4
    expect(d.digestAt(5)).toBe(d.digests[4]);
    expect(d.digestAt(6)).toBe(d.digests[6]);
    expect((d.digestAt(6) as unknown as { pages: { seq: number }[] }).pages[0]?.seq).toBe(6);
    expect(d.digestAt(0)).toBeNull();
  });

  it('appends live frames: events, digests at their base, the live summaries', () => {
    const d = new RunData();
    d.appendFrame(frame([ev(1), ev(2)], 0));
    d.appendFrame(frame([ev(3)], 2));
    expect(d.length).toBe(3);
    expect(d.digests).toHaveLength(3);
    expect((d.digests[2] as unknown as { pages: { seq: number }[] }).pages[0]?.seq).toBe(3);
  });
});

describe('runs, selection and inspect stores', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
  });
  afterEach(() => setLabApi(undefined));

  it('a run streams live frames, then the result replaces them; the step follows the newest event', async () => {
    const events = Array.from({ length: 4 }, (_, i) => ev(i + 1));
    let release: () => void = () => {};
    const lab = scriptedLab({
      run: async (_p, onEvent) => {
        onEvent?.({ type: 'event', id: 1, event: 'frame', data: frame(events.slice(0, 2), 0) });
        await new Promise<void>((r) => (release = r));
        return { ok: true, value: result(events) };
      },
    });
    setLabApi(lab);
    const runs = useRunsStore();
    const sel = useSelectionStore();
    const done = runs.run('lab.open()', 's.ts');
    await Promise.resolve();
    expect(runs.status).toBe('running');
    expect(runs.data.length).toBe(2);
    expect(runs.frames).toBe(1);
    sel.runAdvanced();
    expect(sel.step).toBe(2);
    release();
    await done;
    expect(runs.status).toBe('done');
    expect(runs.data.length).toBe(4);
    expect(runs.current?.runId).toBe(7);
    const params = lab.calls[0]?.params as { live?: unknown; timeoutMs?: number; seed?: number };
    expect(params.live).toBeTruthy();
    expect(params.timeoutMs).toBe(30_000);
    expect(params.seed).toBe(1);
  });

  it('Stop keeps what was recorded and recreates the session by a replay up to the last event', async () => {
    const events = Array.from({ length: 3 }, (_, i) => ev(i + 1));
    let runCalls = 0;
    const lab = scriptedLab({
      run: async (p, onEvent) => {
        runCalls++;
        if (runCalls === 1) {
          onEvent?.({ type: 'event', id: 1, event: 'frame', data: frame(events, 0) });
          return new Promise<never>(() => {}); // while (true) {}
        }
        expect((p as { stopAfter?: number }).stopAfter).toBe(3);
        return { ok: true, value: result(events, { stoppedAfter: 3, runId: 9 }) };
      },
    });
    setLabApi(lab);
    const runs = useRunsStore();
    const done = runs.run('while (true) {}', 's.ts');
    await Promise.resolve();
    await runs.stop();
    await done;
    expect(lab.stops).toBe(1);
    expect(runs.status).toBe('stopped');
    expect(runs.current?.engineError?.errno).toBe('ECANCELED');
    expect(runs.data.length).toBe(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(runCalls).toBe(2);
    expect(runs.current?.runId).toBe(9);
    expect(runs.status).toBe('stopped');
  });

  it('Run during the replay that restores a stopped run stops that replay first (no EBUSY)', async () => {
    const events = [ev(1), ev(2)];
    let runCalls = 0;
    const lab = scriptedLab({
      run: async (_p, onEvent) => {
        runCalls++;
        if (runCalls === 1) {
          onEvent?.({ type: 'event', id: 1, event: 'frame', data: frame(events, 0) });
          return new Promise<never>(() => {}); // stuck: the user stops it
        }
        if (runCalls === 2) return new Promise<never>(() => {}); // the restoring replay, still going
        return { ok: true, value: result(events, { runId: 12 }) };
      },
    });
    setLabApi(lab);
    const runs = useRunsStore();
    const first = runs.run('while (true) {}', 's.ts');
    await Promise.resolve();
    await runs.stop();
    await first;
    await Promise.resolve();
    expect(runs.restoring).toBe(true);
    await runs.run('lab.open()', 's.ts');
    expect(lab.stops).toBe(2);
    expect(runs.status).toBe('done');
    expect(runs.current?.runId).toBe(12);
    await new Promise((r) => setTimeout(r, 0));
    expect(runs.restoring).toBe(false);
  });

  it('a view asking for the stopped run while Run stops its replay starts no new replay (the Run would fail EBUSY)', async () => {
    const events = [ev(1), ev(2)];
    let runCalls = 0;
    const lab = scriptedLab({
      run: async (_p, onEvent) => {
        runCalls++;
        if (runCalls === 1) {
          onEvent?.({ type: 'event', id: 1, event: 'frame', data: frame(events, 0) });
          return new Promise<never>(() => {});
        }
        if (runCalls === 2) return new Promise<never>(() => {}); // the restoring replay
        return { ok: true, value: result(events, { runId: 12 }) };
      },
    });
    setLabApi(lab);
    const runs = useRunsStore();
    const first = runs.run('while (true) {}', 's.ts');
    await Promise.resolve();
    await runs.stop();
    await first;
    await Promise.resolve();
    expect(runs.restoring).toBe(true);
    // The engine's stop settles the replay ECANCELED; the inspect store, seeing
    // the run without a session, asks for a replay again before the Run goes on.
    const plainStop = lab.stop.bind(lab);
    let askedAgain: boolean | null = null;
    lab.stop = async () => {
      await plainStop();
      await new Promise((r) => setTimeout(r, 0));
      askedAgain = await runs.restoreSession();
    };
    await runs.run('lab.open()', 's.ts');
    expect(askedAgain).toBe(false);
    expect(runCalls).toBe(3); // the stuck run, its replay, the new run — no second replay
    expect(runs.status).toBe('done');
  });

  it('selection: clamps, steps, follows, and the cursor line selects that line’s next event', async () => {
    setLabApi(
      scriptedLab({
        run: async () => ({ ok: true, value: result(Array.from({ length: 20 }, (_, i) => ev(i + 1))) }),
      }),
    );
    const runs = useRunsStore();
    const sel = useSelectionStore();
    await runs.run('x', 's.ts');
    sel.runAdvanced();
    expect(sel.step).toBe(20);
    sel.select(99);
    expect(sel.step).toBe(20);
    sel.prev();
    expect(sel.step).toBe(19);
    expect(sel.follow).toBe(false);
    sel.first();
    expect(sel.step).toBe(1);
    // line 3 has events 2, 9, 16
    sel.setCursorLine(3);
    expect(sel.lineEvents).toEqual([2, 9, 16]);
    expect(sel.step).toBe(2);
    sel.select(10);
    sel.setCursorLine(3);
    expect(sel.step).toBe(16);
    expect(sel.line).toBe(3);
    sel.last();
    expect(sel.follow).toBe(true);
  });

  it('playback advances by speed × time and stops at the end', async () => {
    setLabApi(
      scriptedLab({
        run: async () => ({ ok: true, value: result(Array.from({ length: 10 }, (_, i) => ev(i + 1))) }),
      }),
    );
    const runs = useRunsStore();
    const sel = useSelectionStore();
    await runs.run('x', 's.ts');
    sel.select(0);
    sel.speed = 5;
    sel.play();
    const carry = { frac: 0 };
    expect(sel.tick(100, carry)).toBe(0); // 0.5 events
    expect(sel.tick(100, carry)).toBe(1);
    expect(sel.step).toBe(1);
    sel.tick(5000, carry);
    expect(sel.step).toBe(10);
    expect(sel.playing).toBe(false);
  });

  it('inspect asks for every pages object of the step’s digest, and recreates a lost session once', async () => {
    const events = [ev(1), ev(2)];
    const inspects: unknown[] = [];
    let stale = true;
    const lab = scriptedLab({
      run: async (p) => ({
        ok: true,
        value: result(events, { runId: (p as { stopAfter?: number }).stopAfter ? 11 : 7 }),
      }),
      inspect: async (p) => {
        inspects.push(p);
        if (stale) {
          stale = false;
          return { ok: false, error: { errno: 'ESTALE', message: 'gone' } } as LabResult<unknown>;
        }
        return { ok: true, value: { step: 2, replayed: false, ms: 0.5, answers: [] } };
      },
    });
    setLabApi(lab);
    const runs = useRunsStore();
    const sel = useSelectionStore();
    const inspect = useInspectStore();
    await runs.run('x', 's.ts');
    sel.select(2);
    await inspect.refresh();
    await new Promise((r) => setTimeout(r, 0));
    // tiers (stale once, then on the recreated session), then — at the run's last step, at once — phys + domains
    expect(inspects).toHaveLength(3);
    expect((inspects[0] as { runId: number }).runId).toBe(7);
    expect((inspects[1] as { runId: number }).runId).toBe(11);
    const kinds = (i: number) => (inspects[i] as { queries: { kind: string }[] }).queries.map((x) => x.kind);
    const q = (inspects[1] as { queries: { kind: string; pages?: number; detail?: boolean }[] }).queries;
    expect(q.map((x) => [x.kind, x.pages, x.detail])).toEqual([['tiers', 1, false]]);
    expect(kinds(2)).toEqual(['phys', 'domains']);
    expect(inspect.step).toBe(2);
    expect(inspect.ms).toBe(0.5);
  });

  it('at a past step the views that need a replay ask only once the step has settled', async () => {
    vi.useFakeTimers();
    try {
      const events = Array.from({ length: 6 }, (_, i) => ev(i + 1));
      const asked: string[][] = [];
      setLabApi(
        scriptedLab({
          run: async () => ({ ok: true, value: result(events) }),
          inspect: async (p) => {
            const q = p as { step: number; queries: { kind: string }[] };
            asked.push([String(q.step), ...q.queries.map((x) => x.kind)]);
            const answers = q.queries.some((x) => x.kind === 'phys') ? [{ kind: 'phys', nframes: 8 }] : [];
            return { ok: true, value: { step: q.step, replayed: false, ms: 1, answers } };
          },
        }),
      );
      const runs = useRunsStore();
      const sel = useSelectionStore();
      const inspect = useInspectStore();
      await runs.run('x', 's.ts');
      sel.select(2);
      await inspect.refresh();
      sel.select(3);
      await inspect.refresh();
      await vi.advanceTimersByTimeAsync(SETTLE_MS - 50);
      expect(asked).toEqual([
        ['2', 'tiers'],
        ['3', 'tiers'],
      ]);
      await vi.advanceTimersByTimeAsync(100);
      expect(asked.at(-1)).toEqual(['3', 'phys', 'domains']);
      expect(asked).toHaveLength(3);
      expect(inspect.physStep).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('settings', () => {
  it('ignores unusable stored values field by field and clamps the layout', () => {
    expect(parseSettings('not json').seed).toBe(1);
    const s = parseSettings(
      JSON.stringify({
        seed: -3,
        check: 'yes',
        budgetSeconds: 5,
        viewTab: 'nope',
        layout: { editor: 5, timeline: 10 },
      }),
    );
    expect(s.seed).toBe(1);
    expect(s.check).toBe(true);
    expect(s.budgetSeconds).toBe(5);
    expect(s.viewTab).toBe('physical');
    expect(s.layout.editor).toBe(0.8);
    expect(s.layout.timeline).toBe(80);
  });

  it('remembers the layout across store instances', () => {
    setActivePinia(createPinia());
    localStorage.clear();
    useSettingsStore().setLayout({ editor: 0.3 });
    setActivePinia(createPinia());
    expect(useSettingsStore().layout.editor).toBeCloseTo(0.3);
  });
});

describe('examples', () => {
  it('bundles every scenario of scenarios/ with its title and teaching text', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(23);
    const ex = EXAMPLES.find((e) => e.name === '03-four-domains.ts');
    expect(ex?.title).toMatch(/^03 — /);
    expect(ex?.teaches.length).toBeGreaterThan(20);
    for (const e of EXAMPLES) expect(e.source).toContain('lab.');
  });

  it('reads title and teaching paragraph from a header comment', () => {
    const d = describeScenario(
      'x.ts',
      '/*\n * 07 — Title here\n *\n * WHAT IT TEACHES\n *   one\n *   two\n *\n * KERNEL FUNCTIONS\n *   f\n */',
    );
    expect(d).toEqual({ title: '07 — Title here', teaches: 'one two' });
  });
});
