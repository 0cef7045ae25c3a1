import { describe, expect, it, vi } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import { createMainWindow, type BrowserWindowCtor } from './window';

vi.mock('electron', () => ({}));

describe('main window', () => {
  it('is created hidden with hardened preferences, loads the app URL and shows when ready', () => {
    const seen: { opts?: BrowserWindowConstructorOptions; url?: string; once: Map<string, () => void> } = {
      once: new Map(),
    };
    const contents = { setWindowOpenHandler: vi.fn(), on: vi.fn() };
    const show = vi.fn();
    class FakeWindow {
      webContents = contents;
      constructor(opts: BrowserWindowConstructorOptions) {
        seen.opts = opts;
      }
      once(name: string, fn: () => void) {
        seen.once.set(name, fn);
      }
      show = show;
      loadURL(url: string) {
        seen.url = url;
        return Promise.resolve();
      }
    }
    createMainWindow(FakeWindow as unknown as BrowserWindowCtor, {
      preload: '/app/out/preload/index.cjs',
      url: 'app://lab/index.html',
      appOrigin: 'app://lab',
    });
    expect(seen.opts?.show).toBe(false);
    expect(seen.opts?.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(seen.url).toBe('app://lab/index.html');
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
    expect(show).not.toHaveBeenCalled();
    seen.once.get('ready-to-show')?.();
    expect(show).toHaveBeenCalled();
  });

  it('opens at the restored bounds and maximizes before showing when it was maximized', () => {
    let opts: BrowserWindowConstructorOptions | undefined;
    const order: string[] = [];
    let ready: () => void = () => {};
    class FakeWindow {
      webContents = { setWindowOpenHandler: vi.fn(), on: vi.fn() };
      constructor(o: BrowserWindowConstructorOptions) {
        opts = o;
      }
      once(_n: string, fn: () => void) {
        ready = fn;
      }
      maximize = () => order.push('maximize');
      show = () => order.push('show');
      loadURL = () => Promise.resolve();
    }
    createMainWindow(FakeWindow as unknown as BrowserWindowCtor, {
      preload: '/p.cjs',
      url: 'app://lab/index.html',
      appOrigin: 'app://lab',
      bounds: { x: 10, y: 20, width: 1000, height: 700 },
      maximized: true,
    });
    expect(opts).toMatchObject({ x: 10, y: 20, width: 1000, height: 700, minWidth: 900, minHeight: 600 });
    ready();
    expect(order).toEqual(['maximize', 'show']);
  });
});
