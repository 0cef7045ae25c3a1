import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTime } from '../charts/format';
import { installFakeCanvas, type Recorded } from '../charts/test-fixtures';
import { setLabApi } from '../lab';
import { useStudyStore } from '../stores/study';
import { fakeLab } from '../tests/fakes';
import StudyButton from './StudyButton.vue';
import StudyLayer from './StudyLayer.vue';
import { studyFixture } from './test-fixtures';

const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
let log: Recorded[];
let undo: () => void;
let rectBefore: typeof HTMLElement.prototype.getBoundingClientRect;

function mountLayer() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(StudyLayer, { global: { plugins: [pinia] }, attachTo: document.body });
}

beforeEach(() => {
  setLabApi(fakeLab());
  log = [];
  undo = installFakeCanvas(log);
  rectBefore = HTMLElement.prototype.getBoundingClientRect;
  // happy-dom lays nothing out: the chart's box is 600 × 280
  HTMLElement.prototype.getBoundingClientRect = function () {
    return {
      x: 0,
      y: 0,
      left: 0,
      top: 0,
      width: 600,
      height: 280,
      right: 600,
      bottom: 280,
      toJSON: () => ({}),
    };
  };
});
afterEach(() => {
  undo();
  HTMLElement.prototype.getBoundingClientRect = rectBefore;
  setLabApi(undefined);
  document.body.innerHTML = '';
});

describe('Study view', () => {
  it('shows the header, the chart and every cell; filters, sort and metric change them', async () => {
    const w = mountLayer();
    const study = useStudyStore();
    expect(w.find('[data-testid=study-view]').exists()).toBe(false);
    study.loadText('quick.pfnstudy.json', JSON.stringify(studyFixture()));
    await flushPromises();
    await frame();
    expect(w.get('[data-testid=study-name]').text()).toBe('quick.pfnstudy.json');
    expect(w.get('[data-testid=study-meta-cells]').text()).toBe('48 (31 ok, 16 skipped, 1 error)');
    expect(w.get('[data-testid=study-meta-engine]').text()).toBe('0.9.0');
    expect(w.findAll('[data-testid=study-row]').length).toBe(48);
    const skipped = w.findAll('[data-testid=study-row][data-status=skipped]');
    expect(skipped.length).toBe(16);
    expect(skipped[0]!.text()).toContain('1 GiB hugetlb needs a 1 GiB-aligned size');
    expect(w.get('[data-testid=study-row][data-status=error]').text()).toContain('ENOMEM');
    // the chart drew: 2 operations × 4 strategies, each bar a filled rectangle in its strategy's colour
    const canvas = w.get('[data-testid=study-chart]');
    expect(canvas.attributes('data-bars')).toBe('8');
    const fills = log.filter((c) => c[0] === 'fillRect').length;
    expect(fills).toBe(1 + 8 + 8); // background, bars, and each bar's value label backdrop
    const labels = log.filter((c) => c[0] === 'fillText').map((c) => c[1]);
    expect(labels).toEqual(expect.arrayContaining(['3.5×', '0.6×', '1.8×', 'map', 'unmap']));
    expect(w.get('[data-testid=study-legend]').text()).toContain('vfio-type1');

    await w.get('[data-testid=study-filter-strategy-naive]').trigger('click');
    expect(w.findAll('[data-testid=study-row]').length).toBe(36);
    expect(w.get('[data-testid=study-filter-strategy-naive]').attributes('aria-pressed')).toBe('false');
    await w.get('[data-testid=study-filter-operation-unmap]').trigger('dblclick'); // only unmap
    expect(w.findAll('[data-testid=study-row]').length).toBe(18);
    log.length = 0;
    await frame();
    expect(canvas.attributes('data-bars')).toBe('3');

    await w.get('[data-testid=study-filter-reset]').trigger('click');
    await w.get('[data-testid=study-sort-wall]').trigger('click');
    await w.get('[data-testid=study-sort-wall]').trigger('click');
    const th = w.findAll('th').find((t) => t.text().startsWith('Wall'))!;
    expect(th.attributes('aria-sort')).toBe('descending');
    const firstWall = w.get('[data-testid=study-row] td.wall').text();
    const max = Math.max(...studyFixture().cells.map((c) => c.wallMs));
    expect(firstWall).toBe(runTime(max));

    await w.get('[data-testid=study-metric]').setValue('map-calls');
    expect(study.metric).toBe('map-calls');
    await frame();
    expect(w.text()).toContain('log scale');
    w.unmount();
  });

  it('a bad file: a dismissible banner; the open study stays; Close hides the view, the header button shows it again', async () => {
    const w = mountLayer();
    const study = useStudyStore();
    study.loadText('good.json', JSON.stringify(studyFixture()));
    study.loadText('bad.json', '{"format":"pfnlab-study","version":1,"cells":3}');
    await flushPromises();
    const banner = w.get('[data-testid=study-error]');
    expect(banner.text()).toContain('bad.json: createdAt: expected a string');
    expect(w.get('[data-testid=study-name]').text()).toBe('good.json');
    await w.get('[data-testid=study-error-dismiss]').trigger('click');
    expect(w.find('[data-testid=study-error]').exists()).toBe(false);
    expect(document.activeElement).toBe(w.get('[data-testid=study-view]').element);
    await w.get('[data-testid=study-view]').trigger('keydown', { key: 'Escape' });
    expect(w.find('[data-testid=study-view]').exists()).toBe(false);
    study.show();
    await flushPromises();
    await w.get('[data-testid=study-close]').trigger('click');
    expect(w.find('[data-testid=study-view]').exists()).toBe(false);
    const b = mount(StudyButton, { global: { plugins: [] } });
    await b.get('[data-testid=study-button]').trigger('click');
    await flushPromises();
    expect(study.visible).toBe(true);
    b.unmount();
    w.unmount();
  });

  it('a long table puts only the rows in view in the DOM, and follows the scroll', async () => {
    const w = mountLayer();
    const f = studyFixture();
    const cells = Array.from({ length: 25 }, () => f.cells).flat(); // 1 200 cells
    useStudyStore().loadText('big.json', JSON.stringify({ ...f, cells }));
    await flushPromises();
    expect(w.get('[data-testid=study-table]').attributes('data-rows')).toBe('1200');
    const rows = () => w.findAll('[data-testid=study-row]').length;
    expect(rows()).toBeGreaterThan(10);
    expect(rows()).toBeLessThan(100);
    const wrap = w.get('.wrap').element as HTMLElement;
    wrap.scrollTop = 20 * 600;
    wrap.dispatchEvent(new Event('scroll'));
    await frame();
    await flushPromises();
    // row 600 minus the overscan (15) is the first in the DOM, under a spacer of 585 rows of 20 px
    const tr = w.findAll('tbody tr')[0]!;
    expect(tr.classes()).toContain('spacer');
    expect(tr.attributes('style')).toContain('height: 11700px');
    const rowOf = (i: number) => useStudyStore().rows[i]!;
    expect(w.findAll('[data-testid=study-row]')[0]!.text()).toContain(rowOf(585).cell.strategy);
    expect(rows()).toBeLessThan(100);
    w.unmount();
  });
});
