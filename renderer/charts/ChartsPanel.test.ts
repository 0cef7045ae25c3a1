/**
 * The charts panel with the real uPlot in happy-dom: happy-dom has no 2D
 * canvas, so test-fixtures' recording stand-in is installed; everything else
 * (uPlot's DOM, its hooks and mouse handling, the panel's wiring) is real.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { markRaw, nextTick } from 'vue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunData } from '../stores/run-data';
import { useRunsStore } from '../stores/runs';
import { useSelectionStore } from '../stores/selection';
import ChartsPanel from './ChartsPanel.vue';
import { resetChartPrefs } from './prefs';
import { digest, ev, installFakeCanvas, mark, span, type Recorded } from './test-fixtures';

let undo: () => void = () => {};
let log: Recorded[] = [];

function frame(): Promise<void> {
  return new Promise((r) => requestAnimationFrame(() => r()));
}

async function settle(): Promise<void> {
  await flushPromises();
  await nextTick();
  await frame();
  await nextTick();
}

function load(
  events: ReturnType<typeof ev>[],
  extra: { marks?: ReturnType<typeof mark>[]; spans?: ReturnType<typeof span>[] } = {},
) {
  const runs = useRunsStore();
  const d = new RunData();
  d.appendEvents(events);
  d.marks.push(...(extra.marks ?? []));
  d.spans.push(...(extra.spans ?? []));
  runs.data = markRaw(d);
  runs.status = 'done';
  runs.version++;
  return d;
}

/** 10 events: 4 pins, a map, unpins… */
function sample(): ReturnType<typeof ev>[] {
  return [
    ev(1, { pagesPinned: 4, pinCalls: 1 }),
    ev(2, { iommuMapCalls: 1, pteWrites: 4 }),
    ev(3, { pagesPinned: 4, pinCalls: 1 }),
    ev(4, { iommuMapCalls: 1 }),
    ev(5, { xarrayStores: 2 }),
    ev(6, {}),
    ev(7, { pagesUnpinned: 8, iommuUnmapCalls: 2 }),
    ev(8, { xarrayErases: 2 }),
    ev(9, { tempMemoryPeakBytes: 4096 }),
    ev(10, {}),
  ];
}

function mountPanel(): VueWrapper {
  return mount(ChartsPanel, { attachTo: document.body });
}

/** Press and release on a plot at clientX (happy-dom rects are at 0, 0). */
async function press(w: VueWrapper, chart: number, x0: number, x1 = x0): Promise<void> {
  const over = w.findAll('[data-testid=chart] .u-over')[chart]!.element as HTMLElement;
  over.dispatchEvent(new MouseEvent('mousedown', { clientX: x0, clientY: 10, bubbles: true, button: 0 }));
  if (x1 !== x0) {
    over.dispatchEvent(
      new MouseEvent('mousemove', {
        clientX: (x0 + x1) / 2,
        clientY: 11,
        movementX: 1,
        movementY: 1,
        bubbles: true,
      }),
    );
    await frame();
    over.dispatchEvent(
      new MouseEvent('mousemove', { clientX: x1, clientY: 12, movementX: 1, movementY: 1, bubbles: true }),
    );
    await frame();
  }
  over.dispatchEvent(new MouseEvent('mouseup', { clientX: x1, clientY: 12, bubbles: true, button: 0 }));
  document.dispatchEvent(new MouseEvent('mouseup', { clientX: x1, clientY: 12, bubbles: true, button: 0 }));
  await settle();
}

describe('ChartsPanel', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
    resetChartPrefs();
    log = [];
    undo = installFakeCanvas(log);
  });
  afterEach(() => undo());

  it('says what to do before a run', async () => {
    const w = mountPanel();
    await settle();
    expect(w.get('[data-testid=charts]').text()).toContain('Run a scenario to chart its counters');
    expect(w.findAll('[data-testid=chart]')).toHaveLength(0);
    w.unmount();
  });

  it('draws one uPlot chart per unit group with the default series, and the values at the selected step', async () => {
    const w = mountPanel();
    load(sample());
    useSelectionStore().select(3);
    await settle();
    const charts = w.findAll('[data-testid=chart]');
    expect(charts.map((c) => c.attributes('data-group'))).toEqual(['pages', 'calls', 'memory']);
    for (const c of charts) expect(c.find('.uplot canvas').exists()).toBe(true);
    const boxes = w.findAll('[data-testid=chart-series]');
    expect(boxes).toHaveLength(10);
    const checked = boxes
      .filter((b) => (b.element as HTMLInputElement).checked)
      .map((b) => b.attributes('data-name'));
    expect(checked).toEqual([
      'pinnedNow',
      'xarrayEntries',
      'pinCalls',
      'iommuMapCalls',
      'iommuUnmapCalls',
      'tableBytes',
      'engineBytes',
      'tempMemoryPeakBytes',
    ]);
    const head = charts[0]!.element.previousElementSibling as HTMLElement;
    expect(head.textContent).toContain('pinned pages 8');
    expect(head.textContent).toContain('after event #3');
    // the plots were painted (the stand-in context saw strokes)
    expect(log.some((c) => c[0] === 'stroke')).toBe(true);
    w.unmount();
  });

  it("charts the engine's own memory from the step digests", async () => {
    const w = mountPanel();
    const d = load(sample().map((e, i) => ({ ...e, digest: i < 4 ? 0 : 1 })));
    d.digests.push({ ...digest([[4096]]), engineBytes: 512 }, { ...digest([[4096]]), engineBytes: 3 * 1024 });
    useSelectionStore().select(5);
    await settle();
    const memory = w.findAll('[data-testid=chart]').find((c) => c.attributes('data-group') === 'memory')!;
    const head = memory.element.previousElementSibling as HTMLElement;
    expect(head.textContent).toContain('engine memory 3 KiB');
    expect(w.find('[data-testid=engine-bytes-missing]').exists()).toBe(false);
    // a run file of an older engine: no engine bytes in its digests, and the panel says so
    for (const dg of d.digests) delete dg.engineBytes;
    useRunsStore().version++;
    await settle();
    expect(w.get('[data-testid=engine-bytes-missing]').text()).toBe('engine memory: not in this run');
    w.unmount();
  });

  it('shows and hides series with their checkboxes (a group without series has no chart)', async () => {
    const w = mountPanel();
    load(sample());
    useSelectionStore().select(10);
    await settle();
    await w.get('[data-testid=chart-series][data-name=pinnedNow]').setValue(false);
    await w.get('[data-testid=chart-series][data-name=xarrayEntries]').setValue(false);
    await settle();
    expect(w.findAll('[data-testid=chart]').map((c) => c.attributes('data-group'))).toEqual([
      'calls',
      'memory',
    ]);
    await w.get('[data-testid=chart-series][data-name=pteWrites]').setValue(true);
    await settle();
    expect(w.findAll('[data-testid=chart]').map((c) => c.attributes('data-group'))).toEqual([
      'pages',
      'calls',
      'memory',
    ]);
    expect(w.findAll('[data-testid=chart]')[0]!.element.previousElementSibling!.textContent).toContain(
      'PTE writes 4',
    );
    w.unmount();
  });

  it("rests every chart's cursor on the selected step (the timeline moves it)", async () => {
    const w = mountPanel();
    load(sample());
    const sel = useSelectionStore();
    const cursorX = (i: number): number => {
      const el = w.findAll('[data-testid=chart] .u-cursor-x')[i]!.element as HTMLElement;
      const m = /translate\(([-\d.]+)px/.exec(el.style.transform);
      return m ? Number(m[1]) : Number.NaN;
    };
    sel.select(2);
    await settle();
    const at2 = cursorX(0);
    sel.select(8);
    await settle();
    const at8 = cursorX(0);
    expect(at2).toBeGreaterThan(0);
    // x is linear in the event number: 8 is four times as far from 0 as 2
    expect(at8 / at2).toBeCloseTo(4, 0); // a tiny plot in happy-dom: whole pixels
    expect(cursorX(2)).toBeCloseTo(at8, 5);
    w.unmount();
  });

  it('selects the nearest event on a click, both ends of the plot', async () => {
    const w = mountPanel();
    load(sample());
    const sel = useSelectionStore();
    sel.select(5);
    await settle();
    await press(w, 0, 0);
    expect(sel.step).toBe(0);
    await press(w, 1, 5000);
    expect(sel.step).toBe(10);
    w.unmount();
  });

  it('measures a dragged range in the stats table, and clears it', async () => {
    const w = mountPanel();
    load(sample());
    await settle();
    expect(w.get('[data-testid=chart-range-stats]').text()).toContain('Drag across a chart');
    await press(w, 0, 1, 5000);
    const stats = w.get('[data-testid=chart-range-stats]');
    expect(stats.find('table').exists()).toBe(true);
    const row = stats
      .get('tr[data-name=pinnedNow]')
      .findAll('td')
      .map((td) => td.text());
    // a range that reaches the last event: pinned 4 → 8 → 0
    expect(row).toEqual(['pinned pages', '0', '8', '8', '0']);
    await w.get('[data-testid=chart-range-clear]').trigger('click');
    expect(w.get('[data-testid=chart-range-stats]').find('table').exists()).toBe(false);
    w.unmount();
  });

  it('follows a live run: appended events reach the charts on the next frame', async () => {
    const w = mountPanel();
    const d = load(sample().slice(0, 3));
    const sel = useSelectionStore();
    await settle();
    d.appendEvents(sample().slice(3));
    useRunsStore().version++;
    sel.runAdvanced();
    await settle();
    const head = w.findAll('[data-testid=chart]')[2]!.element.previousElementSibling as HTMLElement;
    expect(head.textContent).toContain('temp memory peak 4 KiB');
    // the step readout sits on the top chart only
    expect(w.findAll('.chart-head')[0]!.text()).toContain('after event #10');
    expect(head.textContent).not.toContain('after event');
    w.unmount();
  });

  it('keeps a measured range on its events while a live run widens the x axis', async () => {
    const w = mountPanel();
    const d = load(sample().slice(0, 5), { spans: [span('first', 2, 3, { pinCalls: 1 })] });
    await settle();
    await w.get('[data-testid=chart-span]').trigger('click');
    await settle();
    const sel = () => w.findAll('[data-testid=chart] .u-select')[1]!.element as HTMLElement;
    const before = parseFloat(sel().style.width);
    expect(before).toBeGreaterThan(0);
    d.appendEvents(sample().slice(5));
    useRunsStore().version++;
    await settle();
    await settle();
    // 10 events instead of 5 on the same width: the same two events take about half as much
    const after = parseFloat(sel().style.width);
    expect(after).toBeGreaterThan(before * 0.3);
    expect(after).toBeLessThan(before * 0.7);
    expect(w.get('[data-testid=chart-range-stats]').text()).toContain('events #2–#3');
    w.unmount();
  });

  it('toggles the x axis between event number and run time', async () => {
    const w = mountPanel();
    load(sample());
    await settle();
    const axis = w.get('[data-testid=chart-xaxis]');
    expect(axis.attributes('data-value')).toBe('seq');
    await axis.get('[data-value=time]').trigger('click');
    await settle();
    expect(w.get('[data-testid=chart-xaxis]').attributes('data-value')).toBe('time');
    expect(w.findAll('[data-testid=chart] .uplot')).toHaveLength(3);
    w.unmount();
  });

  it('draws the spans as bar groups; clicking one selects its last event and measures it', async () => {
    const w = mountPanel();
    load(sample(), {
      marks: [mark(2, 'mapped')],
      spans: [
        span('pin', 1, 3, { pagesPinned: 8, pinCalls: 2 }),
        span('unpin', 7, 8, { pagesUnpinned: 8, iommuUnmapCalls: 2 }),
      ],
    });
    await settle();
    const groups = w.findAll('[data-testid=chart-span]');
    expect(groups.map((g) => g.attributes('data-label'))).toEqual(['pin', 'unpin']);
    await groups[1]!.trigger('click');
    await settle();
    expect(useSelectionStore().step).toBe(8);
    expect(w.get('[data-testid=chart-range-stats]').text()).toContain('events #7–#8');
    expect(w.get('[data-testid=chart-span-detail]').text()).toContain('pinned pages −8');
    // the mark label was painted on the top chart
    expect(log.some((c) => c[0] === 'fillText' && c[1] === 'mapped')).toBe(true);
    w.unmount();
  });
});
