/**
 * Preload (CommonJS, sandboxed): exposes exactly one object, `window.lab`,
 * and nothing of Electron or Node. Requires nothing but `electron`.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { AppHost, HostCommand, HostResult } from '../shared/app-host';
import { IPC, type IpcInvoke, type IpcPush } from '../shared/ipc';
import type { AppMethod, EventMessage, LabApi, LabResult } from '../shared/lab-api';

let nextCallId = 1;
const listeners = new Map<number, (e: EventMessage) => void>();
const latest = new Map<AppMethod, number>();
const commandListeners = new Set<(cmd: HostCommand) => void>();

ipcRenderer.on(IPC.event, (_ev, ...[callId, event]: IpcPush[typeof IPC.event]) => {
  listeners.get(callId)?.(event);
});

ipcRenderer.on(IPC.appCommand, (_ev, ...[cmd]: IpcPush[typeof IPC.appCommand]) => {
  for (const l of [...commandListeners]) l(cmd);
});

/** One AppHost invoke; a transport failure is an error value, as in `call`. */
async function invoke<C extends keyof IpcInvoke>(
  channel: C,
  ...args: IpcInvoke[C]['args']
): Promise<IpcInvoke[C]['result']> {
  try {
    return (await ipcRenderer.invoke(channel, ...args)) as IpcInvoke[C]['result'];
  } catch (e) {
    const failed: HostResult<never> = {
      ok: false,
      error: {
        errno: 'EIO',
        message: `the app did not answer (${e instanceof Error ? e.message : String(e)})`,
      },
    };
    return failed;
  }
}

const app: AppHost = {
  openFile: (kind) => invoke(IPC.appOpenFile, kind),
  readFile: (handle) => invoke(IPC.appReadFile, handle),
  saveFile: (handle, data) => invoke(IPC.appSaveFile, handle, data),
  saveFileAs: (name, data, kind) => invoke(IPC.appSaveFileAs, name, data, kind),
  recentFiles: () => invoke(IPC.appRecentFiles),
  clearRecentFiles: () => invoke(IPC.appClearRecentFiles),
  autosaveList: () => invoke(IPC.appAutosaveList),
  autosavePut: (doc) => invoke(IPC.appAutosavePut, doc),
  autosaveRemove: (id) => invoke(IPC.appAutosaveRemove, id),
  setState(state) {
    ipcRenderer.send(IPC.appSetState, state);
  },
  onCommand(listener) {
    const first = commandListeners.size === 0;
    commandListeners.add(listener);
    // Main holds commands (a file on the command line) until the page listens.
    if (first) ipcRenderer.send(IPC.appListening);
    return () => void commandListeners.delete(listener);
  },
  handleForFile(file) {
    // Only a File from a drop or a file input has a path; the page cannot make one up.
    const path = webUtils.getPathForFile(file);
    if (!path) return null;
    ipcRenderer.send(IPC.appDropped, path);
    return path;
  },
};

const lab: LabApi = {
  host: 'electron',
  async call(method, params, onEvent) {
    const callId = nextCallId++;
    latest.set(method, callId);
    if (onEvent) listeners.set(callId, onEvent);
    try {
      const args: IpcInvoke[typeof IPC.call]['args'] = [callId, method, params];
      return (await ipcRenderer.invoke(IPC.call, ...args)) as LabResult<never>;
    } catch (e) {
      return { ok: false, error: { errno: 'EPROTO', message: e instanceof Error ? e.message : String(e) } };
    } finally {
      listeners.delete(callId);
      if (latest.get(method) === callId) latest.delete(method);
    }
  },
  cancel(method) {
    const callId = latest.get(method);
    if (callId !== undefined) ipcRenderer.send(IPC.cancel, callId);
  },
  async stop() {
    // Never rejects, as `call`: a refused or failed stop leaves the engine as it was.
    try {
      await ipcRenderer.invoke(IPC.stop);
    } catch {
      /* the IPC is gone: nothing to stop */
    }
  },
  app,
};

contextBridge.exposeInMainWorld('lab', lab);
