/**
 * The wiring of electron/main/index.ts with `electron` and the `?nodeWorker`
 * import mocked: single-instance lock and scheme before ready, protocol, IPC
 * (engine and AppHost), the menu and a hardened window after ready, and a
 * file on the command line held for the window.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => {
  const calls: string[] = [];
  let ready: () => void = () => {};
  const whenReady = new Promise<void>((r) => (ready = r));
  type Entry = { opts: { webPreferences?: Record<string, unknown>; width?: number }; url?: string };
  const windows: Entry[] = [];
  class BrowserWindow {
    static getAllWindows = () => windows;
    static fromWebContents = () => null;
    id = 1;
    webContents = {
      id: 1,
      setWindowOpenHandler: () => {},
      on: () => {},
      isDestroyed: () => false,
      send: (...a: unknown[]) => contentsSend(...a),
    };
    entry: Entry;
    constructor(opts: Entry['opts']) {
      this.entry = { opts };
      windows.push(this.entry);
      calls.push('BrowserWindow');
    }
    once() {}
    on() {}
    show() {}
    isDestroyed() {
      return false;
    }
    isFocused() {
      return true;
    }
    isMinimized() {
      return false;
    }
    focus() {
      calls.push('focus');
    }
    loadURL(url: string) {
      this.entry.url = url;
      return Promise.resolve();
    }
  }
  const appOn = new Map<string, (...a: unknown[]) => void>();
  const contentsSend = vi.fn();
  const handlers = new Map<string, (...a: unknown[]) => unknown>();
  const electron = {
    app: {
      isPackaged: true,
      enableSandbox: () => calls.push('enableSandbox'),
      whenReady: () => whenReady,
      on: (name: string, fn: (...a: unknown[]) => void) => {
        appOn.set(name, fn);
        calls.push(`app.on:${name}`);
      },
      quit: () => calls.push('quit'),
      requestSingleInstanceLock: (data: unknown) => {
        calls.push(`lock:${JSON.stringify(data)}`);
        return true;
      },
      getPath: (name: string) => `/nonexistent-pfnlab-test/${name}`,
      getVersion: () => '0.1.0',
      addRecentDocument: () => {},
      clearRecentDocuments: () => {},
    },
    BrowserWindow,
    dialog: { showMessageBox: vi.fn(), showOpenDialog: vi.fn(), showSaveDialog: vi.fn() },
    Menu: {
      buildFromTemplate: (t: unknown[]) => ({ template: t }),
      setApplicationMenu: () => calls.push('setApplicationMenu'),
    },
    nativeTheme: { themeSource: 'system' },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
    },
    ipcMain: {
      handle: (ch: string, fn: (...a: unknown[]) => unknown) => {
        handlers.set(ch, fn);
        calls.push(`ipcMain.handle:${ch}`);
      },
      on: (ch: string, fn: (...a: unknown[]) => unknown) => {
        handlers.set(ch, fn);
        calls.push(`ipcMain.on:${ch}`);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: () => calls.push('registerSchemesAsPrivileged'),
      handle: (scheme: string) => calls.push(`protocol.handle:${scheme}`),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => calls.push('setPermissionRequestHandler'),
        setPermissionCheckHandler: () => calls.push('setPermissionCheckHandler'),
        webRequest: { onHeadersReceived: () => {} },
      },
    },
  };
  const spawnEngine = vi.fn();
  return { calls, ready: () => ready(), windows, electron, spawnEngine, appOn, contentsSend, handlers };
});

vi.mock('electron', () => ({ ...h.electron, default: h.electron }));
vi.mock('../../engine/worker/entry?nodeWorker', () => ({ default: h.spawnEngine }));

describe('electron main wiring', () => {
  beforeAll(async () => {
    process.argv = ['/opt/pfnlab/pfnlab', '/home/u/a.ts', '--flag', 'notes.txt'];
    await import('./index');
  });

  it('registers the app scheme and the sandbox, then takes the single-instance lock with our files, before ready', () => {
    expect(h.calls.slice(0, 2)).toEqual(['registerSchemesAsPrivileged', 'enableSandbox']);
    expect(h.calls).toContain('lock:{"files":["/home/u/a.ts"]}');
    expect(h.calls).toEqual(expect.arrayContaining(['app.on:second-instance', 'app.on:open-file']));
    expect(h.calls).not.toContain('BrowserWindow');
    expect(h.calls).not.toContain('quit');
    expect(h.spawnEngine).not.toHaveBeenCalled();
  });

  it('after ready: hardens the session, serves app://, registers IPC and the menu, opens the window', async () => {
    h.ready();
    await vi.waitFor(() => expect(h.calls).toContain('BrowserWindow'));
    expect(h.calls).toEqual(
      expect.arrayContaining([
        'setPermissionRequestHandler',
        'protocol.handle:app',
        'ipcMain.handle:lab:call',
        'ipcMain.on:lab:cancel',
        'ipcMain.handle:lab:app:openFile',
        'ipcMain.handle:lab:app:autosavePut',
        'ipcMain.on:lab:app:setState',
        'ipcMain.on:lab:app:listening',
        'ipcMain.on:lab:app:dropped',
        'setApplicationMenu',
        'app.on:before-quit',
      ]),
    );
    expect(h.windows[0]?.url).toBe('app://lab/index.html');
    expect(h.windows[0]?.opts.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(h.windows[0]?.opts.width).toBe(1400);
    expect(String(h.windows[0]?.opts.webPreferences?.['preload'])).toMatch(/preload[\\/]index\.cjs$/);
  });

  it('the file on the command line opens once the page listens, and only handed-over paths are readable', async () => {
    const contents = { id: 1, isDestroyed: () => false, send: h.contentsSend };
    const event = { sender: contents, senderFrame: { url: 'app://lab/index.html' } };
    expect(h.contentsSend).not.toHaveBeenCalled();
    h.handlers.get('lab:app:listening')?.(event);
    expect(h.contentsSend).toHaveBeenCalledWith('lab:app:command', {
      id: 'file.openHandle',
      handle: '/home/u/a.ts',
    });
    // allowed (handed over), but not on this machine: ENOENT; a made-up path: EACCES
    await expect(h.handlers.get('lab:app:readFile')?.(event, '/home/u/a.ts')).resolves.toMatchObject({
      ok: false,
      error: { errno: 'ENOENT' },
    });
    await expect(h.handlers.get('lab:app:readFile')?.(event, '/home/u/b.ts')).resolves.toMatchObject({
      ok: false,
      error: { errno: 'EACCES' },
    });

    // a second instance's file, too
    h.appOn.get('second-instance')?.({}, ['/opt/pfnlab/pfnlab', 'c.ts'], '/home/u', {
      files: ['/home/u/c.ts'],
    });
    expect(h.contentsSend).toHaveBeenLastCalledWith('lab:app:command', {
      id: 'file.openHandle',
      handle: '/home/u/c.ts',
    });
  });
});
