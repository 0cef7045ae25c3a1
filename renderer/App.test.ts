import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.vue';
import { setLabApi } from './lab';
import { FAKE_VERSION, fakeLab, runResult } from './tests/fakes';

const markers: { severity: 'error' | 'warning'; line: number; message: string }[][] = [];

// Monaco does not run in happy-dom: the editor factory is replaced by one that
// reports whatever markers the test queues.
vi.mock('./monaco/setup', () => ({
  createScenarioEditor: (_el: HTMLElement, text: string) => ({
    getValue: () => text,
    setValue: () => {},
    onMarkers: (fn: (m: (typeof markers)[number]) => void) => {
      for (const m of markers) fn(m);
    },
    dispose: () => {},
  }),
}));

function mountApp() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
}

describe('app shell', () => {
  beforeEach(() => {
    markers.length = 0;
  });
  afterEach(() => setLabApi(undefined));

  it('shows the app name and the engine version from the round trip', async () => {
    const lab = fakeLab();
    setLabApi(lab);
    const w = mountApp();
    await flushPromises();
    expect(w.find('h1').text()).toBe('PFN Lab');
    expect(w.get('[data-testid=engine-version]').text()).toBe(`engine ${FAKE_VERSION.engine}`);
    const line = w.get('[data-testid=version-roundtrip]').text();
    expect(line).toContain('engine 9.8.7');
    expect(line).toContain('scenario API v1');
    expect(line).toContain('SES hardened');
    expect(w.get('[data-testid=output]').text()).toContain('via Web Worker');
    expect(lab.calls.map((c) => c.method)).toEqual(['version']);
    w.unmount();
  });

  it('names the desktop host when served by Electron', async () => {
    setLabApi(fakeLab({}, 'electron'));
    const w = mountApp();
    await flushPromises();
    expect(w.text()).toContain('desktop');
    expect(w.get('[data-testid=output]').text()).toContain('Electron IPC');
    w.unmount();
  });

  it('shows the engine error instead of a version when the engine fails', async () => {
    setLabApi(
      fakeLab({
        version: () => ({ ok: false, error: { errno: 'ECRASHED', message: 'engine exited with code 1' } }),
      }),
    );
    const w = mountApp();
    await flushPromises();
    expect(w.get('[data-testid=engine-version]').text()).toBe('engine unavailable');
    expect(w.get('[data-testid=engine-error]').text()).toBe('ECRASHED: engine exited with code 1');
    expect(w.find('[data-testid=version-roundtrip]').exists()).toBe(false);
    w.unmount();
  });

  it('repeats the round trip on Ping engine', async () => {
    const lab = fakeLab();
    setLabApi(lab);
    const w = mountApp();
    await flushPromises();
    await w.get('[data-testid=ping]').trigger('click');
    await flushPromises();
    expect(lab.calls.map((c) => c.method)).toEqual(['version', 'version']);
    w.unmount();
  });

  it('runs the scenario and shows the result, its log and its counters', async () => {
    const lab = fakeLab({
      run: (emit) => {
        emit({
          type: 'event',
          id: 2,
          event: 'runLog',
          data: { seq: 4, level: 'log', text: 'mapped at 16777216n' },
        });
        return { ok: true, value: runResult() };
      },
    });
    setLabApi(lab);
    const w = mountApp();
    await flushPromises();
    expect(w.find('[data-testid=run-output]').exists()).toBe(false);
    await w.get('[data-testid=run]').trigger('click');
    await flushPromises();
    expect(lab.calls[1]).toMatchObject({ method: 'run', params: { fileName: 'untitled.ts', check: true } });
    expect((lab.calls[1]?.params as { source: string }).source).toContain('lab.open()');
    expect(w.get('[data-testid=run-result]').text()).toBe('✓ ok · 10 ops · 12 ms');
    expect(w.get('[data-testid=run-log]').text()).toBe('mapped at 16777216n');
    const counters = w.get('[data-testid=run-output] table').text();
    expect(counters).toContain('pagesPinned');
    expect(counters).not.toContain('iommuMapCalls');
    w.unmount();
  });

  it('shows where a failing scenario failed', async () => {
    const error = { errno: 'EADDRINUSE', message: 'reserved range intersects', line: 13, column: 21 };
    setLabApi(fakeLab({ run: () => ({ ok: true, value: runResult({ ok: false, ops: 6, error }) }) }));
    const w = mountApp();
    await flushPromises();
    await w.get('[data-testid=run]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid=run-result]').text()).toBe(
      '✗ EADDRINUSE at line 13:21: reserved range intersects (6 ops)',
    );
    w.unmount();
  });

  it('shows an engine failure of a run', async () => {
    setLabApi(fakeLab({ run: () => ({ ok: false, error: { errno: 'ETIMEDOUT', message: 'over budget' } }) }));
    const w = mountApp();
    await flushPromises();
    await w.get('[data-testid=run]').trigger('click');
    await flushPromises();
    expect(w.get('[data-testid=run-result]').text()).toBe('engine: ETIMEDOUT: over budget');
    w.unmount();
  });

  it('lists editor problems and keeps Run disabled', async () => {
    markers.push([{ severity: 'error', line: 3, message: "Property 'nope' does not exist on type 'Lab'." }]);
    setLabApi(fakeLab());
    const w = mountApp();
    await flushPromises();
    await flushPromises();
    expect(w.get('[data-testid=problems]').text()).toContain('1 errors');
    expect(w.get('[data-testid=problem]').text()).toContain("line 3 Property 'nope' does not exist");
    expect(w.text()).toContain('Fix 1 type error first.');
    expect(w.get('[data-testid=run]').attributes('disabled')).toBeDefined();
    w.unmount();
  });

  it('opens with the default scenario and no problems', async () => {
    setLabApi(fakeLab());
    const w = mountApp();
    await flushPromises();
    expect(w.get('[data-testid=problems]').text()).toContain('0 errors');
    expect(w.find('[data-testid=problem]').exists()).toBe(false);
    w.unmount();
  });
});
