/**
 * IPC channel map between electron/preload and electron/main. Every channel
 * the preload uses is listed here with its arguments and reply; main
 * validates each argument and the sender before acting.
 */
import type { AppMethod, EventMessage, LabResult } from './lab-api';

export const IPC = {
  /** invoke: (callId, method, params) → LabResult<result> */
  call: 'lab:call',
  /** send: (callId) — cancel a running call */
  cancel: 'lab:cancel',
  /** invoke: () → LabResult<null> — stop the engine (restart it), resolved once the new one is ready */
  stop: 'lab:stop',
  /** main → renderer: (callId, event) — an event of a running call */
  event: 'lab:event',
} as const;

/** renderer → main, `ipcRenderer.invoke` / `ipcMain.handle`. */
export interface IpcInvoke {
  [IPC.call]: { args: [callId: number, method: AppMethod, params: unknown]; result: LabResult<unknown> };
  [IPC.stop]: { args: []; result: LabResult<null> };
}

/** renderer → main, `ipcRenderer.send` / `ipcMain.on`. */
export interface IpcSend {
  [IPC.cancel]: [callId: number];
}

/** main → renderer, `webContents.send` / `ipcRenderer.on`. */
export interface IpcPush {
  [IPC.event]: [callId: number, event: EventMessage];
}
