import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AutosavedDocument } from '../../electron/shared/app-host';
import { pickFile } from './file-fallback';
import type { FsaFileHandle, FsaPickers } from './fsa';
import { fsaPickers, pickerTypes } from './fsa';
import { idbKv, memoryKv } from './kv';
import { createWebAppHost } from './web-app-host';

/** A file handle over a Map "disk", with a permission the test sets. */
function fakeHandle(
  disk: Map<string, string>,
  name: string,
  perm: { state: PermissionState },
): FsaFileHandle {
  const h: FsaFileHandle = {
    kind: 'file',
    name,
    async getFile() {
      const t = disk.get(name);
      if (t === undefined) throw Object.assign(new Error('gone'), { name: 'NotFoundError' });
      return new File([t], name);
    },
    async createWritable() {
      let buf = '';
      return {
        async write(d) {
          buf += typeof d === 'string' ? d : new TextDecoder().decode(d);
        },
        async close() {
          disk.set(name, buf);
        },
      };
    },
    async isSameEntry(o) {
      return o.name === name;
    },
    async queryPermission() {
      return perm.state;
    },
    async requestPermission() {
      return perm.state;
    },
  };
  return h;
}

function fakePickers(disk: Map<string, string>, perm = { state: 'granted' as PermissionState }) {
  const next: { open: string | Error | null; save: string | Error | null } = { open: null, save: null };
  const pickers: FsaPickers = {
    async showOpenFilePicker() {
      if (next.open instanceof Error) throw next.open;
      if (next.open === null) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      return [fakeHandle(disk, next.open, perm)];
    },
    async showSaveFilePicker({ suggestedName }) {
      if (next.save instanceof Error) throw next.save;
      return fakeHandle(disk, next.save ?? suggestedName, perm);
    },
  };
  return { pickers, next, perm };
}

const doc = (id: string, order: number): AutosavedDocument => ({
  id,
  name: `${id}.ts`,
  text: `// ${id}`,
  handle: null,
  savedText: null,
  order,
  updatedAt: 1,
});

describe('web AppHost with the File System Access API', () => {
  it('opens, saves back without a dialog, saves as, and keeps the handles for a later page', async () => {
    const disk = new Map([['a.ts', 'lab.open();']]);
    const kv = memoryKv();
    const { pickers, next } = fakePickers(disk);
    let t = 100;
    const host = createWebAppHost({ kv, pickers, now: () => t++ });
    next.open = 'a.ts';
    const opened = await host.openFile('scenario');
    expect(opened).toMatchObject({ ok: true, value: { name: 'a.ts', text: 'lab.open();' } });
    const handle = opened.ok && opened.value ? opened.value.handle : '';
    expect(handle).toMatch(/^fsa:/);
    expect(await host.saveFile(handle, 'v2')).toEqual({ ok: true, value: { handle, name: 'a.ts' } });
    expect(disk.get('a.ts')).toBe('v2');
    next.save = 'b.ts';
    const saved = await host.saveFileAs('a.ts', 'b text', 'scenario');
    expect(saved).toMatchObject({ ok: true, value: { name: 'b.ts' } });
    expect(disk.get('b.ts')).toBe('b text');
    // Opening the same file again gives the same id (one recent entry).
    next.open = 'a.ts';
    const again = await host.openFile('scenario');
    expect(again.ok && again.value?.handle).toBe(handle);
    const recent = await host.recentFiles();
    expect(recent.ok && recent.value.map((r) => r.name)).toEqual(['a.ts', 'b.ts']);
    // A new page (reload): same IndexedDB, no handles in memory.
    const later = createWebAppHost({ kv, pickers });
    expect(await later.readFile(handle)).toEqual({ ok: true, value: { handle, name: 'a.ts', text: 'v2' } });
    expect((await later.saveFile(handle, 'v3')).ok).toBe(true);
    expect(disk.get('a.ts')).toBe('v3');
    // Opened again from the picker on that later page: the same id, still one recent entry.
    next.open = 'a.ts';
    const third = await later.openFile('scenario');
    expect(third.ok && third.value?.handle).toBe(handle);
    const r2 = await later.recentFiles();
    expect(r2.ok && r2.value.map((r) => r.name)).toEqual(['a.ts', 'b.ts']);
  });

  it('answers a cancelled picker with null and a refused permission with EACCES', async () => {
    const disk = new Map([['a.ts', 'x']]);
    const kv = memoryKv();
    const { pickers, next, perm } = fakePickers(disk);
    const host = createWebAppHost({ kv, pickers });
    next.open = null;
    expect(await host.openFile('scenario')).toEqual({ ok: true, value: null });
    next.open = Object.assign(new Error('blocked'), { name: 'SecurityError' });
    expect(await host.openFile('scenario')).toMatchObject({ ok: false, error: { errno: 'EACCES' } });
    next.open = 'a.ts';
    const o = await host.openFile('scenario');
    const handle = o.ok && o.value ? o.value.handle : '';
    perm.state = 'denied';
    const r = await createWebAppHost({ kv, pickers }).saveFile(handle, 'y');
    expect(r).toMatchObject({
      ok: false,
      error: { errno: 'EACCES', message: expect.stringContaining('a.ts') },
    });
    expect(disk.get('a.ts')).toBe('x');
    disk.delete('a.ts');
    perm.state = 'granted';
    expect(await host.readFile(handle)).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
    expect(await host.readFile('fsa:unknown')).toMatchObject({ ok: false, error: { errno: 'ENOENT' } });
  });

  it('keeps the ten most recent files', async () => {
    const disk = new Map<string, string>();
    for (let i = 0; i < 13; i++) disk.set(`f${i}.ts`, String(i));
    const { pickers, next } = fakePickers(disk);
    let t = 0;
    const host = createWebAppHost({ kv: memoryKv(), pickers, now: () => t++ });
    for (let i = 0; i < 13; i++) {
      next.open = `f${i}.ts`;
      await host.openFile('scenario');
    }
    const r = await host.recentFiles();
    expect(r.ok && r.value.map((f) => f.name)).toEqual(Array.from({ length: 10 }, (_, i) => `f${12 - i}.ts`));
    expect((await host.clearRecentFiles()).ok).toBe(true);
    expect(await host.recentFiles()).toEqual({ ok: true, value: [] });
  });

  it('offers the kinds’ extensions to the pickers', () => {
    expect(pickerTypes('scenario')).toEqual([{ description: 'Scenario', accept: { 'text/plain': ['.ts'] } }]);
    const run = Object.values(pickerTypes('run')[0]?.accept ?? {}).flat();
    expect(run).toContain('.json'); // 'pfnrun.json' offered as '.json': Chromium takes one-dot extensions
    for (const e of run) expect(e).toMatch(/^\.[a-z0-9]+$/);
    expect(new Set(run).size).toBe(run.length);
  });
});

describe('web AppHost without the File System Access API (file input and download)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.innerHTML = '';
  });

  it('is chosen when the browser lacks the pickers or the page asks ?files=fallback', () => {
    const w = { showOpenFilePicker: () => {}, showSaveFilePicker: () => {} };
    expect(fsaPickers(w, '')).not.toBeNull();
    expect(fsaPickers(w, '?files=fallback')).toBeNull();
    expect(fsaPickers({}, '')).toBeNull();
  });

  it('opens through a hidden file input, without a handle to write back to', async () => {
    const host = createWebAppHost({ kv: memoryKv(), pickers: null });
    const clicked = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});
    const p = host.openFile('scenario');
    const input = document.querySelector<HTMLInputElement>('input[type=file]');
    expect(input?.accept).toBe('.ts');
    expect(clicked).toHaveBeenCalled();
    Object.defineProperty(input, 'files', { value: [new File(['lab.open();'], 'mine.ts')] });
    input?.dispatchEvent(new Event('change'));
    expect(await p).toEqual({ ok: true, value: { handle: '', name: 'mine.ts', text: 'lab.open();' } });
    expect(document.querySelector('input[type=file]')).toBeNull();
    expect(await host.recentFiles()).toEqual({ ok: true, value: [] }); // nothing to reopen
    expect(await host.saveFile('', 'x')).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
  });

  it('answers a cancelled file input with null', async () => {
    vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(() => {});
    const p = pickFile(document, '.ts');
    document.querySelector('input[type=file]')?.dispatchEvent(new Event('cancel'));
    expect(await p).toBeNull();
  });

  it('saves as a download of the suggested name', async () => {
    const urls: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      urls.push(b as Blob);
      return 'blob:x';
    });
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    const host = createWebAppHost({ kv: memoryKv(), pickers: null });
    expect(await host.saveFileAs('x.ts', 'text', 'scenario')).toEqual({
      ok: true,
      value: { handle: '', name: 'x.ts' },
    });
    expect(names).toEqual(['x.ts']);
    expect(await urls[0]?.text()).toBe('text');
  });
});

describe('web AppHost autosave', () => {
  it('keeps documents by id, in tab order', async () => {
    const host = createWebAppHost({ kv: memoryKv(), pickers: null });
    await host.autosavePut(doc('b', 1));
    await host.autosavePut(doc('a', 0));
    await host.autosavePut({ ...doc('b', 1), text: 'changed' });
    const l = await host.autosaveList();
    expect(l.ok && l.value.map((d) => [d.id, d.text])).toEqual([
      ['a', '// a'],
      ['b', 'changed'],
    ]);
    await host.autosaveRemove('a');
    const l2 = await host.autosaveList();
    expect(l2.ok && l2.value.map((d) => d.id)).toEqual(['b']);
  });

  it('fails EIO with the reason when IndexedDB is unavailable, and files still work', async () => {
    const host = createWebAppHost({ kv: idbKv(undefined), pickers: null, save: () => {} });
    for (const r of [
      await host.autosaveList(),
      await host.autosavePut(doc('a', 0)),
      await host.recentFiles(),
    ]) {
      expect(r).toMatchObject({
        ok: false,
        error: { errno: 'EIO', message: expect.stringContaining('IndexedDB') },
      });
    }
    expect((await host.saveFileAs('a.ts', 'x', 'scenario')).ok).toBe(true);
    const thrower = {
      open() {
        throw new Error('private mode');
      },
    } as unknown as IDBFactory;
    const r = await createWebAppHost({ kv: idbKv(thrower), pickers: null }).autosaveList();
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('private mode') } });
  });

  it('has no menus: setState is accepted, onCommand never fires and unsubscribes', () => {
    const host = createWebAppHost({ kv: memoryKv(), pickers: null });
    host.setState({
      dirtyDocuments: [],
      activeDocument: null,
      running: false,
      hasRun: false,
      canStepBack: false,
      canStepForward: false,
      theme: 'system',
    });
    const off = host.onCommand(() => {
      throw new Error('no commands in the browser');
    });
    expect(typeof off).toBe('function');
    off();
  });
});
