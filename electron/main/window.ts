/** The main window: hardened preferences, no menu bar surprises, shown when ready. */
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { hardenWebContents, secureWebPreferences } from './security';

export type BrowserWindowCtor = new (opts: BrowserWindowConstructorOptions) => BrowserWindow;

export function createMainWindow(
  Ctor: BrowserWindowCtor,
  opts: { preload: string; url: string; appOrigin: string },
): BrowserWindow {
  const win = new Ctor({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'PFN Lab',
    backgroundColor: '#14161a',
    webPreferences: secureWebPreferences(opts.preload),
  });
  hardenWebContents(win.webContents, opts.appOrigin);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.url);
  return win;
}
