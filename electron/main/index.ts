/**
 * Electron main: wiring only. The logic lives in the modules beside this one
 * (security, app-protocol, engine-supervisor, ipc, window), which take their
 * Electron objects as parameters and are tested with `electron` mocked.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import createEngineWorker from '../../engine/worker/entry?nodeWorker';
import { APP_INDEX_URL, APP_ORIGIN, handleAppProtocol, registerAppScheme } from './app-protocol';
import { EngineSupervisor } from './engine-supervisor';
import { registerIpc, trustedSenderCheck } from './ipc';
import { contentSecurityPolicy, hardenSession } from './security';
import { createMainWindow } from './window';

const devServer = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const appOrigin = devServer ?? APP_ORIGIN;
const rendererRoot = new URL('../renderer/', import.meta.url);
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

registerAppScheme(protocol);
app.enableSandbox();

const engine = new EngineSupervisor((opts) => createEngineWorker(opts), {
  rss: () => process.memoryUsage.rss(),
  log: (msg) => console.error(msg),
});

const windows = new Set<number>();

function openWindow(): void {
  const win = createMainWindow(BrowserWindow, {
    preload,
    url: devServer ?? APP_INDEX_URL,
    appOrigin,
  });
  const id = win.webContents.id;
  windows.add(id);
  win.on('closed', () => windows.delete(id));
}

void app.whenReady().then(() => {
  const csp = contentSecurityPolicy(devServer ? { devServer } : {});
  hardenSession(session.defaultSession, devServer ? { devServer } : {});
  handleAppProtocol(protocol, (path) => readFile(fileURLToPath(new URL(path, rendererRoot))), csp);
  registerIpc(
    ipcMain,
    engine,
    trustedSenderCheck((contents) => windows.has(contents.id), appOrigin),
  );
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => void engine.dispose());
