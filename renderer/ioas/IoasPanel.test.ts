import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLabApi } from '../lab';
import { usePhysHighlightStore } from '../physical/highlight';
import { useSelectionStore } from '../stores/selection';
import { useSettingsStore } from '../stores/settings';
import IoasPanel from './IoasPanel.vue';
import { digest, event, inspectLab, seedRun } from './test-fixtures';

describe('IOAS view', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    inspectLab(() => []);
  });
  afterEach(() => setLabApi(undefined));

  it('says what to do before any run', () => {
    const w = mount(IoasPanel);
    expect(w.get('[data-testid=ioas-empty]').text()).toContain('Run a scenario');
  });

  it('shows the IOASes of the selected step, and nothing before the first', async () => {
    seedRun([event(1, { digest: 0 }), event(2, { digest: 1 })], [digest(), digest({ withSecondArea: true })], 1);
    const w = mount(IoasPanel);
    expect(w.findAll('[data-testid=ioas-card]')).toHaveLength(2);
    expect(w.findAll('[data-testid=ioas-area]')).toHaveLength(1);
    const row = w.get('[data-testid=ioas-area]');
    expect(row.attributes('data-iova')).toBe('0x1000000');
    const text = row.text();
    for (const s of ['0x1000000–0x13fffff', '4 MiB', '#1 uptr 0x7f0000000000', '[0..1\u2009023]', 'rw', 'domain 1'])
      expect(text).toContain(s);
    useSelectionStore().select(2);
    await flushPromises();
    expect(w.findAll('[data-testid=ioas-area]').map((r) => r.attributes('data-iova'))).toEqual(['0x1000000', '0x2000000']);
    useSelectionStore().select(0);
    await flushPromises();
    expect(w.get('[data-testid=ioas-empty]').text()).toContain('No IOAS exists yet');
  });

  it('at the end of a run that closed everything, points to earlier events', () => {
    seedRun([event(1, { digest: 0 }), event(2, { digest: 1 })], [digest(), { ...digest(), contexts: [] }], 2);
    const w = mount(IoasPanel);
    expect(w.get('[data-testid=ioas-empty]').text()).toContain('Select an earlier event');
  });

  it('lists reserved (with owner), allowed, domains, accesses and settings', () => {
    seedRun([event(1, { digest: 0 })], [digest()]);
    const w = mount(IoasPanel);
    const card = w.findAll('[data-testid=ioas-card]')[0];
    const text = card?.text() ?? '';
    expect(text).toContain('alignment 4 KiB');
    expect(text).toContain('huge pages on');
    expect(card?.findAll('[data-testid=ioas-reserved]').map((r) => r.text())).toEqual([
      '0x0–0xffffff domain 1',
      '0x80000000–0xffff_ffff_ffff_ffff domain 1',
    ]);
    expect(card?.get('[data-testid=ioas-allowed]').text()).toBe('0x1000000–0x3ffffff');
    expect(card?.get('[data-testid=ioas-domain]').text()).toContain('domain 1');
    expect(card?.get('[data-testid=ioas-access]').text()).toContain('item 1: 0x1000000–0x1001fff (8 KiB)');
    expect(w.findAll('[data-testid=ioas-card]')[1]?.text()).toContain('huge pages off');
  });

  it('draws the IOVA bar zoomed to the aperture, and zooms out to the whole space', async () => {
    seedRun([event(1, { digest: 0 })], [digest()]);
    const w = mount(IoasPanel);
    const bar = w.get('[data-testid=ioas-bar]');
    expect(bar.findAll('rect[data-kind=reserved]')).toHaveLength(2);
    expect(bar.findAll('rect[data-kind=fill]')).toHaveLength(1);
    expect(bar.findAll('rect[data-kind=allowed]')).toHaveLength(1);
    expect(bar.findAll('rect[data-kind=item]')).toHaveLength(1);
    // a 4 MiB area in the 2 GiB aperture is a sliver: labelled beside it
    expect(bar.get('text.fill-label').text()).toBe('#1 4 MiB');
    const span = w.get('[data-testid=ioas-bar-span]');
    expect(span.text()).toBe('0x0 – 0x87ffffff');
    await w.get('[data-testid=ioas-bar-whole]').trigger('click');
    expect(span.text()).toBe('0x0 – 0xffff_ffff_ffff_ffff');
    await w.get('[data-testid=ioas-bar-fit-0]').trigger('click');
    expect(span.text()).not.toContain('ffff_ffff');
  });

  it('clicking an area highlights its frames; "frames" opens the physical tab', async () => {
    seedRun([event(1, { digest: 0 })], [digest()]);
    const w = mount(IoasPanel);
    await w.get('[data-testid=ioas-area]').trigger('click');
    const hl = usePhysHighlightStore();
    expect(hl.key).toBe(`100:${0x7f0000000000}:1024`);
    expect([hl.start, hl.end]).toEqual([0, 1024]);
    expect(w.get('[data-testid=ioas-area]').classes()).toContain('picked');
    const settings = useSettingsStore();
    settings.viewTab = 'ioas';
    await w.get('[data-testid=ioas-area-frames]').trigger('click');
    expect(settings.viewTab).toBe('physical');
  });
});
