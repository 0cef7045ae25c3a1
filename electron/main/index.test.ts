/**
 * The wiring of electron/main/index.ts with `electron` and the `?nodeWorker`
 * import mocked: scheme registered before ready, protocol, IPC and a
 * hardened window after ready, the engine worker spawned with limits.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => {
  const calls: string[] = [];
  let ready: () => void = () => {};
  const whenReady = new Promise<void>((r) => (ready = r));
  const windows: { opts: { webPreferences?: Record<string, unknown> }; url?: string }[] = [];
  class BrowserWindow {
    static getAllWindows = () => windows;
    webContents = { id: 1, setWindowOpenHandler: () => {}, on: () => {} };
    entry: { opts: { webPreferences?: Record<string, unknown> }; url?: string };
    constructor(opts: { webPreferences?: Record<string, unknown> }) {
      this.entry = { opts };
      windows.push(this.entry);
      calls.push('BrowserWindow');
    }
    once() {}
    on() {}
    show() {}
    loadURL(url: string) {
      this.entry.url = url;
      return Promise.resolve();
    }
  }
  const electron = {
    app: {
      isPackaged: true,
      enableSandbox: () => calls.push('enableSandbox'),
      whenReady: () => whenReady,
      on: (name: string) => calls.push(`app.on:${name}`),
      quit: () => {},
    },
    BrowserWindow,
    ipcMain: {
      handle: (ch: string) => calls.push(`ipcMain.handle:${ch}`),
      on: (ch: string) => calls.push(`ipcMain.on:${ch}`),
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
  return { calls, ready: () => ready(), windows, electron, spawnEngine };
});

vi.mock('electron', () => ({ ...h.electron, default: h.electron }));
vi.mock('../../engine/worker/entry?nodeWorker', () => ({ default: h.spawnEngine }));

describe('electron main wiring', () => {
  beforeAll(async () => {
    await import('./index');
  });

  it('registers the app scheme and the sandbox before ready', () => {
    expect(h.calls.slice(0, 2)).toEqual(['registerSchemesAsPrivileged', 'enableSandbox']);
    expect(h.calls).not.toContain('BrowserWindow');
    expect(h.spawnEngine).not.toHaveBeenCalled();
  });

  it('after ready: hardens the session, serves app://, registers IPC, opens the window', async () => {
    h.ready();
    await new Promise((r) => setTimeout(r, 0));
    expect(h.calls).toEqual(
      expect.arrayContaining([
        'setPermissionRequestHandler',
        'protocol.handle:app',
        'ipcMain.handle:lab:call',
        'ipcMain.on:lab:cancel',
        'BrowserWindow',
      ]),
    );
    expect(h.windows[0]?.url).toBe('app://lab/index.html');
    expect(h.windows[0]?.opts.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(String(h.windows[0]?.opts.webPreferences?.['preload'])).toMatch(/preload[\\/]index\.cjs$/);
  });
});
