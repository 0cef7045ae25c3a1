import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunFile } from '../../engine/scenario/run-file';
import { setLabApi } from '../lab';
import { useRunsStore } from '../stores/runs';
import { useScenarioStore } from '../stores/scenario';
import { fakeLab } from '../tests/fakes';
import type { MemoryAppHost } from '../tests/memory-app-host';
import RunFileMenu from './RunFileMenu.vue';
import { testRunResult } from './test-run';

function setup() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const lab = fakeLab({ run: () => ({ ok: true, value: testRunResult() }) });
  setLabApi(lab);
  const w = mount(RunFileMenu, { global: { plugins: [pinia] }, attachTo: document.body });
  return { w, host: lab.app as MemoryAppHost, runs: useRunsStore() };
}

describe('RunFileMenu', () => {
  afterEach(() => setLabApi(undefined));

  it('Export is disabled before a run; its menu exports the run file after one', async () => {
    const { w, host, runs } = setup();
    expect(w.get('[data-testid=export-menu]').attributes('disabled')).toBeDefined();
    await runs.run('lab.open();\n', 'a.ts');
    await flushPromises();
    await w.get('[data-testid=export-menu]').trigger('click');
    expect(w.findAll('[role=menuitem]').map((b) => b.text())).toEqual([
      'Run file (.pfnrun.json)',
      'Counters as CSV',
      'Timeline as Perfetto trace',
      'Dashboard as PNG',
    ]);
    await w.get('[data-testid=export-run]').trigger('click');
    await flushPromises();
    expect(parseRunFile(host.files.get('a.pfnrun.json') as string).timeline.events).toHaveLength(12);
    expect(w.find('[data-testid=export-items]').exists()).toBe(false);
    w.unmount();
  });

  it('a saved run shows its badge; a bad file shows a dismissible error', async () => {
    const { w, host, runs } = setup();
    await runs.run('lab.open();\n', 'a.ts');
    await runs.exportRun();
    host.files.set('bad.pfnrun.json', '{"format":"pfnlab-run","version":9}');
    host.nextOpen = 'bad.pfnrun.json';
    await w.get('[data-testid=open-run]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid=runfile-error]').text()).toContain(
      'bad.pfnrun.json: made by a newer PFN Lab (format 9; this one reads 2)',
    );
    expect(w.find('[data-testid=saved-run-badge]').exists()).toBe(false);
    await w.get('[data-testid=runfile-error-dismiss]').trigger('click');
    expect(w.find('[data-testid=runfile-error]').exists()).toBe(false);
    host.nextOpen = 'a.pfnrun.json';
    await w.get('[data-testid=open-run]').trigger('click');
    await flushPromises();
    const badge = w.get('[data-testid=saved-run-badge]');
    expect(badge.text()).toMatch(
      /^saved run a\.pfnrun\.json · ran \d{4}-\d\d-\d\d \d\d:\d\d · engine 0\.1\.0$/,
    );
    expect(badge.classes()).not.toContain('warn');
    // a run under another strategy says which (pfnlab run --strategy)
    const text = host.files.get('a.pfnrun.json') as string;
    host.files.set('n.pfnrun.json', text.replace(/"check":(true|false)\}/, '"check":$1,"strategy":"naive"}'));
    host.nextOpen = 'n.pfnrun.json';
    await w.get('[data-testid=open-run]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid=saved-run-badge]').text()).toMatch(
      /^saved run n\.pfnrun\.json · strategy naive · ran \d{4}-\d\d-\d\d \d\d:\d\d · engine 0\.1\.0$/,
    );
    expect(w.get('[data-testid=saved-run-badge]').attributes('title')).toContain("strategy 'naive'");
    host.nextOpen = 'a.pfnrun.json';
    await w.get('[data-testid=open-run]').trigger('click');
    await flushPromises();
    // the editor shows another text than the run's source: one click opens it
    const scenario = useScenarioStore();
    expect(scenario.source).not.toBe('lab.open();\n');
    await w.get('[data-testid=open-run-source]').trigger('click');
    expect(scenario.source).toBe('lab.open();\n');
    await flushPromises();
    expect(w.find('[data-testid=open-run-source]').exists()).toBe(false);
    w.unmount();
  });
});
