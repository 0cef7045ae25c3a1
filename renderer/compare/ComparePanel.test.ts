/**
 * The Compare tab mounted with real stores: two runs through a fake engine
 * (their counters and digests depend on the seed), pinned and compared; the
 * real uPlot on happy-dom's stand-in canvas (charts/test-fixtures).
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult, TimelineEvent } from '../../electron/shared/lab-api';
import { COUNTER_NAMES } from '../../engine/base/counters';
import type { MachineDigest, PagesDigest } from '../../engine/iommufd/digest';
import { resetChartPrefs } from '../charts/prefs';
import { installFakeCanvas } from '../charts/test-fixtures';
import { setLabApi } from '../lab';
import { useComparisonStore } from '../stores/comparison';
import { useRunsStore } from '../stores/runs';
import { useSelectionStore } from '../stores/selection';
import { useSettingsStore } from '../stores/settings';
import { fakeLab, runResult } from '../tests/fakes';
import { compareChartOptions, PINNED_DASH } from './compare-chart';
import CompareDashboards from './CompareDashboards.vue';
import ComparePanel from './ComparePanel.vue';

/** After event i of a seed-s run: one 64-page buffer, the first i·s pages in a domain, one area at s MiB. */
function digestOf(seed: number, i: number): MachineDigest {
  const pinned = Math.min(64, i * seed);
  return {
    contexts: [
      {
        serial: 1,
        owner: 1,
        accountModeMm: false,
        objects: [],
        ioas: [
          {
            id: 1,
            iovaAlignment: 4096,
            disableLargePages: false,
            areas: [
              {
                iova: String(seed * 0x100000),
                length: String(64 * 4096),
                pages: 1,
                index: 0,
                lastIndex: 63,
                pageOffset: 0,
                prot: 3,
                storageDomain: 2,
                numAccesses: 0,
                preventAccess: false,
              },
            ],
            reserved: [],
            allowed: [],
            domains: [
              {
                id: 2,
                deviceId: 3,
                kind: 'mock',
                mapped: [[String(seed * 0x100000), String(pinned * 4096), 4096]],
                entries: pinned,
                stats: { mappedBytes: pinned * 4096, tableBytes: 4096 },
              },
            ],
            accesses: [],
          },
        ],
      },
    ],
    pages: [
      {
        id: 1,
        pid: 1,
        uptr: 0x40000000,
        npages: 64,
        npinned: pinned,
        lastNpinned: pinned,
        accountMode: 'user',
        writable: true,
        tiers: [[0, 63, 'none']],
        accessNodes: 0,
        xarrayEntries: 0,
        accessIntervals: [],
        domainSpans: pinned > 0 ? [[0, pinned - 1]] : [],
      },
    ],
    accounting: [],
    pins: { pinnedFrames: pinned, totalPins: pinned, runs: 1, hash: 'h' },
  };
}

function resultFor(seed: number): RunResult {
  const n = seed === 1 ? 5 : 8;
  const events: TimelineEvent[] = Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    op: 'ioas.map',
    target: 'ioas 1',
    args: [],
    line: 1,
    column: 1,
    t: i,
    dur: 0.1,
    deltas: { iommuMapCalls: 1, pagesPinned: seed, pteWrites: seed === 1 ? 4 : 2 },
    digest: i,
  }));
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

let undo: () => void = () => {};

async function settle(): Promise<void> {
  await flushPromises();
  await nextTick();
  await new Promise((r) => requestAnimationFrame(() => r(undefined)));
  await nextTick();
}

async function twoRuns(w: VueWrapper): Promise<void> {
  const runs = useRunsStore();
  await runs.run('lab.open()\nmap(1)', 'a.ts');
  useSelectionStore().runAdvanced();
  await settle();
  await w.get('[data-testid=compare-pin]').trigger('click');
  await settle();
  useSettingsStore().seed = 2;
  await runs.run('lab.open()\nmap(2)\nmore()', 'a.ts');
  useSelectionStore().runAdvanced();
  await settle();
}

describe('ComparePanel', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
    resetChartPrefs();
    undo = installFakeCanvas();
    setLabApi(fakeLab({ run: (_e, p) => ({ ok: true, value: resultFor((p as { seed: number }).seed) }) }));
  });
  afterEach(() => {
    setLabApi(undefined);
    undo();
    document.body.innerHTML = '';
  });

  it('says what to do before anything is pinned, and after a pin until the next run', async () => {
    const w = mount(ComparePanel, { attachTo: document.body });
    expect(w.get('[data-testid=compare-empty]').text()).toContain(
      'Pin a run (Ctrl+Shift+P), then run again to compare',
    );
    expect(w.get('[data-testid=compare-pin]').attributes('disabled')).toBeDefined();
    await useRunsStore().run('x', 'a.ts');
    await settle();
    await w.get('[data-testid=compare-pin]').trigger('click');
    await settle();
    expect(w.get('[data-testid=compare-waiting]').text()).toContain('run #');
    expect(w.get('[data-testid=compare-waiting]').text()).toContain('run again');
    w.unmount();
  });

  it('shows both runs: parameter differences, counters with differences equal to the runs’ counters', async () => {
    const w = mount(ComparePanel, { attachTo: document.body });
    await twoRuns(w);
    const params = w.get('[data-testid=compare-params]').text();
    expect(params).toContain('seed 1 → 2');
    expect(params).toMatch(/source changed:\s*lines 2–3 of B\s*· 1 added/);
    const cmp = useComparisonStore();
    const a = cmp.base!.data.countersAt(cmp.base!.data.length);
    const b = cmp.other!.data.countersAt(cmp.other!.data.length);
    // only differences by default: exactly the counters that differ
    const differing = COUNTER_NAMES.filter((n) => a[n] !== b[n]);
    expect(differing.length).toBeGreaterThan(0);
    const rows = w.findAll('[data-testid^=compare-row-]');
    expect(rows.map((r) => r.attributes('data-testid')?.slice('compare-row-'.length))).toEqual(differing);
    for (const n of differing) {
      const r = w.get(`[data-testid=compare-row-${n}]`);
      expect(Number(r.attributes('data-base-end'))).toBe(a[n]);
      expect(Number(r.attributes('data-other-end'))).toBe(b[n]);
      expect(Number(r.attributes('data-abs-end'))).toBe(b[n] - a[n]);
    }
    const map = w.get('[data-testid=compare-row-iommuMapCalls]');
    expect(map.findAll('[data-testid=compare-abs-end]')[0]?.text()).toBe('+3');
    expect(map.text()).toContain('+60 %');
    // a cost that went down is better, one that went up worse
    expect(w.get('[data-testid=compare-row-pteWrites]').find('.better').exists()).toBe(true);
    expect(map.find('.worse').exists()).toBe(true);
    // all counters without the filter
    await w.get('[data-testid=compare-only-diff]').setValue(false);
    expect(w.findAll('[data-testid^=compare-row-]')).toHaveLength(COUNTER_NAMES.length);
    w.unmount();
  });

  it('sorts by the size of the change and follows the selected step (clamped in the shorter run)', async () => {
    const w = mount(ComparePanel, { attachTo: document.body });
    await twoRuns(w);
    await w.get('[data-testid=compare-sort-abs-end]').trigger('click');
    const first = w.findAll('[data-testid^=compare-row-]')[0];
    // pagesPinned: 5 vs 16 (+11) is the largest change
    expect(first?.attributes('data-testid')).toBe('compare-row-pagesPinned');
    useSelectionStore().select(7);
    await settle();
    expect(w.get('[data-testid=compare-step]').text()).toBe('at step #7 (A after #5, B after #7)');
    const r = w.get('[data-testid=compare-row-iommuMapCalls]');
    expect(r.attributes('data-base-step')).toBe('5');
    expect(r.attributes('data-other-step')).toBe('7');
    useSelectionStore().select(2);
    await settle();
    expect(w.get('[data-testid=compare-row-iommuMapCalls]').attributes('data-abs-step')).toBe('0');
    w.unmount();
  });

  it('lists the state differences and draws both dashboards with the differing buckets', async () => {
    const w = mount(ComparePanel, { attachTo: document.body });
    await twoRuns(w);
    const diff = w.get('[data-testid=compare-diff]');
    expect(Number(diff.attributes('data-count'))).toBeGreaterThan(0);
    expect(diff.get('[data-testid=compare-diff-areas]').text()).toContain(
      'IOAS 1 · area 0x100000 → 0x200000',
    );
    expect(diff.get('[data-testid=compare-diff-domains]').text()).toContain('mappedBytes');
    expect(diff.get('[data-testid=compare-diff-tiers]').text()).toMatch(/domain\s*5\s*→\s*16/);
    const dash = w.get('[data-testid=compare-dashboards]');
    expect(dash.get('[data-testid=compare-dashboard-base]').attributes('data-strips')).toBe('1');
    expect(dash.get('[data-testid=compare-dashboard-other]').attributes('data-strips')).toBe('1');
    // pages 5..15 are in the domain in B only: those (page) buckets differ
    expect(dash.get('[data-testid=compare-dashboard-other]').attributes('data-differing')).toBe('11');
    // at the first step the states differ less: 1 vs 2 pages in the domain
    useSelectionStore().select(1);
    await settle();
    await w.get('[data-testid=compare-diff-step]').trigger('click');
    expect(w.get('[data-testid=compare-diff-tiers]').text()).toMatch(/domain\s*1\s*→\s*2/);
    w.unmount();
  });

  it('overlays the charts: one per group of the series shown, both runs in each', async () => {
    const w = mount(ComparePanel, { attachTo: document.body });
    await twoRuns(w);
    // the Charts tab's default series fall in its three groups
    expect(w.findAll('[data-testid=compare-chart] .u-over')).toHaveLength(3);
    // a click selects the event under the pointer (clamped to the current run)
    const sel = useSelectionStore();
    const click = async (x: number): Promise<void> => {
      const over = w.findAll('[data-testid=compare-chart] .u-over')[0]!.element as HTMLElement;
      over.dispatchEvent(new MouseEvent('mousedown', { clientX: x, clientY: 10, bubbles: true, button: 0 }));
      over.dispatchEvent(new MouseEvent('mouseup', { clientX: x, clientY: 10, bubbles: true, button: 0 }));
      await settle();
    };
    await click(0);
    expect(sel.step).toBe(0);
    await click(5000);
    expect(sel.step).toBe(8);
    w.unmount();
  });

  it('swaps the sides and unpins', async () => {
    const w = mount(ComparePanel, { attachTo: document.body });
    await twoRuns(w);
    expect(w.get('[data-testid=compare-run-base]').text()).toContain('seed 1');
    expect(w.get('[data-testid=compare-run-base]').text()).toContain('pinned');
    await w.get('[data-testid=compare-swap]').trigger('click');
    await settle();
    expect(w.get('[data-testid=compare-run-base]').text()).toContain('seed 2');
    expect(w.get('[data-testid=compare-run-other]').text()).toContain('pinned');
    expect(w.get('[data-testid=compare-row-iommuMapCalls]').attributes('data-abs-end')).toBe('-3');
    await w.get('[data-testid=compare-unpin]').trigger('click');
    await settle();
    expect(w.find('[data-testid=compare-empty]').exists()).toBe(true);
    w.unmount();
  });
});

describe('compareChartOptions', () => {
  it('dashes the pinned run’s series, spans gaps and fills none', () => {
    const o = compareChartOptions(
      {
        unit: 'count',
        series: [
          { label: 'A x', color: '#111111' },
          { label: 'B x', color: '#111111' },
        ],
        dashed: [true, false],
        width: 300,
        height: 100,
        xValues: true,
      },
      undefined,
      {},
    );
    expect(o.series[1]?.dash).toEqual(PINNED_DASH);
    expect(o.series[2]?.dash).toBeUndefined();
    expect(o.series.slice(1).every((s) => s.spanGaps === true && s.fill === undefined)).toBe(true);
  });
});

describe('CompareDashboards', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    undo = installFakeCanvas();
  });
  afterEach(() => undo());

  it('draws at most 40 strips a side and counts the rest', async () => {
    const many = digestOf(1, 1);
    many.pages = Array.from({ length: 45 }, (_, i) => ({
      ...(many.pages[0] as PagesDigest),
      id: i + 1,
      uptr: 0x1000 * (i + 1),
    }));
    const w = mount(CompareDashboards, {
      props: {
        sides: [
          { id: 'base', title: 'A', step: 1, digest: many, pinned: true },
          { id: 'other', title: 'B', step: 1, digest: digestOf(2, 1), pinned: false },
        ],
        tick: 0,
      },
    });
    await settle();
    const a = w.get('[data-testid=compare-dashboard-base]');
    expect(a.attributes('data-strips')).toBe('45');
    expect(a.text()).toContain('… and 5 more pages objects');
    // 45 strips only in A, B's one strip only in B
    expect(a.attributes('data-differing')).toBe('45');
    expect(w.get('[data-testid=compare-dashboard-other]').text()).toContain('45 only in the other run');
    w.unmount();
  });
});
