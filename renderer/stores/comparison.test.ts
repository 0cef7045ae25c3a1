/** The comparison store: pin a run, run again, compare; saved runs; swap, unpin, the compared step. */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult, TimelineEvent } from '../../electron/shared/lab-api';
import { COUNTER_NAMES, newCounters } from '../../engine/base/counters';
import { fromResult, serializeRun } from '../../engine/scenario/run-file';
import type { MachineDigest } from '../../engine/iommufd/digest';
import { compareCounters } from '../compare/counter-compare';
import { diffParams } from '../compare/params-diff';
import { setLabApi } from '../lab';
import { fakeLab, runResult, type FakeLab } from '../tests/fakes';
import { sideAt, useComparisonStore, type SavedRunLike } from './comparison';
import { useRunsStore } from './runs';
import { useSelectionStore } from './selection';
import { useSettingsStore } from './settings';

/** A run whose events depend on the seed: `n` map calls, each pinning `seed` pages. */
function eventsFor(seed: number, n: number): TimelineEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    op: 'ioas.map',
    target: 'ioas 1',
    args: [],
    line: 1,
    column: 1,
    t: i,
    dur: 0.1,
    deltas: { iommuMapCalls: 1, pagesPinned: seed * (i + 1), tempMemoryPeakBytes: 4096 * seed },
    digest: i,
  }));
}

function digestOf(seed: number, i: number): MachineDigest {
  return {
    contexts: [],
    pages: [],
    accounting: [],
    pins: { pinnedFrames: seed * i, totalPins: seed * i, runs: 1, hash: 'x' },
  };
}

function resultFor(seed: number, n: number): RunResult {
  const events = eventsFor(seed, n);
  return runResult({
    ops: n,
    runId: seed,
    timeline: {
      events,
      marks: [],
      spans: [],
      logs: [],
      digests: events.map((_, i) => digestOf(seed, i + 1)),
      counters: {},
    } as unknown as RunResult['timeline'],
  });
}

describe('comparison store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
    // run length depends on the seed too: seed 1 → 5 events, seed 2 → 8
    setLabApi(
      fakeLab({
        run: (_emit, params) => {
          const seed = (params as { seed: number }).seed;
          return { ok: true, value: resultFor(seed, seed === 1 ? 5 : 8) };
        },
      }),
    );
  });
  afterEach(() => setLabApi(undefined));

  it('pins the current run, runs again, and differences are the two runs’ counters', async () => {
    const runs = useRunsStore();
    const settings = useSettingsStore();
    const cmp = useComparisonStore();
    expect(cmp.pinCurrent()).toBe(false); // nothing to pin yet
    await runs.run('lab.open()', 's.ts');
    const first = runs.data;
    expect(cmp.pinCurrent()).toBe(true);
    expect(cmp.ready).toBe(false);
    settings.seed = 2;
    await runs.run('lab.open()', 's.ts');
    expect(cmp.ready).toBe(true);
    // the pinned side kept the first run's data; the current side is the new run
    expect(cmp.pinned?.data).toBe(first);
    expect(cmp.base?.seed).toBe(1);
    expect(cmp.other?.seed).toBe(2);
    expect(cmp.other?.data).toBe(runs.data);

    const base = sideAt(cmp.base!, 1e9);
    const other = sideAt(cmp.other!, 1e9);
    expect(base.step).toBe(5);
    expect(other.step).toBe(8);
    const rows = compareCounters(base.counters, other.counters);
    for (const r of rows) {
      expect(r.base).toBe(first.countersAt(5)[r.name]);
      expect(r.other).toBe(runs.data.countersAt(8)[r.name]);
      expect(r.abs).toBe(r.other - r.base);
    }
    const row = (n: string) => rows.find((r) => r.name === n);
    expect(row('iommuMapCalls')).toMatchObject({ base: 5, other: 8, abs: 3 });
    // seed 1: 1+2+3+4+5 = 15 pages; seed 2: 2·(1+…+8) = 72
    expect(row('pagesPinned')).toMatchObject({ base: 15, other: 72, abs: 57 });
    expect(row('tempMemoryPeakBytes')).toMatchObject({ base: 4096, other: 8192 });
    expect(rows).toHaveLength(COUNTER_NAMES.length);
  });

  it('compares the same step in both, clamped to each run, following the selection', async () => {
    const runs = useRunsStore();
    const sel = useSelectionStore();
    const cmp = useComparisonStore();
    await runs.run('x', 's.ts');
    cmp.pinCurrent();
    useSettingsStore().seed = 2;
    await runs.run('x', 's.ts');
    sel.select(3);
    expect(cmp.step).toBe(3);
    expect(sideAt(cmp.base!, cmp.step).step).toBe(3);
    expect(sideAt(cmp.base!, cmp.step).digest?.pins.totalPins).toBe(3);
    expect(sideAt(cmp.other!, cmp.step).digest?.pins.totalPins).toBe(6);
    sel.select(7);
    // the pinned run has 5 events: its side shows its last state
    expect(sideAt(cmp.base!, cmp.step).step).toBe(5);
    expect(sideAt(cmp.other!, cmp.step).step).toBe(7);
    expect(sideAt(cmp.base!, 0).digest).toBeNull();
  });

  it('swaps the sides and unpins', async () => {
    const runs = useRunsStore();
    const cmp = useComparisonStore();
    await runs.run('x', 's.ts');
    cmp.pinCurrent('first');
    useSettingsStore().seed = 2;
    await runs.run('x', 's.ts');
    expect(cmp.base?.label).toBe('first');
    cmp.swap();
    expect(cmp.base?.seed).toBe(2);
    expect(cmp.other?.label).toBe('first');
    cmp.unpin();
    expect(cmp.pinned).toBeNull();
    expect(cmp.swapped).toBe(false);
    expect(cmp.ready).toBe(false);
  });

  it('does not pin a run that is still going', async () => {
    let release: () => void = () => {};
    setLabApi(
      fakeLab({
        run: () => new Promise((r) => (release = () => r({ ok: true, value: resultFor(1, 2) }))),
      }),
    );
    const runs = useRunsStore();
    const cmp = useComparisonStore();
    const done = runs.run('x', 's.ts');
    await Promise.resolve();
    expect(runs.running).toBe(true);
    expect(cmp.pinCurrent()).toBe(false);
    release();
    await done;
    expect(cmp.pinCurrent()).toBe(true);
  });

  it('pins a saved run: its timeline rebuilt, its parameters kept', async () => {
    const saved: SavedRunLike = {
      ranAt: '2026-01-01T00:00:00.000Z',
      scenario: { fileName: 'saved.ts', source: 'lab.open()' },
      options: { seed: 7, check: false },
      outcome: { status: 'done' },
      timeline: {
        events: eventsFor(7, 4),
        marks: [],
        spans: [],
        logs: [],
        digests: [1, 2, 3, 4].map((i) => digestOf(7, i)),
      },
    };
    const cmp = useComparisonStore();
    cmp.pinSaved(saved);
    expect(cmp.pinned).toMatchObject({ origin: 'saved', fileName: 'saved.ts', seed: 7, check: false });
    expect(cmp.pinned?.label).toBe('saved saved.ts · seed 7');
    expect(cmp.pinned?.data.length).toBe(4);
    expect(cmp.pinned?.data.countersAt(4).pagesPinned).toBe(7 * 10);
    expect(cmp.pinned?.data.digestAt(2)?.pins.totalPins).toBe(14);
    // the current run compares against it
    await useRunsStore().run('x', 's.ts');
    expect(cmp.ready).toBe(true);
    const rows = compareCounters(sideAt(cmp.base!, 99).counters, sideAt(cmp.other!, 99).counters);
    expect(rows.find((r) => r.name === 'iommuMapCalls')).toMatchObject({ base: 4, other: 5, abs: 1 });
  });

  it('pins a run file chosen in the Open dialog; a bad file changes nothing and says why', async () => {
    const r = resultFor(3, 6);
    const text = serializeRun(
      fromResult(
        { ...r, counters: { ...newCounters(), ...r.counters }, timeline: r.timeline },
        {
          fileName: 'three.ts',
          source: 'lab.open()',
          seed: 3,
          check: true,
          ranAt: new Date(0),
          engine: { version: '1.0.0', scenarioApi: 1 },
        },
      ),
    );
    const lab = fakeLab();
    setLabApi(lab);
    const host = (lab as FakeLab & { app: { files: Map<string, string>; nextOpen: string | null } }).app;
    host.files.set('/runs/three.pfnrun', text);
    const cmp = useComparisonStore();
    // cancelled dialog: nothing
    host.nextOpen = null;
    expect(await cmp.pinSavedFile()).toBe(false);
    expect(cmp.pinned).toBeNull();
    host.nextOpen = '/runs/three.pfnrun';
    expect(await cmp.pinSavedFile()).toBe(true);
    expect(cmp.pinned).toMatchObject({ origin: 'saved', seed: 3, fileName: 'three.ts' });
    expect(cmp.pinned?.label).toBe('saved three.pfnrun: three.ts · seed 3');
    expect(cmp.pinned?.data.countersAt(6).pagesPinned).toBe(3 * 21);
    const before = cmp.pinned;
    expect(cmp.pinSavedText('bad.pfnrun', '{"format":"something else"}')).toBe(false);
    expect(cmp.fileError).toMatch(/^bad\.pfnrun: /);
    expect(cmp.pinned).toBe(before);
  });

  it('compares two saved runs: one opened and pinned, the other opened as the current run', async () => {
    const file = (seed: number, n: number): string => {
      const r = resultFor(seed, n);
      return serializeRun(
        fromResult(
          { ...r, counters: { ...newCounters(), ...r.counters }, timeline: r.timeline },
          {
            fileName: 's.ts',
            source: `lab.open() // ${seed}`,
            seed,
            check: false,
            ranAt: new Date(0),
            engine: { version: '1.0.0', scenarioApi: 1 },
          },
        ),
      );
    };
    const runs = useRunsStore();
    const cmp = useComparisonStore();
    expect(await runs.loadRunText('four.pfnrun', file(4, 3))).toBe(true);
    expect(cmp.pinCurrent()).toBe(true);
    expect(cmp.pinned).toMatchObject({ origin: 'saved', label: 'saved four.pfnrun: s.ts · seed 4' });
    expect(cmp.ready).toBe(false);
    expect(await runs.loadRunText('five.pfnrun', file(5, 6))).toBe(true);
    expect(cmp.ready).toBe(true);
    expect(cmp.other).toMatchObject({ origin: 'saved', label: 'saved five.pfnrun: s.ts · seed 5' });
    const rows = compareCounters(sideAt(cmp.base!, 99).counters, sideAt(cmp.other!, 99).counters);
    // seed 4: 4·(1+2+3) = 24 pages; seed 5: 5·(1+…+6) = 105
    expect(rows.find((r) => r.name === 'pagesPinned')).toMatchObject({ base: 24, other: 105, abs: 81 });
    expect(rows.find((r) => r.name === 'iommuMapCalls')).toMatchObject({ base: 3, other: 6 });
  });

  it('a strategy difference between two saved runs is among the parameter differences', async () => {
    const file = (seed: number, strategy?: 'naive'): string => {
      const r = resultFor(seed, 3);
      return serializeRun(
        fromResult(
          { ...r, counters: { ...newCounters(), ...r.counters }, timeline: r.timeline },
          {
            fileName: 's.ts',
            source: 'lab.open()',
            seed,
            check: false,
            strategy,
            ranAt: new Date(0),
            engine: { version: '1.0.0', scenarioApi: 1 },
          },
        ),
      );
    };
    const runs = useRunsStore();
    const cmp = useComparisonStore();
    expect(await runs.loadRunText('naive.pfnrun', file(4, 'naive'))).toBe(true);
    expect(cmp.pinCurrent()).toBe(true);
    expect(cmp.pinned?.strategy).toBe('naive');
    expect(await runs.loadRunText('plain.pfnrun', file(4))).toBe(true);
    expect(diffParams(cmp.base!, cmp.other!)).toEqual([{ name: 'strategy', base: 'naive', other: 'iommufd' }]);
    // pinned from the file directly, too
    expect(cmp.pinSavedText('n2.pfnrun', file(4, 'naive'))).toBe(true);
    expect(diffParams(cmp.base!, cmp.other!)).toEqual([{ name: 'strategy', base: 'naive', other: 'iommufd' }]);
  });

  it('openCompare shows the Compare tab and remembers it', () => {
    const cmp = useComparisonStore();
    cmp.openCompare();
    const settings = useSettingsStore();
    expect(settings.viewTab).toBe('compare');
    expect(JSON.parse(localStorage.getItem('pfnlab.settings.v1') ?? '{}').viewTab).toBe('compare');
  });
});
