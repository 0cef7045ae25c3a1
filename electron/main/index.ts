/**
 * Electron main: wiring only. The logic lives in the modules beside this one
 * (security, app-protocol, engine-supervisor, ipc, app-ipc, desktop-host,
 * app-shell, menu, window, window-state, single-instance, quit-prompt…),
 * which take their Electron objects as parameters and are tested with
 * `electron` mocked.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session } from 'electron';
import createEngineWorker from '../../engine/worker/entry?nodeWorker';
import type { VersionInfo } from '../shared/lab-api';
import { showAbout } from './about';
import { AllowedPaths } from './allowed-paths';
import { registerAppIpc } from './app-ipc';
import { APP_INDEX_URL, APP_ORIGIN, handleAppProtocol, registerAppScheme } from './app-protocol';
import { AppShell } from './app-shell';
import { AutosaveStore } from './autosave';
import { DesktopHost } from './desktop-host';
import { EngineSupervisor } from './engine-supervisor';
import { HostCommands } from './host-commands';
import { registerIpc, trustedSenderCheck } from './ipc';
import { flushBeforeExit, guardClose, trackQuitting } from './quit-prompt';
import { RecentFiles } from './recent-files';
import { contentSecurityPolicy, hardenSession } from './security';
import { claimSingleInstance } from './single-instance';
import { createMainWindow } from './window';
import { loadWindowState, trackWindowState } from './window-state';

const APP_NAME = 'PFN Lab';
/** How long the exit waits for a closing page's last autosave message. */
const EXIT_GRACE_MS = 150;
const devServer = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appOrigin = devServer ?? APP_ORIGIN;
const rendererRoot = new URL('../renderer/', import.meta.url);
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const log = (msg: string): void => console.error(msg);

registerAppScheme(protocol);
app.enableSandbox();

const allowed = new AllowedPaths();
const commands = new HostCommands();
const engine = new EngineSupervisor((opts) => createEngineWorker(opts), {
  rss: () => process.memoryUsage.rss(),
  log,
});

async function versions() {
  const r = await engine.call('version', {});
  return {
    app: app.getVersion(),
    engine: r.ok ? (r.value as VersionInfo) : r.error.message,
    electron: process.versions.electron,
    chromium: process.versions.chrome,
    node: process.versions.node,
  };
}

const userData = app.getPath('userData');
/** Where Save dialogs start: Documents, else home (getPath throws where the system names no Documents folder). */
function documentsDir(): string {
  try {
    return app.getPath('documents');
  } catch {
    return app.getPath('home');
  }
}
const recent = new RecentFiles(join(userData, 'recent-files.json'), app, {
  log,
  onChange: (files) => shell.setRecent(files),
});
const shell = new AppShell({
  Menu,
  commands,
  about: (win) => void showAbout(dialog, win, APP_NAME, versions).catch((e: unknown) => log(String(e))),
  clearRecent: () => void recent.clear(),
  isPackaged: app.isPackaged,
  platform: process.platform,
  appName: APP_NAME,
  setThemeSource: (theme) => (nativeTheme.themeSource = theme),
});
const autosave = new AutosaveStore(join(userData, 'autosave'), log);
const host = new DesktopHost({
  dialog,
  allowed,
  recent,
  autosave,
  documentsDir: documentsDir(),
});
const quit = trackQuitting(app);
/** The webContents ids of our windows (the IPC sender check). */
const windows = new Set<number>();
const windowStatePath = join(userData, 'window-state.json');

async function openWindow(): Promise<void> {
  const state = await loadWindowState(windowStatePath, screen, log);
  const win = createMainWindow(BrowserWindow, {
    preload,
    url: devServer ?? APP_INDEX_URL,
    appOrigin,
    bounds: state.bounds,
    maximized: state.maximized,
  });
  const id = win.webContents.id;
  // Kept after 'closed': webContents ids are never reused, and the closing page's last
  // messages (its autosave flush on pagehide) may arrive after the window is gone.
  windows.add(id);
  trackWindowState(win, windowStatePath, { log });
  guardClose(win, {
    app,
    quit,
    dialog,
    dirty: () => shell.stateOf({ id })?.dirtyDocuments ?? [],
    appName: APP_NAME,
    parent: win,
  });
  shell.addWindow(win);
}

function start(): void {
  void app.whenReady().then(async () => {
    const csp = contentSecurityPolicy(devServer ? { devServer } : {});
    hardenSession(session.defaultSession, devServer ? { devServer } : {});
    handleAppProtocol(protocol, (path) => readFile(fileURLToPath(new URL(path, rendererRoot))), csp);
    const isTrustedSender = trustedSenderCheck((contents) => windows.has(contents.id), appOrigin);
    registerIpc(ipcMain, engine, isTrustedSender);
    registerAppIpc(ipcMain, {
      host,
      allowed,
      commands,
      isTrustedSender,
      windowOf: (contents) => BrowserWindow.fromWebContents(contents),
      onState: (contents, state) => shell.setState(contents, state),
      log,
    });
    await host.init();
    await openWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void openWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', () => void engine.dispose());
  // The last autosaves reach the disk before the app exits (a short grace for a late page flush).
  flushBeforeExit(app, async () => {
    await new Promise((r) => setTimeout(r, EXIT_GRACE_MS));
    await autosave.idle();
  });
}

// A second start hands its files to this instance's window and quits.
const primary = claimSingleInstance(app, {
  argv: process.argv,
  cwd: process.cwd(),
  onFiles: (paths) => {
    for (const p of paths) allowed.add(p);
    shell.openFiles(paths);
  },
  onSecondInstance: () => shell.focusMain(),
});
if (primary) start();
else app.quit();
