import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.vue';
import { editors, queuedMarkers, resetFakeEditors } from './editor/fake-editor';
import { setLabApi } from './lab';
import { FAKE_VERSION, fakeLab, runResult } from './tests/fakes';
import { events } from './timeline/test-events';

// Monaco does not run in happy-dom: the editor is a recording fake.
vi.mock('./monaco/setup', async () => (await import('./editor/fake-editor')).fakeSetupModule());

function mountApp() {
  const pinia = createPinia();
  setActivePinia(pinia);
  return mount(App, { global: { plugins: [pinia] }, attachTo: document.body });
}

async function openOutput(w: ReturnType<typeof mountApp>): Promise<void> {
  await w.get('[data-testid=tab-output]').trigger('click');
}

describe('app shell', () => {
  beforeEach(() => {
    resetFakeEditors();
    localStorage.clear();
  });
  afterEach(() => setLabApi(undefined));

  it('shows the app name and the engine version from the round trip', async () => {
    const lab = fakeLab();
    setLabApi(lab);
    const w = mountApp();
    await flushPromises();
    expect(w.find('h1').text()).toBe('PFN Lab');
    expect(w.get('[data-testid=engine-version]').text()).toBe(`engine ${FAKE_VERSION.engine}`);
    expect(w.get('[data-testid=status-engine]').text()).toBe('engine ready 9.8.7 · web');
    await openOutput(w);
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
    expect(w.get('[data-testid=status-engine]').text()).toContain('desktop');
    await openOutput(w);
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
    expect(w.get('[data-testid=status-engine]').text()).toContain('engine error');
    await openOutput(w);
    expect(w.get('[data-testid=engine-error]').text()).toBe('ECRASHED: engine exited with code 1');
    expect(w.find('[data-testid=version-roundtrip]').exists()).toBe(false);
    w.unmount();
  });

  it('repeats the round trip on Ping engine', async () => {
    const lab = fakeLab();
    setLabApi(lab);
    const w = mountApp();
    await flushPromises();
    await w.get('[data-testid=engine-version]').trigger('click');
    await flushPromises();
    expect(lab.calls.map((c) => c.method)).toEqual(['version', 'version']);
    w.unmount();
  });

  it('runs the scenario and shows the result, its log, its counters, its events and where it is', async () => {
    const evs = events(10, (s) => ({ op: s === 1 ? 'lab.open' : 'ioas.map', line: 3 + (s % 2) }));
    const lab = fakeLab({
      run: (emit) => {
        emit({
          type: 'event',
          id: 2,
          event: 'runLog',
          data: { seq: 4, level: 'log', text: 'mapped at 16777216n' },
        });
        const r = runResult();
        r.timeline.events.push(...evs);
        r.timeline.logs.push({ seq: 4, level: 'log', text: 'mapped at 16777216n' });
        return { ok: true, value: r };
      },
    });
    setLabApi(lab);
    const w = mountApp();
    await flushPromises();
    expect(w.get('[data-testid=status-run]').text()).toBe('no run yet');
    await w.get('[data-testid=run]').trigger('click');
    await flushPromises();
    const run = lab.calls.find((c) => c.method === 'run');
    expect(run).toMatchObject({ method: 'run', params: { fileName: 'untitled.ts', check: true } });
    expect((run?.params as { source: string }).source).toContain('lab.open()');
    expect(w.get('[data-testid=status-run]').text()).toBe('done · 10 events · 12 ms');
    // The run ends on its last step, shown in the timeline, the scrubber, the status bar and the editor.
    expect(w.get('[data-testid=step-label]').text()).toBe('step 10 / 10');
    expect(w.get('[data-testid=status-step]').text()).toBe('step 10 / 10 · ioas.map · line 3');
    expect(editors[0]?.highlighted).toBe(3);
    expect(editors[0]?.counts.get(4)).toBe(5);
    await openOutput(w);
    expect(w.get('[data-testid=run-result]').text()).toBe('✓ ok · 10 ops · 12 ms');
    expect(w.get('[data-testid=run-log]').text()).toBe('mapped at 16777216n');
    const counters = w.get('[data-testid=run-output] table').text();
    expect(counters).toContain('pagesPinned');
    expect(counters).not.toContain('iommuMapCalls');
    w.unmount();
  });

  it('shows where a failing scenario failed: output, problems list and editor marker', async () => {
    const error = { errno: 'EADDRINUSE', message: 'reserved range intersects', line: 13, column: 21 };
    setLabApi(fakeLab({ run: () => ({ ok: true, value: runResult({ ok: false, ops: 6, error }) }) }));
    const w = mountApp();
    await flushPromises();
    await w.get('[data-testid=run]').trigger('click');
    await flushPromises();
    const p = w.get('[data-testid=problem]');
    expect(p.attributes('data-line')).toBe('13');
    expect(p.text()).toContain('EADDRINUSE');
    expect(p.text()).toContain('reserved range intersects');
    expect(w.get('[data-testid=problems]').text()).toBe('1 error · 0 warnings');
    expect(editors[0]?.runMarkers).toEqual([
      { severity: 'error', line: 13, column: 21, message: 'EADDRINUSE: reserved range intersects' },
    ]);
    await openOutput(w);
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
    expect(w.get('[data-testid=status-run]').text()).toContain('engine ETIMEDOUT');
    await openOutput(w);
    expect(w.get('[data-testid=run-result]').text()).toContain('engine: ETIMEDOUT: over budget');
    w.unmount();
  });

  it('lists type errors without blocking Run', async () => {
    queuedMarkers.push([
      { severity: 'error', line: 3, column: 5, message: "Property 'nope' does not exist on type 'Lab'." },
    ]);
    const lab = fakeLab({ run: () => ({ ok: true, value: runResult() }) });
    setLabApi(lab);
    const w = mountApp();
    await flushPromises();
    expect(w.get('[data-testid=problems]').text()).toBe('1 error · 0 warnings');
    expect(w.get('[data-testid=problem]').text()).toContain('line 3');
    expect(w.get('[data-testid=problem]').text()).toContain("Property 'nope' does not exist");
    const run = w.get('[data-testid=run]');
    expect(run.attributes('disabled')).toBeUndefined();
    await run.trigger('click');
    await flushPromises();
    expect(lab.calls.some((c) => c.method === 'run')).toBe(true);
    w.unmount();
  });

  it('opens with the default scenario and no problems', async () => {
    setLabApi(fakeLab());
    const w = mountApp();
    await flushPromises();
    expect(w.get('[data-testid=problems]').text()).toBe('0 errors · 0 warnings');
    expect(w.find('[data-testid=problem]').exists()).toBe(false);
    w.unmount();
  });

  it('puts an opened example into the editor', async () => {
    setLabApi(fakeLab());
    const w = mountApp();
    await flushPromises();
    const sel = w.get('[data-testid=examples]');
    const name = (sel.element as HTMLSelectElement).options[3]?.value ?? '';
    await sel.setValue(name);
    await flushPromises();
    expect(editors[0]?.text).toContain('/// <reference path="../engine/scenario/api/lab.d.ts" />');
    expect(w.text()).toContain(name);
    w.unmount();
  });
});
