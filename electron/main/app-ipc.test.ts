/** The AppHost channels: sender and argument checks before the host is reached. */
import { describe, expect, it, vi } from 'vitest';
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC } from '../shared/ipc';
import { AllowedPaths } from './allowed-paths';
import { parseAppState, registerAppIpc } from './app-ipc';
import { MAX_FILE_BYTES } from './files';

vi.mock('electron', () => ({}));

type Handler = (event: unknown, ...args: unknown[]) => unknown;

const okv = { ok: true, value: 'host' };
const state = {
  dirtyDocuments: ['a.ts'],
  activeDocument: 'a.ts',
  running: false,
  hasRun: true,
  canStepBack: true,
  canStepForward: false,
  theme: 'dark',
};

function setup(trusted = true) {
  const handles = new Map<string, Handler>();
  const ons = new Map<string, Handler>();
  const ipcMain = {
    handle: (ch: string, fn: Handler) => handles.set(ch, fn),
    on: (ch: string, fn: Handler) => ons.set(ch, fn),
  } as unknown as IpcMain;
  const host = {
    openFile: vi.fn(async () => okv),
    readFile: vi.fn(async () => okv),
    saveFile: vi.fn(async () => okv),
    saveFileAs: vi.fn(async () => okv),
    recentFiles: vi.fn(async () => okv),
    clearRecentFiles: vi.fn(async () => okv),
    autosaveList: vi.fn(async () => okv),
    autosavePut: vi.fn(async () => okv),
    autosaveRemove: vi.fn(async () => okv),
  };
  const allowed = new AllowedPaths(false);
  const commands = { markListening: vi.fn() };
  const onState = vi.fn();
  const win = { id: 9 };
  const log: string[] = [];
  registerAppIpc(ipcMain, {
    host: host as never,
    allowed,
    commands,
    isTrustedSender: () => trusted,
    windowOf: () => win as never,
    onState,
    log: (m) => log.push(m),
  });
  const sender = { id: 3 } as WebContents;
  const event = { sender, senderFrame: { url: 'app://lab/index.html' } } as unknown as IpcMainInvokeEvent;
  const invoke = (ch: string, ...args: unknown[]) => handles.get(ch)!(event, ...args) as Promise<unknown>;
  const send = (ch: string, ...args: unknown[]) => ons.get(ch)!(event as unknown as IpcMainEvent, ...args);
  return { host, allowed, commands, onState, win, invoke, send, handles, log };
}

const doc = { id: 'd', name: 'a.ts', text: 'x', handle: null, savedText: null, order: 0, updatedAt: 1 };

describe('AppHost IPC', () => {
  it('registers every AppHost channel', () => {
    const { handles } = setup();
    for (const ch of [
      IPC.appOpenFile,
      IPC.appReadFile,
      IPC.appSaveFile,
      IPC.appSaveFileAs,
      IPC.appRecentFiles,
      IPC.appClearRecentFiles,
      IPC.appAutosaveList,
      IPC.appAutosavePut,
      IPC.appAutosaveRemove,
    ]) {
      expect(handles.has(ch)).toBe(true);
    }
  });

  it('forwards valid calls, with the sender’s window for dialogs', async () => {
    const { host, invoke, win } = setup();
    await expect(invoke(IPC.appOpenFile, 'run')).resolves.toEqual(okv);
    expect(host.openFile).toHaveBeenCalledWith(win, 'run');
    await invoke(IPC.appReadFile, '/home/u/a.ts');
    expect(host.readFile).toHaveBeenCalledWith('/home/u/a.ts');
    await invoke(IPC.appSaveFile, '/home/u/a.ts', 'text');
    expect(host.saveFile).toHaveBeenCalledWith('/home/u/a.ts', 'text');
    const bytes = new Uint8Array([1, 2]);
    await invoke(IPC.appSaveFileAs, 'x.png', bytes, 'png');
    expect(host.saveFileAs).toHaveBeenCalledWith(win, 'x.png', bytes, 'png');
    await invoke(IPC.appAutosavePut, doc);
    expect(host.autosavePut).toHaveBeenCalledWith(doc);
    await invoke(IPC.appAutosaveRemove, 'd');
    await invoke(IPC.appRecentFiles);
    await invoke(IPC.appClearRecentFiles);
    await invoke(IPC.appAutosaveList);
    expect(host.autosaveRemove).toHaveBeenCalledWith('d');
    expect(host.recentFiles).toHaveBeenCalled();
    expect(host.clearRecentFiles).toHaveBeenCalled();
    expect(host.autosaveList).toHaveBeenCalled();
  });

  const big = 'x'.repeat(MAX_FILE_BYTES + 1);
  it.each([
    ['an unknown kind', IPC.appOpenFile, ['exe']],
    ['no kind', IPC.appOpenFile, []],
    ['a relative handle', IPC.appReadFile, ['a.ts']],
    ['a non-string handle', IPC.appReadFile, [{ path: '/a.ts' }]],
    ['a NUL in the handle', IPC.appReadFile, ['/a.ts\0.png']],
    ['an overlong handle', IPC.appReadFile, [`/${'a'.repeat(5000)}`]],
    ['bytes to saveFile', IPC.appSaveFile, ['/a.ts', new Uint8Array(1)]],
    ['a write over 64 MiB', IPC.appSaveFile, ['/a.ts', big]],
    ['a Save As over 64 MiB', IPC.appSaveFileAs, ['a.ts', big, 'scenario']],
    ['a Save As of an object', IPC.appSaveFileAs, ['a.ts', { a: 1 }, 'scenario']],
    ['a Save As of an unknown kind', IPC.appSaveFileAs, ['a.ts', 'x', 'exe']],
    ['a Save As without a name', IPC.appSaveFileAs, [null, 'x', 'scenario']],
    ['an extra argument', IPC.appRecentFiles, [1]],
    ['a malformed document', IPC.appAutosavePut, [{ ...doc, order: 'first' }]],
    ['a document with extra keys', IPC.appAutosavePut, [{ ...doc, evil: true }]],
    ['an empty id', IPC.appAutosaveRemove, ['']],
  ])('refuses %s with EINVAL before reaching the host', async (_n, ch, args) => {
    const { host, invoke } = setup();
    await expect(invoke(ch, ...args)).resolves.toMatchObject({ ok: false, error: { errno: 'EINVAL' } });
    for (const fn of Object.values(host)) expect(fn).not.toHaveBeenCalled();
  });

  it('refuses an untrusted sender on every channel', async () => {
    const { host, invoke, send, handles, onState, allowed, commands } = setup(false);
    for (const ch of handles.keys()) {
      await expect(invoke(ch)).resolves.toMatchObject({ ok: false, error: { message: 'untrusted sender' } });
    }
    send(IPC.appSetState, state);
    send(IPC.appDropped, '/home/u/x.ts');
    send(IPC.appListening);
    for (const fn of Object.values(host)) expect(fn).not.toHaveBeenCalled();
    expect(onState).not.toHaveBeenCalled();
    expect(allowed.has('/home/u/x.ts')).toBe(false);
    expect(commands.markListening).not.toHaveBeenCalled();
  });

  it('a host that throws answers EIO, never a rejection', async () => {
    const { host, invoke } = setup();
    host.readFile.mockRejectedValueOnce(new Error('boom'));
    await expect(invoke(IPC.appReadFile, '/a.ts')).resolves.toMatchObject({
      ok: false,
      error: { errno: 'EIO' },
    });
  });

  it('setState passes a validated copy; a malformed one is dropped', () => {
    const { send, onState, log } = setup();
    send(IPC.appSetState, { ...state, extra: 'x' });
    expect(onState).toHaveBeenCalledWith(expect.objectContaining({ id: 3 }), state);
    send(IPC.appSetState, { ...state, theme: 'neon' });
    send(IPC.appSetState, { ...state, dirtyDocuments: [1] });
    send(IPC.appSetState);
    expect(onState).toHaveBeenCalledTimes(1);
    expect(log).toHaveLength(3);
    expect(parseAppState({ ...state, running: 'yes' })).toBeNull();
    expect(parseAppState({ ...state, activeDocument: null })).toMatchObject({ activeDocument: null });
  });

  it('a dropped file joins the allow-set; a relative path does not', () => {
    const { send, allowed, commands } = setup();
    send(IPC.appDropped, '/home/u/dropped.ts');
    send(IPC.appDropped, 'dropped.ts');
    expect(allowed.has('/home/u/dropped.ts')).toBe(true);
    expect(allowed.has('dropped.ts')).toBe(false);
    send(IPC.appListening);
    expect(commands.markListening).toHaveBeenCalledWith(expect.objectContaining({ id: 3 }));
  });
});
