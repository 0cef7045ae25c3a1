import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { COUNTER_NAMES } from '../../engine/base/counters';
import { event, seedRun } from '../ioas/test-fixtures';
import { useSelectionStore } from '../stores/selection';
import CountersPanel from './CountersPanel.vue';

describe('counters view', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('says what to do before any run', () => {
    expect(mount(CountersPanel).get('[data-testid=counters-empty]').text()).toContain('Run a scenario');
  });

  it('shows every counter cumulative at the step with the event delta', async () => {
    seedRun(
      [
        event(1, { deltas: { pagesPinned: 1024, pinCalls: 1, tempMemoryPeakBytes: 4096 } }),
        event(2, { op: 'ioas.unmap', deltas: { pagesUnpinned: 512, rwBytes: 2048 } }),
      ],
      [],
      2,
    );
    const w = mount(CountersPanel);
    const rows = w.findAll('[data-testid=counter-row]');
    expect(rows.map((r) => r.attributes('data-name'))).toEqual([...COUNTER_NAMES]);
    const row = (n: string) => w.get(`[data-testid=counter-row][data-name=${n}]`);
    expect(row('pagesPinned').get('[data-testid=counter-value]').text()).toBe('1\u2009024');
    expect(row('pagesPinned').get('[data-testid=counter-delta]').text()).toBe('');
    expect(row('pagesPinned').classes()).not.toContain('changed');
    expect(row('pagesUnpinned').get('[data-testid=counter-delta]').text()).toBe('+512');
    expect(row('pagesUnpinned').classes()).toContain('changed');
    expect(row('rwBytes').get('[data-testid=counter-value]').text()).toBe('2 KiB');
    expect(row('tempMemoryPeakBytes').get('[data-testid=counter-value]').text()).toBe('4 KiB');
    expect(row('iommuMapCalls').classes()).toContain('zero');
    expect(w.get('[data-testid=counters-step]').text()).toContain('#2 ioas.unmap');
    expect(row('pagesPinned').text()).toContain('long-term pinned');

    useSelectionStore().select(1);
    await flushPromises();
    expect(row('pagesUnpinned').get('[data-testid=counter-value]').text()).toBe('0');
    expect(row('pagesPinned').get('[data-testid=counter-delta]').text()).toBe('+1\u2009024');
    expect(row('tempMemoryPeakBytes').get('[data-testid=counter-delta]').text()).toBe('peak 4 KiB');

    await w.get('[data-testid=counters-hide-zero]').setValue(true);
    expect(w.findAll('[data-testid=counter-row]').map((r) => r.attributes('data-name'))).toEqual([
      'pinCalls',
      'pagesPinned',
      'tempMemoryPeakBytes',
    ]);
  });
});
