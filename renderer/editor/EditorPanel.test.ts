import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLabApi } from '../lab';
import { useEngineStore } from '../stores/engine';
import { useRunsStore } from '../stores/runs';
import { useScenarioStore } from '../stores/scenario';
import { useSelectionStore } from '../stores/selection';
import { fakeLab, runResult } from '../tests/fakes';
import { events, loadRun } from '../timeline/test-events';
import EditorPanel from './EditorPanel.vue';
import { editors, queuedMarkers, resetFakeEditors, type FakeEditor } from './fake-editor';

vi.mock('../monaco/setup', async () => (await import('./fake-editor')).fakeSetupModule());

async function mountPanel() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const w = mount(EditorPanel, { global: { plugins: [pinia] }, attachTo: document.body });
  // The editor starts once the documents store has restored the last session.
  for (let i = 0; i < 400 && editors.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await flushPromises();
  return { w, ed: editors[editors.length - 1] as FakeEditor };
}

const expectError = {
  errno: 'Error',
  message: 'pins: expected 3, got 2',
  line: 40,
  column: 1,
  frames: [
    { fn: 'expect', line: 12, column: 11 },
    { fn: '', line: 40, column: 1 },
  ],
};

describe('EditorPanel', () => {
  beforeEach(() => resetFakeEditors());
  afterEach(() => setLabApi(undefined));

  it('takes the text of an opened scenario', async () => {
    const { w, ed } = await mountPanel();
    const scenario = useScenarioStore();
    scenario.openExample('03-four-domains.ts');
    await flushPromises();
    expect(ed.text).toBe(scenario.source);
    expect(ed.text.startsWith('/// <reference path="../engine/scenario/api/lab.d.ts" />')).toBe(true);
    expect(w.text()).toContain('03-four-domains.ts');
    w.unmount();
  });

  it('highlights the selected event’s line and shows the events per line', async () => {
    const { w, ed } = await mountPanel();
    const { sel } = loadRun(events(6, (s) => ({ line: s <= 4 ? 20 : 21 })));
    await flushPromises();
    expect(ed.highlighted).toBe(21);
    sel.select(2);
    await flushPromises();
    expect(ed.highlighted).toBe(20);
    expect([...ed.counts]).toEqual([
      [20, 4],
      [21, 2],
    ]);
    sel.select(0);
    await flushPromises();
    expect(ed.highlighted).toBe(0);
    w.unmount();
  });

  it('selects the events of the line the user puts the cursor on', async () => {
    const { w, ed } = await mountPanel();
    const { sel } = loadRun(events(6, (s) => ({ line: s % 2 ? 30 : 31 })));
    sel.select(1);
    ed.moveCursor(31);
    expect(sel.cursorLine).toBe(31);
    expect(sel.lineEvents).toEqual([2, 4, 6]);
    expect(sel.step).toBe(2);
    ed.moveCursor(5); // no events: the selection stays
    expect(sel.step).toBe(2);
    w.unmount();
  });

  it('lists every problem and reveals and selects on click, stack frames included', async () => {
    queuedMarkers.push(
      Array.from({ length: 7 }, (_, i) => ({
        severity: 'error' as const,
        line: 50 + i,
        column: 1,
        message: `type ${i}`,
      })),
    );
    const { w, ed } = await mountPanel();
    const { sel } = loadRun(
      events(9, (s) => ({ line: s < 9 ? 5 : 40, ...(s === 3 ? { warnings: ['pfn mismatch'] } : {}) })),
      { status: 'failed', error: expectError },
    );
    await flushPromises();
    const items = w.findAll('[data-testid=problem]');
    expect(items.map((i) => i.attributes('data-line'))).toEqual([
      '40',
      '50',
      '51',
      '52',
      '53',
      '54',
      '55',
      '56',
      '5',
    ]);
    expect(w.get('[data-testid=problems]').text()).toBe('8 errors · 1 warning');
    const frames = w.findAll('[data-testid=problem-frame]');
    expect(frames.map((f) => f.text())).toEqual(['thrown at line 12 in expect()', 'called from line 40']);
    sel.select(1);
    await frames[0]!.trigger('click');
    expect(ed.revealed.at(-1)).toEqual({ line: 12, column: 11 });
    expect(sel.step).toBe(9); // the event of the error's line
    await items[8]!.get('button').trigger('click');
    expect(ed.revealed.at(-1)).toEqual({ line: 5, column: 3 });
    expect(sel.step).toBe(3);
    await items[1]!.get('button').trigger('click');
    expect(ed.revealed.at(-1)).toEqual({ line: 50, column: 1 });
    expect(sel.step).toBe(3); // type problems have no event
    expect(ed.runMarkers.map((m) => [m.severity, m.line])).toEqual([
      ['error', 40],
      ['info', 12],
      ['warning', 5],
    ]);
    w.unmount();
  });

  // The bug: setting the run's markers re-announced the type markers, which rebuilt the problems,
  // which set the run's markers again… and the page hung after a failing run.
  it('sets the run markers once per change, though Monaco re-announces markers when they are set', async () => {
    queuedMarkers.push([{ severity: 'error', line: 2, column: 1, message: 'type' }]);
    const { w, ed } = await mountPanel();
    const before = ed.runMarkerSets;
    loadRun(
      events(3, () => ({ line: 40 })),
      { status: 'failed', error: expectError },
    );
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 1));
    expect(ed.runMarkers).toHaveLength(2);
    expect(ed.runMarkerSets - before).toBe(1);
    w.unmount();
  });

  it('drops the run’s problems and decorations once another scenario is opened', async () => {
    const { w, ed } = await mountPanel();
    loadRun(
      events(3, () => ({ line: 40 })),
      { status: 'failed', error: expectError },
    );
    await flushPromises();
    expect(w.findAll('[data-testid=problem]')).toHaveLength(1);
    useScenarioStore().openExample('01-fill-one-domain.ts');
    await flushPromises();
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    expect(w.findAll('[data-testid=problem]')).toHaveLength(0);
    expect(ed.runMarkers).toEqual([]);
    expect(ed.highlighted).toBe(0);
    expect(ed.counts.size).toBe(0);
    w.unmount();
  });

  it('runs on Ctrl/Cmd+Enter when the engine is ready and idle', async () => {
    const lab = fakeLab({ run: () => ({ ok: true, value: runResult() }) });
    setLabApi(lab);
    const { w, ed } = await mountPanel();
    ed.pressRun();
    await flushPromises();
    expect(lab.calls.filter((c) => c.method === 'run')).toHaveLength(0); // not connected yet
    await useEngineStore().connect();
    ed.pressRun();
    await flushPromises();
    expect(lab.calls.filter((c) => c.method === 'run')).toHaveLength(1);
    expect(useRunsStore().status).toBe('done');
    useRunsStore().status = 'running';
    ed.pressRun();
    await flushPromises();
    expect(lab.calls.filter((c) => c.method === 'run')).toHaveLength(1);
    w.unmount();
  });

  it('disposes the editor with the panel', async () => {
    const { w, ed } = await mountPanel();
    w.unmount();
    expect(ed.disposed).toBe(true);
    // Its watchers are gone with it.
    useSelectionStore().select(0);
    await flushPromises();
  });
});
