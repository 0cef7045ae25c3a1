import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { markRaw } from 'vue';
import { TIER_DOMAIN, TIER_NONE, TIER_XARRAY, type TierAnswer } from '../../engine/base/inspect-types';
import { setLabApi } from '../lab';
import { useInspectStore } from '../stores/inspect';
import { useRunsStore, type RunRecord } from '../stores/runs';
import { useSelectionStore } from '../stores/selection';
import { CHANGE_COLOR } from '../theme/palette';
import DashboardPanel from './DashboardPanel.vue';
import { fakeInspectLab } from './fake-inspect';
import { makeAnswer, recordingCtx } from './test-fixtures';

const ctx = recordingCtx();

function record(): RunRecord {
  return {
    id: 1,
    fileName: 's.ts',
    source: '',
    seed: 1,
    check: false,
    runId: 7,
    startedAt: 0,
    elapsedMs: 1,
    seq: 10,
    error: null,
    engineError: null,
    counters: null,
    stoppedAfter: null,
  };
}

function mountPanel() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(DashboardPanel, { global: { plugins: [pinia] }, attachTo: document.body });
}

/** Show `tiers` as the answers of `step` of a finished run. */
function show(step: number, tiers: TierAnswer[]): void {
  const runs = useRunsStore();
  if (!runs.current) {
    runs.current = record();
    runs.status = 'done';
  }
  useSelectionStore().step = step;
  const inspect = useInspectStore();
  inspect.tiers = markRaw(tiers);
  inspect.step = step;
  inspect.runLocalId = 1;
  inspect.version++;
}

async function settle(ms = 150): Promise<void> {
  await flushPromises();
  await new Promise((r) => setTimeout(r, ms));
  await flushPromises();
}

const hook = () => window.__pfnlabDashboard as NonNullable<Window['__pfnlabDashboard']>;

describe('DashboardPanel', () => {
  beforeEach(() => {
    ctx.ops.length = 0;
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(
      ctx as unknown as CanvasRenderingContext2D,
    );
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1028);
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    setLabApi(undefined);
  });

  it('says what to do before a run, with the legend and a disabled reset', async () => {
    setLabApi(fakeInspectLab(() => makeAnswer({ npages: 1 })));
    const w = mountPanel();
    await settle(20);
    expect(w.get('[data-testid=dashboard]').text()).toContain(
      'Run a scenario to see which tier holds each page',
    );
    const legend = w.get('[data-testid=dashboard-legend]').text();
    for (const t of ['not pinned', 'domain', 'xarray', 'xarray + domain']) expect(legend).toContain(t);
    expect(w.get('[data-testid=dashboard-reset]').attributes('disabled')).toBeDefined();
    expect(hook().strips()).toEqual([]);
    w.unmount();
    expect(window.__pfnlabDashboard).toBeUndefined();
  });

  it('draws one strip per TierAnswer, with its tiers and labels', async () => {
    setLabApi(
      fakeInspectLab((_s, q) => (q.kind === 'tiers' ? makeAnswer({ npages: 1 }) : makeAnswer({ npages: 1 }))),
    );
    const w = mountPanel();
    const a = makeAnswer({
      key: 'a',
      pages: 1,
      npages: 32,
      runs: [
        [0, 16, TIER_DOMAIN],
        [16, 17, TIER_XARRAY],
      ],
      npinned: 17,
      areas: [{}],
    });
    const b = makeAnswer({
      key: 'b',
      pages: 2,
      npages: 1 << 20,
      buckets: 2048,
      runs: [[0, 4096, TIER_DOMAIN]],
    });
    const c = makeAnswer({ key: 'c', pages: 3, npages: 512 });
    show(3, [a, b, c]);
    await settle(40);
    const strips = hook().strips();
    expect(strips.map((s) => s.key)).toEqual(['a', 'b', 'c']);
    expect(strips[1]!.y).toBeGreaterThan(strips[0]!.y);
    expect(strips[0]).toMatchObject({ start: 0, end: 32, x0: 14, x1: 1014 });
    expect(hook().tierAt('a', 3)).toBe(TIER_DOMAIN);
    expect(hook().tierAt('a', 16)).toBe(TIER_XARRAY);
    expect(hook().tierAt('a', 20)).toBe(TIER_NONE);
    expect(hook().tierAt('nope', 0)).toBeNull();
    const texts = ctx.ops.filter((o) => o.op === 'fillText').map((o) => o.args[0]);
    expect(texts).toEqual(expect.arrayContaining(['pages #1', 'pages #2', 'pages #3', '0x7f0000000000']));
    expect(texts.some((t) => String(t).startsWith('npinned 17'))).toBe(true);
    expect(texts.some((t) => String(t).startsWith('IOAS 1 · 0x100000–0x11ffff'))).toBe(true);
    expect(w.text()).not.toContain('Run a scenario');
    w.unmount();
  });

  it('queries per-page detail of the visible range when zoomed in, and draws it', async () => {
    const npages = 1 << 20;
    // The truth: page i is xarray when i % 3 == 0 in [5000, 6000), else domain there; not pinned elsewhere.
    const tierOf = (i: number) =>
      i >= 5000 && i < 6000 ? (i % 3 === 0 ? TIER_XARRAY : TIER_DOMAIN) : TIER_NONE;
    const runsIn = (s: number, e: number): [number, number, number][] => {
      const out: [number, number, number][] = [];
      for (let i = Math.max(s, 5000); i < Math.min(e, 6000); i++) out.push([i, i + 1, tierOf(i)]);
      return out;
    };
    const lab = fakeInspectLab((_step, q) => {
      if (q.kind !== 'tiers') throw new Error('unexpected');
      const s = q.start ?? 0;
      const e = q.end ?? npages;
      return makeAnswer({
        key: 'big',
        pages: 4,
        npages,
        start: s,
        end: e,
        buckets: q.buckets,
        runs: runsIn(s, e),
      });
    });
    setLabApi(lab);
    const w = mountPanel();
    const full = makeAnswer({ key: 'big', pages: 4, npages, buckets: 2048, runs: runsIn(0, npages) });
    show(2, [full]);
    await settle(40);
    expect(hook().tierAt('big', 5001)).toBeNull(); // a mixed bucket
    const before = lab.inspects.length;
    hook().setView('big', 5000, 5600);
    await settle(200);
    const mine = lab.inspects.slice(before).filter((p) => p.step === 2);
    expect(mine).toHaveLength(1);
    const q = mine[0]!.queries[0] as {
      kind: string;
      pages: number;
      start: number;
      end: number;
      buckets: number;
    };
    expect(q).toMatchObject({ kind: 'tiers', pages: 4, buckets: 2048 });
    expect(q.start).toBeLessThanOrEqual(5000);
    expect(q.end).toBeGreaterThanOrEqual(5600);
    expect(q.end - q.start).toBeLessThanOrEqual(2048);
    // The previous step over the same range, for change marks.
    expect(lab.inspects.some((p) => p.step === 1 && (p.queries[0] as { pages?: number }).pages === 4)).toBe(
      true,
    );
    for (const i of [5001, 5002, 5003, 5004, 5599]) expect(hook().tierAt('big', i)).toBe(tierOf(i));
    expect(hook().strips()[0]).toMatchObject({ start: 5000, end: 5600 });
    expect(w.get('[data-testid=dashboard-reset]').attributes('disabled')).toBeUndefined();
    // Reset: back to the full range, the zoom is forgotten.
    await w.get('[data-testid=dashboard-reset]').trigger('click');
    await settle(40);
    expect(hook().strips()[0]).toMatchObject({ start: 0, end: npages });
    w.unmount();
  });

  it('keeps the zoom of a strip across steps and marks what changed at the step', async () => {
    const lab = fakeInspectLab(() => {
      throw new Error('no');
    });
    setLabApi(lab);
    const w = mountPanel();
    const s4 = makeAnswer({ key: 'a', pages: 1, npages: 64, runs: [[0, 8, TIER_DOMAIN]], npinned: 8 });
    const s5 = makeAnswer({
      key: 'a',
      pages: 1,
      npages: 64,
      runs: [
        [0, 8, TIER_DOMAIN],
        [8, 10, TIER_XARRAY],
      ],
      npinned: 10,
    });
    const n5 = makeAnswer({ key: 'n', pages: 2, npages: 16 });
    show(4, [s4]);
    await settle(30);
    hook().setView('a', 0, 32);
    show(5, [s5, n5]);
    ctx.ops.length = 0;
    await settle(30);
    expect(hook().strips()[0]).toMatchObject({ key: 'a', start: 0, end: 32 });
    expect(hook().strips()[1]).toMatchObject({ key: 'n', status: 'new' });
    const orange = ctx.ops.filter((o) => o.fillStyle === CHANGE_COLOR);
    expect(orange.some((o) => o.op === 'fillText' && o.args[0] === '2 pages changed')).toBe(true);
    expect(orange.some((o) => o.op === 'fillText' && o.args[0] === 'new at this step')).toBe(true);
    expect(orange.some((o) => o.op === 'fillText' && String(o.args[0]).startsWith('npinned 10'))).toBe(true);
    expect(orange.some((o) => o.op === 'fillRect')).toBe(true); // change ticks
    // Stepping to a state without 'n': its strip shows as gone, from the previous answer.
    show(6, [s5]);
    await settle(30);
    expect(
      hook()
        .strips()
        .map((s) => s.key),
    ).toEqual(['a']);
    expect(ctx.ops.some((o) => o.op === 'fillText' && o.args[0] === 'gone at this step')).toBe(true);
    w.unmount();
  });

  it('shows a tooltip with page detail on hover', async () => {
    setLabApi(fakeInspectLab(() => makeAnswer({ npages: 1 })));
    const w = mountPanel();
    const a = makeAnswer({ key: 'a', pages: 1, npages: 10, runs: [[0, 10, TIER_DOMAIN]], domainIds: [2] });
    show(1, [a]);
    await settle(30);
    const s = hook().strips()[0]!;
    const canvas = w.get('[data-testid=dashboard-canvas]');
    vi.spyOn(canvas.element, 'getBoundingClientRect').mockReturnValue({
      left: 0,
      top: 0,
      right: 1028,
      bottom: 600,
      width: 1028,
      height: 600,
      x: 0,
      y: 0,
      toJSON: () => ({}),
    });
    await canvas.trigger('pointermove', { clientX: s.x0 + 3.5 * ((s.x1 - s.x0) / 10), clientY: s.y });
    await settle(30);
    const tip = w.get('[data-testid=dashboard-tooltip]').text();
    expect(tip).toContain('page 3');
    expect(tip).toContain('0x1003');
    expect(tip).toContain('domain 2');
    w.unmount();
  });
});
