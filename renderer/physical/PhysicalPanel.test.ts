import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectParams, PhysAnswer } from '../../electron/shared/lab-api';
import { setLabApi } from '../lab';
import { digest, event, inspectLab, seedRun } from '../ioas/test-fixtures';
import { useInspectStore } from '../stores/inspect';
import { usePhysHighlightStore } from './highlight';
import { cellRect, gridLayout } from './grid';
import PhysicalPanel from './PhysicalPanel.vue';

const NFRAMES = 4096;

/** The engine's answer for a phys query over a machine whose frames [1024, 2048) are pinned. */
function physFor(q: { start?: number; end?: number; buckets: number; highlight?: unknown }): PhysAnswer {
  const start = q.start ?? 0;
  const end = q.end ?? NFRAMES;
  const B = Math.min(q.buckets, end - start);
  const counts = new Uint32Array(B * 3);
  const hl = new Uint32Array(B);
  for (let f = start; f < end; f++) {
    const b = Math.floor(((f - start) * B) / (end - start));
    const pinned = f >= 1024 && f < 2048;
    counts[b * 3 + (pinned ? 2 : 0)]++;
    if (q.highlight && pinned) hl[b]++;
  }
  return {
    kind: 'phys',
    nframes: NFRAMES,
    start,
    end,
    buckets: B,
    counts,
    thp: new Uint32Array(B),
    hugetlb: new Uint32Array(B),
    highlight: hl,
    highlightRuns: q.highlight ? 1 : 0,
    highlightFrames: q.highlight ? 1024 : 0,
  };
}

function physQueries(p: InspectParams[]) {
  return p.flatMap((x) => x.queries).filter((q) => q.kind === 'phys');
}

function mountPanel() {
  return mount(PhysicalPanel, { attachTo: document.body });
}

describe('physical view', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    setLabApi(undefined);
    document.body.innerHTML = '';
  });

  it('says what to do before any run', () => {
    inspectLab(() => []);
    const w = mountPanel();
    expect(w.get('[data-testid=physical]').text()).toContain('Run a scenario');
    expect(w.find('[data-testid=physical-canvas]').exists()).toBe(false);
    w.unmount();
  });

  it('shows totals and the legend of the step, and the e2e hook reads the drawn answer', async () => {
    const lab = inspectLab((p) => p.queries.map((q) => (q.kind === 'phys' ? physFor(q) : { kind: 'domains', domains: [] })));
    seedRun([event(1, { digest: 0 })], [digest()]);
    const inspect = useInspectStore();
    inspect.phys = physFor({ buckets: 256 });
    inspect.step = 1;
    inspect.version++;
    const w = mountPanel();
    await flushPromises();
    vi.runAllTimers();
    await flushPromises();
    expect(inspect.wantPhys).toBe(true);
    const totals = w.get('[data-testid=physical-totals]').text();
    expect(totals).toContain('pinned 1\u2009024');
    expect(totals).toContain('(4 MiB)');
    expect(totals).toContain('free 3\u2009072');
    const legend = w.get('[data-testid=physical-legend]').text();
    for (const k of ['free', 'in use', 'pinned', 'THP', 'hugetlb', 'highlighted']) expect(legend).toContain(k);
    expect(w.get('[data-testid=physical]').text()).toContain('16 MiB');
    expect(window.__pfnlabPhysical?.bucketAt(1500)).toMatchObject({ pinned: 16, free: 0 });
    expect(window.__pfnlabPhysical?.bucketAt(10)).toMatchObject({ pinned: 0, free: 16 });
    expect(window.__pfnlabPhysical?.bucketAt(NFRAMES)).toBeNull();
    expect(physQueries(lab.inspects).every((q) => q.highlight === undefined)).toBe(true);
    w.unmount();
    expect(window.__pfnlabPhysical).toBeUndefined();
  });

  it('highlights the chosen pages object and counts its runs', async () => {
    const lab = inspectLab((p) => p.queries.map((q) => (q.kind === 'phys' ? physFor(q) : { kind: 'domains', domains: [] })));
    seedRun([event(1, { digest: 0 })], [digest({ withSecondArea: true })]);
    const inspect = useInspectStore();
    inspect.phys = physFor({ buckets: 256 });
    inspect.step = 1;
    inspect.version++;
    const w = mountPanel();
    await flushPromises();
    const select = w.get('[data-testid=physical-highlight]');
    const options = select.findAll('option').map((o) => o.text());
    expect(options[0]).toBe('none');
    expect(options).toContain('pages #1 · 0x7f0000000000 · 4 MiB');
    expect(options).toHaveLength(3);
    await select.setValue('100:139637976727552:1024');
    vi.runAllTimers();
    await flushPromises();
    const last = physQueries(lab.inspects).at(-1);
    expect(last?.highlight).toEqual({ key: '100:139637976727552:1024' });
    expect(w.get('[data-testid=physical-runs]').text()).toMatch(/1\u2009024\s+frames in\s+1\s+contiguous run/);
    expect(window.__pfnlabPhysical?.bucketAt(1500)?.highlight).toBe(16);
    w.unmount();
  });

  it('an IOAS area highlight asks for that slice of the pages object', async () => {
    const lab = inspectLab((p) => p.queries.map((q) => (q.kind === 'phys' ? physFor(q) : { kind: 'domains', domains: [] })));
    seedRun([event(1, { digest: 0 })], [digest()]);
    const inspect = useInspectStore();
    inspect.phys = physFor({ buckets: 256 });
    inspect.step = 1;
    usePhysHighlightStore().set('100:139637976727552:1024', { start: 0, end: 512, label: 'area 0x1000000' });
    const w = mountPanel();
    await flushPromises();
    vi.runAllTimers();
    await flushPromises();
    expect(physQueries(lab.inspects).at(-1)?.highlight).toEqual({ key: '100:139637976727552:1024', start: 0, end: 512 });
    expect(w.get('[data-testid=physical-highlight]').text()).toContain('area 0x1000000');
    w.unmount();
  });

  it('zooms into a frame range with the wheel and back to the whole machine', async () => {
    const lab = inspectLab((p) => p.queries.map((q) => (q.kind === 'phys' ? physFor(q) : { kind: 'domains', domains: [] })));
    seedRun([event(1, { digest: 0 })], [digest()]);
    const inspect = useInspectStore();
    inspect.phys = physFor({ buckets: 256 });
    inspect.step = 1;
    inspect.version++;
    const w = mountPanel();
    await flushPromises();
    await w.get('[data-testid=physical-zoom-in]').trigger('click');
    vi.runAllTimers();
    await flushPromises();
    const q = physQueries(lab.inspects).at(-1);
    expect(q?.start).toBe(1536);
    expect(q?.end).toBe(2560);
    expect(w.get('[data-testid=physical-range]').text()).toContain('0x600–0x9ff');
    expect(w.get('[data-testid=physical-totals]').text()).toContain('in view');
    await w.get('[data-testid=physical-canvas]').trigger('keydown', { key: 'ArrowRight' });
    vi.runAllTimers();
    await flushPromises();
    expect(physQueries(lab.inspects).at(-1)?.start).toBe(2048);
    await w.get('[data-testid=physical-canvas]').trigger('wheel', { deltaY: 100 });
    vi.runAllTimers();
    await flushPromises();
    expect(w.get('[data-testid=physical-totals]').text()).toContain('machine');
    expect(w.get('[data-testid=physical-reset]').attributes('disabled')).toBeDefined();
    w.unmount();
  });

  it('sizes its grid from the canvas box even when the run starts after the panel was shown', async () => {
    const lab = inspectLab((p) => p.queries.map((q) => (q.kind === 'phys' ? physFor(q) : { kind: 'domains', domains: [] })));
    const rect = vi
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockReturnValue({ width: 900, height: 400, left: 0, top: 0, right: 900, bottom: 400, x: 0, y: 0, toJSON: () => ({}) });
    const w = mountPanel();
    await flushPromises();
    seedRun([event(1, { digest: 0 })], [digest()]);
    const inspect = useInspectStore();
    inspect.phys = physFor({ buckets: 256 });
    inspect.step = 1;
    inspect.version++;
    await flushPromises();
    vi.runAllTimers();
    await flushPromises();
    expect(inspect.physBuckets).toBeGreaterThan(256);
    expect(physQueries(lab.inspects).at(-1)?.buckets).toBe(inspect.physBuckets);
    expect(window.__pfnlabPhysical?.view()?.buckets).toBe(inspect.physBuckets);
    rect.mockRestore();
    w.unmount();
  });

  it('asks for the frames of the selected step when shown, not the ones another tab left behind', async () => {
    const lab = inspectLab((p) => p.queries.map((q) => (q.kind === 'phys' ? physFor(q) : { kind: 'domains', domains: [] })));
    seedRun([event(1, { digest: 0 }), event(2, { digest: 0 })], [digest()], 2);
    const inspect = useInspectStore();
    inspect.phys = physFor({ buckets: 256 }); // from step 1, kept while wantPhys was off
    inspect.step = 2;
    inspect.wantPhys = false;
    const w = mountPanel();
    await flushPromises();
    expect(lab.inspects.some((p) => p.step === 2 && p.queries.some((q) => q.kind === 'phys'))).toBe(true);
    w.unmount();
  });

  it('hover shows the PFN range and counts of the cell; a drag zooms to the cells it covers', async () => {
    const lab = inspectLab((p) => p.queries.map((q) => (q.kind === 'phys' ? physFor(q) : { kind: 'domains', domains: [] })));
    const rect = vi
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockReturnValue({ width: 900, height: 400, left: 0, top: 0, right: 900, bottom: 400, x: 0, y: 0, toJSON: () => ({}) });
    seedRun([event(1, { digest: 0 })], [digest()]);
    const inspect = useInspectStore();
    inspect.phys = physFor({ buckets: 256 });
    inspect.step = 1;
    inspect.version++;
    const w = mountPanel();
    await flushPromises();
    vi.runAllTimers();
    await flushPromises();
    const view = window.__pfnlabPhysical?.view();
    expect(view?.buckets).toBe(2048); // 2 frames per cell over 4 096 frames
    const l = gridLayout(900, 400, 2048);
    const canvas = w.get('[data-testid=physical-canvas]');
    // the cell of bucket 600 = frames 1200..1201, pinned
    const at = cellRect(l, 600);
    await canvas.trigger('pointermove', { clientX: at.x + 1, clientY: at.y + 1 });
    const tip = w.get('[data-testid=physical-tip]').text();
    expect(tip).toContain('PFN 0x4b0–0x4b1');
    expect(tip).toContain('pinned 2');
    const to = cellRect(l, 700);
    await canvas.trigger('pointerdown', { clientX: at.x + 1, clientY: at.y + 1, button: 0 });
    await canvas.trigger('pointermove', { clientX: to.x + 1, clientY: to.y + 1 });
    await canvas.trigger('pointerup', { clientX: to.x + 1, clientY: to.y + 1 });
    vi.runAllTimers();
    await flushPromises();
    const q = physQueries(lab.inspects).at(-1);
    expect([q?.start, q?.end]).toEqual([1200, 1402]);
    rect.mockRestore();
    w.unmount();
  });
});
