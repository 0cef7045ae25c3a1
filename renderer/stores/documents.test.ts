import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLabApi } from '../lab';
import { encodeShare } from '../share/share-link';
import { fakeLab, type FakeLab } from '../tests/fakes';
import type { MemoryAppHost } from '../tests/memory-app-host';
import { AUTOSAVE_DELAY_MS, useDocumentsStore } from './documents';
import { isRunText, untitledName, cleanName } from './doc-model';
import { useRunsStore } from './runs';
import { useScenarioStore } from './scenario';
import { useSettingsStore } from './settings';

let lab: FakeLab;
let host: MemoryAppHost;

function fresh(): ReturnType<typeof useDocumentsStore> {
  setActivePinia(createPinia());
  return useDocumentsStore();
}

async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS + 10);
  await flushPromises();
}

beforeEach(() => {
  vi.useFakeTimers();
  lab = fakeLab();
  host = lab.app as MemoryAppHost;
  setLabApi(lab);
  localStorage.clear();
  history.replaceState(null, '', '/');
});

afterEach(() => {
  vi.useRealTimers();
  setLabApi(undefined);
});

describe('documents: tabs and files', () => {
  it('starts on one untouched default tab that the scenario store shows', async () => {
    const docs = fresh();
    await docs.init();
    const sc = useScenarioStore();
    expect(docs.docs).toHaveLength(1);
    expect(sc.name).toBe('untitled.ts');
    expect(sc.source).toContain('lab.open()');
    expect(docs.isDirty(docs.activeId)).toBe(false);
    expect(docs.restored).toBe(0);
    sc.setSource('lab.open(); // edited');
    expect(docs.active.text).toBe('lab.open(); // edited');
    expect(docs.isDirty(docs.activeId)).toBe(true);
  });

  it('new documents get free untitled names and tabs of their own', async () => {
    const docs = fresh();
    await docs.init();
    docs.newDocument();
    docs.newDocument();
    expect(docs.docs.map((d) => d.name)).toEqual(['untitled.ts', 'untitled-2.ts', 'untitled-3.ts']);
    expect(docs.activeIndex).toBe(2);
    expect(untitledName(['untitled.ts', 'untitled-3.ts'])).toBe('untitled-2.ts');
  });

  it('opens an example into an untouched tab, and into a new tab when the active one has changes', async () => {
    const docs = fresh();
    await docs.init();
    const before = docs.loadCount;
    expect(docs.openExample('03-four-domains.ts')).toBe(true);
    expect(docs.docs).toHaveLength(1);
    expect(docs.active.name).toBe('03-four-domains.ts');
    expect(docs.active.loads).toBe(1);
    expect(docs.loadCount).toBeGreaterThan(before);
    docs.setText(docs.activeId, docs.active.text + '\n// mine');
    docs.openExample('01-fill-one-domain.ts');
    expect(docs.docs.map((d) => d.name)).toEqual(['03-four-domains.ts', '01-fill-one-domain.ts']);
    expect(docs.docs[0]?.text).toContain('// mine');
    expect(docs.openExample('nope.ts')).toBe(false);
  });

  it('opens a file, saves back to it, tracks dirty, and does not open the same file twice', async () => {
    const docs = fresh();
    await docs.init();
    host.files.set('/w/a.ts', 'lab.open();');
    host.nextOpen = '/w/a.ts';
    await docs.openFile();
    expect(docs.active).toMatchObject({ name: 'a.ts', handle: '/w/a.ts', text: 'lab.open();' });
    expect(docs.docs).toHaveLength(1); // the untouched default tab was reused
    expect(docs.recent.map((r) => r.handle)).toEqual(['/w/a.ts']);
    docs.setText(docs.activeId, 'lab.open(); // v2');
    expect(docs.dirtyNames).toEqual(['a.ts']);
    expect(await docs.save()).toBe(true);
    expect(host.files.get('/w/a.ts')).toBe('lab.open(); // v2');
    expect(docs.dirtyNames).toEqual([]);
    docs.newDocument();
    await docs.openHandle('/w/a.ts');
    expect(docs.docs).toHaveLength(2);
    expect(docs.active.name).toBe('a.ts');
  });

  it('Save of a tab without a file is Save As; a cancelled dialog changes nothing', async () => {
    const docs = fresh();
    await docs.init();
    docs.newDocument();
    docs.setText(docs.activeId, 'x');
    host.nextSaveAs = null;
    expect(await docs.save()).toBe(false);
    expect(docs.active.handle).toBeNull();
    expect(docs.isDirty(docs.activeId)).toBe(true);
    host.nextSaveAs = '/w/mine.ts';
    expect(await docs.save()).toBe(true);
    expect(docs.active).toMatchObject({ name: 'mine.ts', handle: '/w/mine.ts', savedText: 'x' });
    expect(host.files.get('/w/mine.ts')).toBe('x');
    expect(docs.recent[0]?.name).toBe('mine.ts');
  });

  it('a file the host cannot write back to (download: handle "") saves with Save As again', async () => {
    const docs = fresh();
    await docs.init();
    host.nextSaveAs = '';
    docs.setText(docs.activeId, 'y');
    expect(await docs.saveAs()).toBe(true);
    expect(docs.active.handle).toBeNull();
    expect(docs.isDirty(docs.activeId)).toBe(false);
    expect(docs.notice?.text).toMatch(/downloaded/);
  });

  it('reports a failed save and keeps the tab dirty', async () => {
    const docs = fresh();
    await docs.init();
    host.nextSaveAs = { errno: 'EACCES', message: '/ro/a.ts: permission denied' };
    docs.setText(docs.activeId, 'z');
    expect(await docs.saveAs()).toBe(false);
    expect(docs.notice).toEqual({ kind: 'error', text: 'Save failed: /ro/a.ts: permission denied' });
    expect(docs.isDirty(docs.activeId)).toBe(true);
  });

  it('closing a changed tab asks; cancel keeps it, discard closes, save saves then closes', async () => {
    const docs = fresh();
    await docs.init();
    docs.newDocument();
    const id = docs.activeId;
    docs.setText(id, 'changed');
    docs.closeTab();
    expect(docs.confirmClose).toBe(id);
    expect(docs.docs).toHaveLength(2);
    await docs.answerClose('cancel');
    expect(docs.docs).toHaveLength(2);
    docs.closeTab(id);
    host.nextSaveAs = '/w/kept.ts';
    await docs.answerClose('save');
    expect(host.files.get('/w/kept.ts')).toBe('changed');
    expect(docs.docs).toHaveLength(1);
    docs.newDocument();
    docs.setText(docs.activeId, 'lost');
    docs.closeTab();
    await docs.answerClose('discard');
    expect(docs.docs.map((d) => d.name)).toEqual(['untitled.ts']);
    // The last tab closed leaves a new empty one.
    docs.closeTab();
    expect(docs.docs).toHaveLength(1);
    expect(docs.isDirty(docs.activeId)).toBe(false);
  });

  it('renames a tab; a renamed file tab is no longer tied to the file', async () => {
    const docs = fresh();
    await docs.init();
    expect(docs.rename(docs.activeId, '  study ')).toBe(true);
    expect(docs.active.name).toBe('study.ts');
    expect(docs.rename(docs.activeId, '   ')).toBe(false);
    host.files.set('/w/a.ts', 'a');
    await docs.openHandle('/w/a.ts');
    docs.rename(docs.activeId, 'b.ts');
    expect(docs.active).toMatchObject({ name: 'b.ts', handle: null });
    expect(cleanName('dir/x')).toBe('x.ts');
  });

  it('opens a saved run through the runs store, never as a scenario', async () => {
    const docs = fresh();
    await docs.init();
    const text = JSON.stringify({ format: 'pfnlab-run', version: 1 });
    expect(isRunText(text)).toBe(true);
    expect(isRunText('lab.open(); // {"format":"pfnlab-run"}')).toBe(false);
    const load = vi.spyOn(useRunsStore(), 'loadRunText').mockResolvedValue(true);
    await docs.openText('r.pfnrun.json', text);
    expect(load).toHaveBeenCalledWith('r.pfnrun.json', text);
    expect(docs.docs.map((d) => d.name)).toEqual(['untitled.ts']);
    // The same from an Open dialog.
    host.files.set('/w/r.pfnrun.json', text);
    host.nextOpen = '/w/r.pfnrun.json';
    await docs.openFile();
    expect(load).toHaveBeenCalledTimes(2);
    expect(docs.docs.map((d) => d.name)).toEqual(['untitled.ts']);
    await docs.openText('dropped.ts', 'lab.open();');
    expect(docs.active).toMatchObject({ name: 'dropped.ts', handle: null });
  });

  it('opens a dropped file as its file when the host knows its path, else as text', async () => {
    const docs = fresh();
    await docs.init();
    const file = (name: string, text: string): File => new File([text], name);
    // The browser: no path, the text only.
    await docs.openDropped([file('a.ts', 'lab.open(); // a')]);
    expect(docs.active).toMatchObject({ name: 'a.ts', handle: null });
    // The desktop app: the path, so Save writes back to the file.
    host.files.set('/home/u/b.ts', 'lab.open(); // b');
    host.handleForFile = (f) => `/home/u/${f.name}`;
    await docs.openDropped([file('b.ts', 'stale text')]);
    expect(docs.active).toMatchObject({ name: 'b.ts', handle: '/home/u/b.ts', text: 'lab.open(); // b' });
  });

  it('lists recent files, opens one, says when it is gone and forgets the list on clear', async () => {
    const docs = fresh();
    host.recent = [{ handle: '/w/gone.ts', name: 'gone.ts', kind: 'scenario', openedAt: 1 }];
    await docs.init();
    expect(docs.recent.map((r) => r.name)).toEqual(['gone.ts']);
    await docs.openHandle('/w/gone.ts');
    expect(docs.notice?.kind).toBe('error');
    expect(docs.notice?.text).toContain('/w/gone.ts');
    await docs.clearRecent();
    expect(docs.recent).toEqual([]);
  });
});

describe('documents: autosave and restore', () => {
  it('writes every open document ~500 ms after a change, and removes one only when its tab closes', async () => {
    const docs = fresh();
    await docs.init();
    await settle();
    docs.newDocument();
    docs.setText(docs.activeId, 'typing');
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 100);
    const firstId = docs.docs[0]?.id as string;
    expect(host.autosaved.get(docs.activeId)).toBeUndefined(); // debounced
    await settle();
    expect([...host.autosaved.values()].map((d) => [d.name, d.order])).toEqual([
      ['untitled.ts', 0],
      ['untitled-2.ts', 1],
    ]);
    expect(host.autosaved.get(docs.activeId)?.text).toBe('typing');
    docs.closeTab(firstId);
    await settle();
    expect([...host.autosaved.values()].map((d) => [d.name, d.order])).toEqual([['untitled-2.ts', 0]]);
  });

  it('flushes at once when the page is hidden or goes away', async () => {
    const docs = fresh();
    await docs.init();
    const off = docs.install();
    docs.setText(docs.activeId, 'before the crash');
    window.dispatchEvent(new Event('pagehide'));
    await flushPromises();
    expect(host.autosaved.get(docs.activeId)?.text).toBe('before the crash');
    off();
  });

  it('restores every autosaved document in order with the active one active, and says so', async () => {
    let docs = fresh();
    await docs.init();
    docs.openExample('03-four-domains.ts');
    docs.setText(docs.activeId, 'edited 03');
    docs.newDocument();
    docs.newDocument();
    docs.activate(docs.docs[1]?.id as string);
    await docs.flushAutosave();
    const ids = docs.docs.map((d) => d.id);
    // A reload: a new page, the same host.
    docs = fresh();
    expect(docs.ready).toBe(false);
    await docs.init();
    expect(docs.ready).toBe(true);
    expect(docs.docs.map((d) => d.id)).toEqual(ids);
    expect(docs.docs[0]).toMatchObject({ name: '03-four-domains.ts', text: 'edited 03' });
    expect(docs.activeIndex).toBe(1);
    expect(docs.isDirty(ids[0] as string)).toBe(true);
    expect(docs.restored).toBe(3);
    docs.dismissRestored();
    expect(docs.restored).toBe(0);
  });

  it('starts without the last session when the storage never answers', async () => {
    host.autosaveList = () => new Promise(() => {});
    const docs = fresh();
    const done = docs.init();
    await vi.advanceTimersByTimeAsync(3100);
    await done;
    expect(docs.ready).toBe(true);
    expect(docs.docs).toHaveLength(1);
    expect(docs.notice?.text).toMatch(/Autosave is off \(no answer within 3 s\)/);
  });

  it('warns once when autosave is unavailable and keeps working', async () => {
    const fail = {
      ok: false as const,
      error: { errno: 'EIO' as const, message: 'IndexedDB refused to open (private mode)' },
    };
    host.autosaveList = async () => fail;
    host.autosavePut = async () => fail;
    const docs = fresh();
    await docs.init();
    expect(docs.notice?.kind).toBe('warning');
    expect(docs.notice?.text).toContain('private mode');
    docs.dismissNotice();
    docs.setText(docs.activeId, 'a');
    await settle();
    docs.setText(docs.activeId, 'b');
    await settle();
    expect(docs.notice).toBeNull();
    expect(docs.active.text).toBe('b');
  });
});

describe('documents: share links', () => {
  it('opens a link into a new tab without touching the others, takes its options, and clears the address', async () => {
    const frag = await encodeShare({
      name: 'shared.ts',
      source: 'lab.open(); // shared',
      seed: 42,
      options: { check: false, budgetSeconds: 12 },
    });
    history.replaceState(null, '', `/?files=fallback${frag}`);
    const docs = fresh();
    await docs.init();
    expect(docs.docs.map((d) => d.name)).toEqual(['untitled.ts', 'shared.ts']);
    expect(docs.active.text).toBe('lab.open(); // shared');
    expect(docs.isDirty(docs.activeId)).toBe(true); // saved nowhere yet
    const s = useSettingsStore();
    expect([s.seed, s.check, s.budgetSeconds]).toEqual([42, false, 12]);
    expect(location.hash).toBe('');
    expect(location.search).toBe('?files=fallback');
  });

  it('a damaged link says why and changes nothing', async () => {
    const docs = fresh();
    await docs.init();
    const before = JSON.stringify(docs.docs);
    expect(await docs.openShare('#s=1.AAAA')).toBe(false);
    expect(docs.notice?.kind).toBe('error');
    expect(docs.notice?.text).toMatch(/cannot be opened: .*damaged.*Nothing was changed/);
    expect(JSON.stringify(docs.docs)).toBe(before);
  });

  it('copies a link that opens the same scenario and options', async () => {
    const docs = fresh();
    await docs.init();
    docs.openExample('03-four-domains.ts');
    useSettingsStore().seed = 7;
    const writes: string[] = [];
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async (t: string) => void writes.push(t) },
      configurable: true,
    });
    const share = await docs.copyShareLink();
    expect(share.copied).toBe(true);
    expect(writes).toEqual([share.url]);
    expect(docs.notice?.text).toBe(`Share link copied (${share.length} characters).`);
    const other = fresh();
    await other.init();
    await other.openShare(new URL(share.url).hash);
    expect(other.active.name).toBe('03-four-domains.ts');
    expect(other.active.text).toBe(docs.active.text);
    expect(useSettingsStore().seed).toBe(7);
  });

  it('shows the link when the clipboard refuses it', async () => {
    const docs = fresh();
    await docs.init();
    Object.defineProperty(navigator, 'clipboard', {
      value: {
        writeText: async () => {
          throw new Error('denied');
        },
      },
      configurable: true,
    });
    const share = await docs.copyShareLink();
    expect(share.copied).toBe(false);
    expect(docs.share?.url).toMatch(/#s=1\./);
  });
});
