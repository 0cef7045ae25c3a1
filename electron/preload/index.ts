/**
 * Preload (CommonJS, sandboxed): exposes exactly one object, `window.lab`,
 * and nothing of Electron or Node. Requires nothing but `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type IpcInvoke, type IpcPush } from '../shared/ipc';
import type { AppMethod, EventMessage, LabApi, LabResult } from '../shared/lab-api';

let nextCallId = 1;
const listeners = new Map<number, (e: EventMessage) => void>();
const latest = new Map<AppMethod, number>();

ipcRenderer.on(IPC.event, (_ev, ...[callId, event]: IpcPush[typeof IPC.event]) => {
  listeners.get(callId)?.(event);
});

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
};

contextBridge.exposeInMainWorld('lab', lab);
