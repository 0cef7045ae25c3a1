/**
 * The one object the renderer talks to: `window.lab` in the desktop app
 * (electron/preload), the same interface served by the engine in a Web Worker
 * in browser mode (renderer/bridge). Everything crossing it is
 * structured-clone safe; errors come back as values (`LabResult`) because an
 * Error's own properties (errno, detail) do not survive Electron's IPC.
 */
import type { EventMessage, Method, ParamsOf, ResultOf, WireError } from '../../engine/worker/protocol';
import type { AppHost } from './app-host';

export type {
  EventMessage,
  FailnthResult,
  InspectParams,
  InspectResult,
  LiveFrame,
  Method,
  ParamsOf,
  ResultOf,
  RunResult,
  TimelineEvent,
  TimelineLog,
  TimelineMark,
  TimelineSpan,
  VersionInfo,
  WireError,
} from '../../engine/worker/protocol';
export type * from '../../engine/base/inspect-types';
export type * from './app-host';
export type { CommandId } from './commands';

export type LabResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

export type LabHost = 'electron' | 'web';

/**
 * Engine requests the app may make, each a deliberate decision: adding a
 * request to the protocol's `Requests` map without listing it here is a
 * compile error. `false` keeps a request internal to the engine's hosts.
 */
export const APP_METHODS = {
  version: true,
  run: true,
  failnth: true,
  inspect: true,
} as const satisfies Record<Method, boolean>;

export type AppMethod = { [M in Method]: (typeof APP_METHODS)[M] extends true ? M : never }[Method];

export function isAppMethod(v: unknown): v is AppMethod {
  return (
    typeof v === 'string' &&
    Object.prototype.hasOwnProperty.call(APP_METHODS, v) &&
    APP_METHODS[v as Method] === true
  );
}

export interface LabApi {
  /** Which host serves the engine (for display only; behaviour is the same). */
  readonly host: LabHost;
  /**
   * Make an engine request. Events the request pushes (a run's timeline)
   * arrive through `onEvent` before the promise settles. Never rejects:
   * engine and transport errors come back as `{ ok: false, error }`.
   * Never waits behind a busy engine: while a scenario runs (`run`,
   * `failnth`), `version` is answered by the host and any other call fails
   * EBUSY at once. `run`/`failnth` have a wall-clock budget (`params.timeoutMs`,
   * else the host's default: 30 s in the browser, 120 s in the desktop app);
   * over it the call fails ETIMEDOUT and the engine is restarted. See
   * engine-rules.ts.
   */
  call<M extends AppMethod>(
    method: M,
    params: ParamsOf<M>,
    onEvent?: (e: EventMessage) => void,
  ): Promise<LabResult<ResultOf<M>>>;
  /** Ask the engine to stop the request started by the latest `call` of this method (no-op if none). */
  cancel(method: AppMethod): void;
  /**
   * Stop whatever the engine is doing now (a running scenario, an infinite
   * loop included) within 200 ms: the engine worker is ended and a fresh one
   * started; every pending call settles with `{ ok: false, error: { errno:
   * 'ECANCELED' } }`. Events already delivered stay delivered. Resolves when
   * the new engine is ready for the next call.
   */
  stop(): Promise<void>;
  /** Files, autosave, recent files, menus' state and host commands (see app-host.ts). */
  readonly app: AppHost;
}
