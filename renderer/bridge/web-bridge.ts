/**
 * Browser mode's LabApi: the engine runs in a Web Worker (the same entry the
 * desktop app runs in a Node worker thread), spoken to with the same
 * protocol client, under the rules of electron/shared/engine-rules.ts:
 *
 * - `stop()` terminates the worker (a `while (true) {}` never yields, so
 *   nothing inside it could stop it), fails its pending calls ECANCELED,
 *   starts a fresh worker and resolves once that one is ready;
 * - while a scenario runs, `version` is answered from the `ready` event's
 *   version and other calls fail EBUSY at once;
 * - every call has a wall-clock budget (`run`/`failnth`: `params.timeoutMs`,
 *   default 30 s as the CLI): over it the worker is replaced and the call
 *   fails ETIMEDOUT;
 * - a crashed worker fails its calls ECRASHED; the next call starts a new one.
 */
import { EngineClient } from '../../engine/worker/client';
import { EngineError, type VersionInfo, type WireError } from '../../engine/worker/protocol';
import EngineWorker from '../../engine/worker/entry?worker';
import {
  isAppMethod,
  type AppMethod,
  type EventMessage,
  type LabApi,
  type LabResult,
} from '../../electron/shared/lab-api';
import {
  busyError,
  DEFAULT_RUN_TIMEOUT_MS,
  isScenarioMethod,
  requestedTimeout,
  stoppedError,
  timeoutError,
} from '../../electron/shared/engine-rules';
import type { AppHost } from '../../electron/shared/app-host';
import { createWebAppHost } from './web-app-host';

/** The part of a DOM Worker the bridge uses. */
export interface WebWorkerLike {
  postMessage(msg: unknown): void;
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'error', fn: (ev: { message?: string }) => void): void;
  terminate(): void;
}

export interface WebBridgeOptions {
  /** Wall-clock budget of a call without `params.timeoutMs`, ms (default 30 s). */
  timeoutMs?: number;
  /** Files, autosave and recent files (default: the browser's, web-app-host.ts). */
  app?: AppHost;
}

/** One worker and what the bridge knows of it. */
interface Slot {
  worker: WebWorkerLike;
  client: EngineClient;
  /** Settles when the worker announced `ready`, or ended before that. */
  ready: Promise<void>;
  markReady: () => void;
  /** Set once the slot is ended: why (its calls that had not been sent yet fail with it). */
  ended: WireError | null;
  /** Calls admitted on this worker and not settled; how many of them run a scenario. */
  calls: number;
  scenarios: number;
}

export function createWebBridge(
  spawn: () => WebWorkerLike = () => new EngineWorker(),
  opts: WebBridgeOptions = {},
): LabApi {
  const defaultBudget = opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  let current: Slot | null = null;
  /** The version the latest worker announced (static per build). */
  let info: VersionInfo | null = null;
  /** The latest request of each method: its worker's client and id (ids restart with each worker). */
  const latest = new Map<AppMethod, { client: EngineClient; id: number }>();

  const end = (slot: Slot, error: WireError): void => {
    if (slot.ended) return;
    slot.ended = error;
    if (current === slot) current = null;
    slot.worker.terminate();
    slot.client.failAll(error);
    slot.markReady();
  };

  const ensure = (): Slot => {
    if (current) return current;
    const worker = spawn();
    const client = new EngineClient({
      post: (m) => worker.postMessage(m),
      onMessage: (fn) => worker.addEventListener('message', (ev) => fn(ev.data)),
    });
    let markReady = (): void => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const slot: Slot = { worker, client, ready, markReady, ended: null, calls: 0, scenarios: 0 };
    client.onEvent((e) => {
      if (e.event === 'ready' && !slot.ended) {
        info = e.data;
        slot.markReady();
      }
    });
    worker.addEventListener('error', (ev) => {
      end(slot, { errno: 'ECRASHED', message: `engine worker crashed: ${ev.message ?? 'unknown error'}` });
    });
    current = slot;
    return slot;
  };

  /**
   * The request, sent once the worker is ready, under its budget (which also
   * covers the wait for `ready`: a worker that never loads cannot hang a call).
   */
  const send = async (
    slot: Slot,
    method: AppMethod,
    params: unknown,
    budget: number,
    onEvent: ((e: EventMessage) => void) | undefined,
  ): Promise<unknown> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        end(slot, timeoutError(budget));
        ensure(); // the next call finds a worker already loading
      }, budget);
    };
    arm();
    try {
      await slot.ready;
      if (slot.ended) throw new EngineError(slot.ended);
      return await slot.client.request(method, params as never, {
        onSent: (id) => latest.set(method, { client: slot.client, id }),
        onEvent: (e) => {
          if (method === 'failnth' && e.event === 'progress') arm(); // budget per fault-injected run
          onEvent?.(e);
        },
      });
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    host: 'web',
    app: opts.app ?? createWebAppHost(),
    async call(method, params, onEvent) {
      if (!isAppMethod(method)) {
        return { ok: false, error: { errno: 'EINVAL', message: `unknown method ${String(method)}` } };
      }
      const asked = requestedTimeout(method, params);
      if (typeof asked === 'object') return { ok: false, error: asked };
      const busy = current?.scenarios ? current : null;
      if (busy) {
        if (method !== 'version') return { ok: false, error: busyError(method) };
        if (!info) await busy.ready;
        if (info) return { ok: true, value: info } as LabResult<never>;
        return { ok: false, error: busy.ended ?? busyError(method) };
      }
      const slot = ensure();
      const scenario = isScenarioMethod(method);
      slot.calls++;
      if (scenario) slot.scenarios++;
      try {
        const value = await send(slot, method, params, asked ?? defaultBudget, onEvent);
        return { ok: true, value } as LabResult<never>;
      } catch (e) {
        if (e instanceof EngineError) {
          const error: WireError = { errno: e.errno, message: e.message };
          if (e.detail !== undefined) error.detail = e.detail;
          return { ok: false, error };
        }
        return {
          ok: false,
          error: { errno: 'EINTERNAL', message: e instanceof Error ? e.message : String(e) },
        };
      } finally {
        slot.calls--;
        if (scenario) slot.scenarios--;
      }
    },
    cancel(method) {
      const req = latest.get(method);
      if (req && current && !current.ended && req.client === current.client) req.client.cancel(req.id);
    },
    async stop() {
      const slot = current;
      if (!slot) return;
      if (slot.calls > 0) {
        end(slot, stoppedError());
        await ensure().ready;
        return;
      }
      await slot.ready;
    },
  };
}
