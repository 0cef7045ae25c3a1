import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { parsePrefs, resetChartPrefs, useChartPrefs } from './prefs';
import { DEFAULT_SHOWN } from './series-defs';

describe('chart prefs', () => {
  it('defaults, keeps known series and a valid axis, ignores the rest', () => {
    expect(parsePrefs(null)).toEqual({ shown: [...DEFAULT_SHOWN], axis: 'seq' });
    expect(parsePrefs('not json')).toEqual({ shown: [...DEFAULT_SHOWN], axis: 'seq' });
    expect(parsePrefs('{"axis":"time","shown":["pteWrites","bogus",3]}')).toEqual({
      shown: ['pteWrites'],
      axis: 'time',
    });
    expect(parsePrefs('{"axis":"x"}').axis).toBe('seq');
  });
});

describe('useChartPrefs', () => {
  it('keeps saving after the component that first asked is unmounted', async () => {
    localStorage.clear();
    resetChartPrefs();
    const C = defineComponent({
      setup() {
        useChartPrefs();
        return () => h('i');
      },
    });
    const w = mount(C);
    w.unmount();
    useChartPrefs().axis = 'time';
    await nextTick();
    expect(JSON.parse(localStorage.getItem('pfnlab.charts.v1') ?? '{}').axis).toBe('time');
  });
});
