/**
 * The main side of the IPC channel map: validates sender and arguments, then
 * forwards to the engine supervisor. Takes `ipcMain` as a parameter.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventMessage, Method, ParamsOf } from '../../engine/worker/protocol';
import { IPC } from '../shared/ipc';
import { isAppMethod, type LabResult, type WireError } from '../shared/lab-api';
import type { EngineSupervisor } from './engine-supervisor';
import { isAppUrl } from './security';

/** Largest params object accepted, in characters of its JSON form (scenario sources included). */
export const MAX_PARAMS_CHARS = 4 * 1024 * 1024;

type Engine = Pick<EngineSupervisor, 'call' | 'cancel' | 'stop'>;

function bad(message: string): LabResult<never> {
  const error: WireError = { errno: 'EINVAL', message };
  return { ok: false, error };
}

export function isCallId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

/** A plain data object (no prototype tricks, functions are not cloneable anyway) of bounded size. */
export function isPlainParams(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  try {
    return (
      JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)).length <=
      MAX_PARAMS_CHARS
    );
  } catch {
    return false;
  }
}

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'on'>,
  engine: Engine,
  isTrustedSender: (event: IpcMainInvokeEvent | IpcMainEvent) => boolean,
): void {
  /** Engine request ids of running calls, by `${webContents id}:${callId}`. */
  const running = new Map<string, number>();

  ipcMain.handle(IPC.call, async (event, callId: unknown, method: unknown, params: unknown) => {
    if (!isTrustedSender(event)) return bad('untrusted sender');
    if (!isCallId(callId)) return bad('callId must be a positive safe integer');
    if (!isAppMethod(method)) return bad(`unknown method ${String(method)}`);
    if (!isPlainParams(params)) return bad('params must be a plain object of bounded size');
    const sender: WebContents = event.sender;
    const key = `${sender.id}:${callId}`;
    try {
      return await engine.call(method as Method, params as ParamsOf<Method>, {
        onSent: (id) => running.set(key, id),
        onEvent: (e: EventMessage) => {
          if (!sender.isDestroyed()) sender.send(IPC.event, callId, e);
        },
      });
    } finally {
      running.delete(key);
    }
  });

  ipcMain.handle(IPC.stop, async (event, ...args: unknown[]): Promise<LabResult<null>> => {
    if (!isTrustedSender(event)) return bad('untrusted sender');
    if (args.length !== 0) return bad('stop takes no arguments');
    try {
      await engine.stop();
      return { ok: true, value: null };
    } catch (e) {
      return {
        ok: false,
        error: { errno: 'EINTERNAL', message: e instanceof Error ? e.message : String(e) },
      };
    }
  });

  ipcMain.on(IPC.cancel, (event, callId: unknown) => {
    if (!isTrustedSender(event) || !isCallId(callId)) return;
    const id = running.get(`${event.sender.id}:${callId}`);
    if (id !== undefined) engine.cancel(id);
  });
}

/** Sender check: the main frame of one of our windows, showing our origin. */
export function trustedSenderCheck(isOurs: (contents: WebContents) => boolean, appOrigin: string) {
  return (event: IpcMainInvokeEvent | IpcMainEvent): boolean => {
    const frame = event.senderFrame;
    return frame !== null && isOurs(event.sender) && isAppUrl(frame.url, appOrigin);
  };
}
