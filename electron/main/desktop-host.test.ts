/** DesktopHost with real files in a temp folder and a scripted dialog: what may be touched, and how errors read. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow } from 'electron';
import { FILE_KINDS, type FileKind } from '../shared/app-host';
import { AllowedPaths } from './allowed-paths';
import { AutosaveStore } from './autosave';
import { DesktopHost, kindOfPath } from './desktop-host';
import { filtersFor, suggestedBaseName, withDefaultExtension } from './dialogs';
import { RecentFiles } from './recent-files';

vi.mock('electron', () => ({}));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pfnlab-host-'));
});

function setup() {
  const dialog = {
    showOpenDialog: vi.fn(async (..._a: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
    showSaveDialog: vi.fn(async (..._a: unknown[]) => ({ canceled: true, filePath: '' })),
  };
  const allowed = new AllowedPaths(false);
  const recent = new RecentFiles(join(dir, 'recent-files.json'), {
    addRecentDocument: vi.fn(),
    clearRecentDocuments: vi.fn(),
  });
  const autosave = new AutosaveStore(join(dir, 'autosave'));
  const host = new DesktopHost({ dialog, allowed, recent, autosave, documentsDir: join(dir, 'Documents') });
  const win = { id: 1 } as unknown as BrowserWindow;
  const openAnswers = (path: string) =>
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [path] });
  const saveAnswers = (path: string) =>
    dialog.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: path });
  return { dialog, allowed, recent, host, win, openAnswers, saveAnswers };
}

describe('dialogs', () => {
  it('cancel is null, not an error, and allows nothing', async () => {
    const { host, win, dialog } = setup();
    await expect(host.openFile(win, 'scenario')).resolves.toEqual({ ok: true, value: null });
    await expect(host.saveFileAs(win, 'a.ts', 'x', 'scenario')).resolves.toEqual({ ok: true, value: null });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(
      win,
      expect.objectContaining({ properties: ['openFile'], filters: filtersFor('scenario') }),
    );
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(
      win,
      expect.objectContaining({
        defaultPath: join(dir, 'Documents', 'a.ts'),
        filters: filtersFor('scenario'),
      }),
    );
  });

  it('filters by FILE_KINDS (no dotted extensions), with All Files', () => {
    for (const kind of Object.keys(FILE_KINDS) as FileKind[]) {
      const [own, all] = filtersFor(kind);
      expect(own?.name).toBe(FILE_KINDS[kind].label);
      expect(own?.extensions.every((e) => !e.includes('.'))).toBe(true);
      expect(new Set(own?.extensions)).toEqual(
        new Set(FILE_KINDS[kind].extensions.map((e) => e.split('.').pop())),
      );
      expect(all).toEqual({ name: 'All Files', extensions: ['*'] });
    }
    expect(filtersFor('run')[0]?.extensions).toContain('json');
  });

  it('a file handed over is listed as a run, a study or a scenario by its extension', () => {
    expect(kindOfPath('/d/a.ts')).toBe('scenario');
    expect(kindOfPath('/d/a.pfnrun.json')).toBe('run');
    expect(kindOfPath('/d/a.pfnrun')).toBe('run');
    expect(kindOfPath('/d/a.JSON')).toBe('run');
    expect(kindOfPath('/d/quick.pfnstudy.json')).toBe('study');
    expect(kindOfPath('/d/Q.PFNSTUDY.JSON')).toBe('study');
  });

  it('suggests a base name only and adds the default extension GTK leaves out', () => {
    expect(suggestedBaseName('../../etc/passwd', 'scenario')).toBe('passwd');
    expect(suggestedBaseName('C:\\x\\y.ts', 'scenario')).toBe('y.ts');
    expect(suggestedBaseName('', 'csv')).toBe('untitled.csv');
    expect(withDefaultExtension('/d/run', 'run')).toBe('/d/run.pfnrun.json');
    expect(withDefaultExtension('/d/a.txt', 'scenario')).toBe('/d/a.txt');
  });
});

describe('files through the allow-set', () => {
  it('Open reads the chosen file, remembers it and allows it again without a dialog', async () => {
    const { host, win, openAnswers, recent } = setup();
    const p = join(dir, 'a.ts');
    await writeFile(p, 'lab.log(1);');
    openAnswers(p);
    await expect(host.openFile(win, 'scenario')).resolves.toEqual({
      ok: true,
      value: { handle: p, name: 'a.ts', text: 'lab.log(1);' },
    });
    expect(recent.list()).toMatchObject([{ handle: p, name: 'a.ts', kind: 'scenario' }]);
    await expect(host.readFile(p)).resolves.toMatchObject({ ok: true });
    await expect(host.saveFile(p, 'lab.log(2);')).resolves.toEqual({
      ok: true,
      value: { handle: p, name: 'a.ts' },
    });
    expect(await readFile(p, 'utf8')).toBe('lab.log(2);');
  });

  it('refuses a path the renderer made up (EACCES naming it), even an existing file', async () => {
    const { host } = setup();
    const p = join(dir, 'secret.ts');
    await writeFile(p, 'secret');
    for (const r of [
      await host.readFile(p),
      await host.saveFile(p, 'x'),
      await host.readFile('/etc/passwd'),
    ]) {
      expect(r).toMatchObject({ ok: false, error: { errno: 'EACCES' } });
    }
    const r = await host.readFile(p);
    if (!r.ok) expect(r.error.message).toContain(p);
    expect(await readFile(p, 'utf8')).toBe('secret');
  });

  it('an opened binary file and a vanished one are named errors', async () => {
    const { host, win, openAnswers } = setup();
    const png = join(dir, 'x.png');
    await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]));
    openAnswers(png);
    const r = await host.openFile(win, 'scenario');
    expect(r).toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    if (!r.ok) expect(r.error.message).toMatch(/x\.png: not a text file/);
    openAnswers(join(dir, 'gone.ts'));
    await expect(host.openFile(win, 'scenario')).resolves.toEqual({
      ok: false,
      error: { errno: 'ENOENT', message: `${join(dir, 'gone.ts')}: no such file` },
    });
  });

  it('Save As writes the chosen file, allows it, and lists scenarios and runs (not exports) as recent', async () => {
    const { host, win, saveAnswers, recent } = setup();
    const p = join(dir, 'b');
    saveAnswers(p);
    await expect(host.saveFileAs(win, 'b.ts', 'x', 'scenario')).resolves.toEqual({
      ok: true,
      value: { handle: `${p}.ts`, name: 'b.ts' },
    });
    expect(await readFile(`${p}.ts`, 'utf8')).toBe('x');
    await expect(host.saveFile(`${p}.ts`, 'y')).resolves.toMatchObject({ ok: true });
    saveAnswers(join(dir, 'c.png'));
    await expect(host.saveFileAs(win, 'c.png', new Uint8Array([1, 2, 3]), 'png')).resolves.toMatchObject({
      ok: true,
    });
    expect([...(await readFile(join(dir, 'c.png')))]).toEqual([1, 2, 3]);
    expect(recent.list().map((f) => f.name)).toEqual(['b.ts']);
  });

  it('a Save As into a missing folder is an error naming the file', async () => {
    const { host, win, saveAnswers } = setup();
    const p = join(dir, 'nope', 'c.ts');
    saveAnswers(p);
    await expect(host.saveFileAs(win, 'c.ts', 'x', 'scenario')).resolves.toEqual({
      ok: false,
      error: { errno: 'ENOENT', message: `${p}: no such file` },
    });
  });

  it('recent files (loaded at start) are allowed; clearing keeps what is open allowed', async () => {
    const p = join(dir, 'r.ts');
    await writeFile(p, 'r');
    await writeFile(
      join(dir, 'recent-files.json'),
      JSON.stringify({ files: [{ handle: p, name: 'r.ts', kind: 'scenario', openedAt: 1 }] }),
    );
    const { host } = setup();
    await host.init();
    await expect(host.readFile(p)).resolves.toMatchObject({ ok: true, value: { text: 'r' } });
    await host.clearRecentFiles();
    await expect(host.recentFiles()).resolves.toEqual({ ok: true, value: [] });
  });

  it('autosave keeps only allowed handles, and restores them as allowed', async () => {
    const { host, allowed } = setup();
    const doc = {
      id: 'd',
      name: 'a.ts',
      text: 'x',
      handle: '/etc/x.ts',
      savedText: 'x',
      order: 0,
      updatedAt: 1,
    };
    await expect(host.autosavePut(doc)).resolves.toMatchObject({ ok: false, error: { errno: 'EACCES' } });
    await expect(host.autosavePut({ ...doc, handle: null })).resolves.toEqual({ ok: true, value: null });
    await expect(host.autosavePut({ ...doc, handle: '' })).resolves.toEqual({ ok: true, value: null });
    allowed.add('/home/u/a.ts');
    await host.autosavePut({ ...doc, id: 'e', handle: '/home/u/a.ts' });
    const fresh = setup();
    expect(fresh.allowed.has('/home/u/a.ts')).toBe(false);
    const list = await fresh.host.autosaveList();
    expect(list.ok && list.value.map((d) => d.id)).toEqual(['d', 'e']);
    expect(fresh.allowed.has('/home/u/a.ts')).toBe(true);
  });
});

describe('allow-set', () => {
  it('accepts absolute paths only and matches them normalized', () => {
    const a = new AllowedPaths(false);
    expect(a.add('relative.ts')).toBe(false);
    expect(a.add('/a/b/../c.ts')).toBe(true);
    expect(a.has('/a/c.ts')).toBe(true);
    expect(a.has('/a/C.ts')).toBe(false);
    expect(a.has('/a/c.ts\0')).toBe(false);
    expect(a.has(42)).toBe(false);
    const ci = new AllowedPaths(true);
    ci.add('/A/c.ts');
    expect(ci.has('/a/C.TS')).toBe(true);
  });
});
