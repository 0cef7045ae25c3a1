/** The main window: hardened preferences, restored bounds, no menu bar surprises, shown when ready. */
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { hardenWebContents, secureWebPreferences } from './security';
import { DEFAULT_SIZE, MIN_SIZE } from './window-state';

export type BrowserWindowCtor = new (opts: BrowserWindowConstructorOptions) => BrowserWindow;

export function createMainWindow(
  Ctor: BrowserWindowCtor,
  opts: { preload: string; url: string; appOrigin: string; bounds?: Rectangle; maximized?: boolean },
): BrowserWindow {
  const win = new Ctor({
    ...DEFAULT_SIZE,
    ...opts.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'PFN Lab',
    backgroundColor: '#14161a',
    webPreferences: secureWebPreferences(opts.preload),
  });
  hardenWebContents(win.webContents, opts.appOrigin);
  win.once('ready-to-show', () => {
    if (opts.maximized) win.maximize();
    win.show();
  });
  void win.loadURL(opts.url);
  return win;
}
