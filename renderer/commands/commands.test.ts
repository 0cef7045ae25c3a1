import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandId } from '../../electron/shared/commands';
import { useHelpStore } from '../help/store';
import { setLabApi } from '../lab';
import { useComparisonStore } from '../stores/comparison';
import { useDocumentsStore } from '../stores/documents';
import { useEngineStore } from '../stores/engine';
import { useSelectionStore } from '../stores/selection';
import { useSettingsStore } from '../stores/settings';
import { fakeLab, runResult, type FakeLab } from '../tests/fakes';
import type { MemoryAppHost } from '../tests/memory-app-host';
import { events, loadRun } from '../timeline/test-events';
import { createDispatcher, DEDUPE_MS } from './dispatch';
import { createHandlers } from './handlers';
import { installCommands } from './install';

describe('command handlers', () => {
  let lab: FakeLab;
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
    lab = fakeLab({ run: () => ({ ok: true, value: runResult() }) });
    setLabApi(lab);
  });
  afterEach(() => setLabApi(undefined));

  it('has a handler for every command of COMMANDS and nothing else', () => {
    const h = createHandlers();
    expect(Object.keys(h).sort()).toEqual(COMMANDS.map((c) => c.id).sort());
  });

  it('steps back and forward through the run, and not past its ends', () => {
    loadRun(events(3));
    const sel = useSelectionStore();
    const d = createDispatcher(createHandlers());
    sel.select(3);
    expect(d.enabled('run.stepForward')).toBe(false);
    expect(d.run('run.stepBack', 'key')).toBe(true);
    expect(sel.step).toBe(2);
    d.run('run.stepForward', 'key');
    expect(sel.step).toBe(3);
    sel.select(0);
    expect(d.enabled('run.stepBack')).toBe(false);
  });

  it('runs the scenario when the engine is ready, not twice', async () => {
    const engine = useEngineStore();
    const d = createDispatcher(createHandlers());
    expect(d.enabled('run.run')).toBe(false);
    await engine.connect();
    expect(d.run('run.run', 'key')).toBe(true);
    await flushPromises();
    expect(lab.calls.filter((c) => c.method === 'run')).toHaveLength(1);
  });

  it('switches panels, themes and help views', () => {
    const settings = useSettingsStore();
    const help = useHelpStore();
    const d = createDispatcher(createHandlers());
    d.run('view.panel.domains', 'key');
    expect(settings.viewTab).toBe('domains');
    d.run('view.theme.light', 'host');
    expect(settings.theme).toBe('light');
    expect(JSON.parse(localStorage.getItem('pfnlab.settings.v1')!)).toMatchObject({ theme: 'light', viewTab: 'domains' });
    d.run('help.shortcuts', 'key');
    expect(help.open).toBe('shortcuts');
    d.run('help.about', 'key');
    expect(help.open).toBe('about');
  });

  it('pins the current run and opens Compare', () => {
    loadRun(events(2));
    const d = createDispatcher(createHandlers());
    d.run('run.pin', 'key');
    expect(useComparisonStore().pinned?.origin).toBe('run');
    d.run('run.compare', 'key');
    expect(useSettingsStore().viewTab).toBe('compare');
  });

  it('file commands reach the documents and runs stores', async () => {
    const docs = useDocumentsStore();
    const d = createDispatcher(createHandlers());
    const n = docs.docs.length;
    d.run('file.new', 'key');
    expect(docs.docs.length).toBe(n + 1);
    d.run('file.gallery', 'host');
    expect(docs.galleryOpen).toBe(true);
    expect(d.enabled('file.exportRun')).toBe(false);
    loadRun(events(2));
    expect(d.enabled('file.exportRun')).toBe(true);
    const app = lab.app as MemoryAppHost;
    app.nextSaveAs = 'runs/x.pfnrun.json';
    d.run('file.exportRun', 'key');
    await flushPromises();
    expect(app.files.has('runs/x.pfnrun.json')).toBe(true);
  });

  it('counts a command once when the key and the menu both report it, but every repeat of one source', () => {
    let t = 0;
    let n = 0;
    const h = createHandlers();
    h['help.docs'] = { run: () => n++ };
    const d = createDispatcher(h, () => t);
    d.run('help.docs', 'key');
    d.run('help.docs', 'host');
    expect(n).toBe(1);
    d.run('help.docs', 'key');
    t += 10;
    d.run('help.docs', 'key');
    expect(n).toBe(3);
    t += DEDUPE_MS + 1;
    d.run('help.docs', 'host');
    expect(n).toBe(4);
  });

  it('a failing handler is reported, not thrown', async () => {
    const h = createHandlers();
    const failed: CommandId[] = [];
    h['help.docs'] = { run: () => Promise.reject(new Error('x')) };
    h['help.about'] = {
      run: () => {
        throw new Error('y');
      },
    };
    const d = createDispatcher(h, () => 0, (id) => failed.push(id));
    d.run('help.docs', 'key');
    d.run('help.about', 'key');
    await flushPromises();
    expect(failed.sort()).toEqual(['help.about', 'help.docs']);
  });
});

describe('installed commands', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
  });
  afterEach(() => setLabApi(undefined));

  it('answers host menu commands and reports the app state on every change', async () => {
    const lab = fakeLab();
    setLabApi(lab);
    const app = lab.app as MemoryAppHost;
    const { uninstall } = installCommands();
    expect(app.states.at(-1)).toMatchObject({ running: false, hasRun: false, theme: 'system' });
    app.emit({ id: 'view.theme.dark' });
    await flushPromises();
    expect(app.states.at(-1)?.theme).toBe('dark');
    loadRun(events(4));
    useSelectionStore().select(2);
    await flushPromises();
    expect(app.states.at(-1)).toMatchObject({ hasRun: true, canStepBack: true, canStepForward: true });
    const n = app.states.length;
    app.emit({ id: 'view.theme.dark' });
    await flushPromises();
    expect(app.states.length).toBe(n);
    uninstall();
    app.emit({ id: 'view.theme.light' });
    expect(useSettingsStore().theme).toBe('dark');
  });

  it('Ctrl+Enter on the page runs the scenario', async () => {
    const lab = fakeLab({ run: () => ({ ok: true, value: runResult() }) });
    setLabApi(lab);
    await useEngineStore().connect();
    const { uninstall } = installCommands();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', ctrlKey: true }));
    await flushPromises();
    expect(lab.calls.map((c) => c.method)).toEqual(['version', 'run']);
    uninstall();
  });
});
