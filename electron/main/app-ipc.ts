/**
 * The AppHost channels in main: checks the sender and every argument (types,
 * sizes, kinds; paths are checked against the allow-set by DesktopHost),
 * then answers from DesktopHost. Errors are values (HostResult), never throws.
 */
import type { BrowserWindow, IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import type { AppState, HostResult } from '../shared/app-host';
import { IPC } from '../shared/ipc';
import { isPathArg, type AllowedPaths } from './allowed-paths';
import { isAutosavedDocument, isDocId, MAX_NAME_CHARS } from './autosave';
import type { DesktopHost } from './desktop-host';
import { byteLength, MAX_FILE_BYTES, mib } from './files';
import { hostError } from './host-errors';
import type { HostCommands } from './host-commands';
import { isFileKind } from './recent-files';

/** Most dirty documents a state may list (the quit prompt lists them). */
export const MAX_DIRTY = 1000;

type Host = Pick<
  DesktopHost,
  | 'openFile'
  | 'readFile'
  | 'saveFile'
  | 'saveFileAs'
  | 'recentFiles'
  | 'clearRecentFiles'
  | 'autosaveList'
  | 'autosavePut'
  | 'autosaveRemove'
>;

export interface AppIpcDeps {
  host: Host;
  allowed: AllowedPaths;
  commands: Pick<HostCommands, 'markListening'>;
  isTrustedSender: (event: IpcMainInvokeEvent | IpcMainEvent) => boolean;
  windowOf: (contents: WebContents) => BrowserWindow | null;
  onState: (contents: WebContents, state: AppState) => void;
  log?: (msg: string) => void;
}

const bad = (message: string) => hostError('EINVAL', message);

const isName = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_NAME_CHARS;

function dataProblem(data: unknown, binaryOk: boolean): string | null {
  const isBytes = data instanceof Uint8Array;
  if (typeof data !== 'string' && !(binaryOk && isBytes)) {
    return binaryOk ? 'data must be a string or a Uint8Array' : 'data must be a string';
  }
  const size = byteLength(data as string | Uint8Array);
  return size > MAX_FILE_BYTES
    ? `refusing to write ${mib(size)} (the limit is ${mib(MAX_FILE_BYTES)})`
    : null;
}

/** A validated copy of an AppState (extra keys dropped), or null. */
export function parseAppState(v: unknown): AppState | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const s = v as Record<string, unknown>;
  const dirty = s['dirtyDocuments'];
  const active = s['activeDocument'];
  const theme = s['theme'];
  const flags = ['running', 'hasRun', 'canStepBack', 'canStepForward'] as const;
  if (!Array.isArray(dirty) || dirty.length > MAX_DIRTY || !dirty.every(isName)) return null;
  if (active !== null && !isName(active)) return null;
  if (theme !== 'system' && theme !== 'light' && theme !== 'dark') return null;
  if (!flags.every((f) => typeof s[f] === 'boolean')) return null;
  return {
    dirtyDocuments: [...(dirty as string[])],
    activeDocument: active as string | null,
    running: s['running'] as boolean,
    hasRun: s['hasRun'] as boolean,
    canStepBack: s['canStepBack'] as boolean,
    canStepForward: s['canStepForward'] as boolean,
    theme,
  };
}

export function registerAppIpc(ipcMain: Pick<IpcMain, 'handle' | 'on'>, d: AppIpcDeps): void {
  const log = d.log ?? (() => {});
  /** One handler: sender check, argument check, then the host; a throw becomes EIO. */
  const handle = (
    channel: string,
    check: (args: unknown[]) => string | null,
    run: (event: IpcMainInvokeEvent, args: unknown[]) => Promise<HostResult<unknown>>,
  ): void => {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!d.isTrustedSender(event)) return bad('untrusted sender');
      const problem = check(args);
      if (problem !== null) return bad(`${channel}: ${problem}`);
      try {
        return await run(event, args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log(`${channel}: ${message}`);
        return hostError('EIO', `${channel}: ${message}`);
      }
    });
  };
  const arity = (n: number) => (args: unknown[]) => (args.length === n ? null : `takes ${n} argument(s)`);
  const both =
    (...checks: ((args: unknown[]) => string | null)[]) =>
    (args: unknown[]) => {
      for (const c of checks) {
        const p = c(args);
        if (p !== null) return p;
      }
      return null;
    };
  const handleArg = (args: unknown[]) => (isPathArg(args[0]) ? null : 'handle must be an absolute path');

  handle(
    IPC.appOpenFile,
    both(arity(1), (a) => (isFileKind(a[0]) ? null : `unknown file kind ${String(a[0])}`)),
    (ev, [kind]) => d.host.openFile(d.windowOf(ev.sender), kind as never),
  );
  handle(IPC.appReadFile, both(arity(1), handleArg), (_ev, [h]) => d.host.readFile(h as string));
  handle(
    IPC.appSaveFile,
    both(arity(2), handleArg, (a) => dataProblem(a[1], false)),
    (_ev, [h, data]) => d.host.saveFile(h as string, data as string),
  );
  handle(
    IPC.appSaveFileAs,
    both(
      arity(3),
      (a) => (isName(a[0]) ? null : 'suggestedName must be a string'),
      (a) => dataProblem(a[1], true),
      (a) => (isFileKind(a[2]) ? null : `unknown file kind ${String(a[2])}`),
    ),
    (ev, [name, data, kind]) =>
      d.host.saveFileAs(d.windowOf(ev.sender), name as string, data as string | Uint8Array, kind as never),
  );
  handle(IPC.appRecentFiles, arity(0), () => d.host.recentFiles());
  handle(IPC.appClearRecentFiles, arity(0), () => d.host.clearRecentFiles());
  handle(IPC.appAutosaveList, arity(0), () => d.host.autosaveList());
  handle(
    IPC.appAutosavePut,
    both(arity(1), (a) => (isAutosavedDocument(a[0]) ? null : 'not an autosaved document')),
    (_ev, [doc]) => d.host.autosavePut(doc as never),
  );
  handle(
    IPC.appAutosaveRemove,
    both(arity(1), (a) => (isDocId(a[0]) ? null : 'id must be a non-empty string')),
    (_ev, [id]) => d.host.autosaveRemove(id as string),
  );

  ipcMain.on(IPC.appSetState, (event, ...args: unknown[]) => {
    if (!d.isTrustedSender(event)) return;
    const state = args.length === 1 ? parseAppState(args[0]) : null;
    if (state === null) log('setState: refused a malformed AppState');
    else d.onState(event.sender, state);
  });
  ipcMain.on(IPC.appListening, (event, ...args: unknown[]) => {
    if (d.isTrustedSender(event) && args.length === 0) d.commands.markListening(event.sender);
  });
  ipcMain.on(IPC.appDropped, (event, ...args: unknown[]) => {
    // Only the preload sends this, with webUtils.getPathForFile of a File the user dropped.
    if (d.isTrustedSender(event) && args.length === 1 && isPathArg(args[0])) d.allowed.add(args[0]);
  });
}
