/**
 * IPC channel map between electron/preload and electron/main. Every channel
 * the preload uses is listed here with its arguments and reply; main
 * validates each argument and the sender before acting.
 */
import type {
  AppState,
  AutosavedDocument,
  FileKind,
  FileRef,
  HostCommand,
  HostResult,
  OpenedFile,
  RecentFile,
} from './app-host';
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

  // AppHost (app-host.ts): every invoke answers a HostResult.
  appOpenFile: 'lab:app:openFile',
  appReadFile: 'lab:app:readFile',
  appSaveFile: 'lab:app:saveFile',
  appSaveFileAs: 'lab:app:saveFileAs',
  appRecentFiles: 'lab:app:recentFiles',
  appClearRecentFiles: 'lab:app:clearRecentFiles',
  appAutosaveList: 'lab:app:autosaveList',
  appAutosavePut: 'lab:app:autosavePut',
  appAutosaveRemove: 'lab:app:autosaveRemove',
  /** send: (state) — the renderer's AppState (menus, title, quit prompt) */
  appSetState: 'lab:app:setState',
  /** send: () — the renderer listens for host commands now (main holds them until then) */
  appListening: 'lab:app:listening',
  /** send: (path) — the path of a file the user dropped (from webUtils.getPathForFile in the preload) */
  appDropped: 'lab:app:dropped',
  /** main → renderer: (cmd) — a HostCommand */
  appCommand: 'lab:app:command',
} as const;

/** renderer → main, `ipcRenderer.invoke` / `ipcMain.handle`. */
export interface IpcInvoke {
  [IPC.call]: { args: [callId: number, method: AppMethod, params: unknown]; result: LabResult<unknown> };
  [IPC.stop]: { args: []; result: LabResult<null> };
  [IPC.appOpenFile]: { args: [kind: FileKind]; result: HostResult<OpenedFile | null> };
  [IPC.appReadFile]: { args: [handle: string]; result: HostResult<OpenedFile> };
  [IPC.appSaveFile]: { args: [handle: string, data: string]; result: HostResult<FileRef> };
  [IPC.appSaveFileAs]: {
    args: [suggestedName: string, data: string | Uint8Array, kind: FileKind];
    result: HostResult<FileRef | null>;
  };
  [IPC.appRecentFiles]: { args: []; result: HostResult<RecentFile[]> };
  [IPC.appClearRecentFiles]: { args: []; result: HostResult<null> };
  [IPC.appAutosaveList]: { args: []; result: HostResult<AutosavedDocument[]> };
  [IPC.appAutosavePut]: { args: [doc: AutosavedDocument]; result: HostResult<null> };
  [IPC.appAutosaveRemove]: { args: [id: string]; result: HostResult<null> };
}

/** renderer → main, `ipcRenderer.send` / `ipcMain.on`. */
export interface IpcSend {
  [IPC.cancel]: [callId: number];
  [IPC.appSetState]: [state: AppState];
  [IPC.appListening]: [];
  [IPC.appDropped]: [path: string];
}

/** main → renderer, `webContents.send` / `ipcRenderer.on`. */
export interface IpcPush {
  [IPC.event]: [callId: number, event: EventMessage];
  [IPC.appCommand]: [cmd: HostCommand];
}

/** The AppHost channels answered by `ipcMain.handle`, by AppHost method. */
export const APP_INVOKE = {
  openFile: IPC.appOpenFile,
  readFile: IPC.appReadFile,
  saveFile: IPC.appSaveFile,
  saveFileAs: IPC.appSaveFileAs,
  recentFiles: IPC.appRecentFiles,
  clearRecentFiles: IPC.appClearRecentFiles,
  autosaveList: IPC.appAutosaveList,
  autosavePut: IPC.appAutosavePut,
  autosaveRemove: IPC.appAutosaveRemove,
} as const;
