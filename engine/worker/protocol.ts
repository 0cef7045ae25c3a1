/**
 * The engine worker's message protocol: the only door into the engine.
 *
 * Three kinds of message cross the boundary, all structured-clone safe:
 *
 *   host → worker  RequestMessage   { type: 'request', id, method, params }
 *                  CancelMessage    { type: 'cancel', id }
 *   worker → host  ResponseMessage  { type: 'response', id, ok: true, result }
 *                                 | { type: 'response', id, ok: false, error: WireError }
 *                  EventMessage     { type: 'event', id?, event, data }
 *
 * `id` is chosen by the host and unique among its pending requests. Events
 * carry the id of the request that caused them (a run streams its timeline as
 * events, then answers); events without an id belong to the worker itself
 * (`ready`).
 *
 * TO ADD A REQUEST: add an entry to `Requests` below (params and result
 * types), then a handler to the typed map in `handlers.ts` — the compiler
 * rejects a map that misses one. New pushed events go into `Events`.
 */
import type { Errno } from '../base/errno';
import type { FailnthResult } from '../scenario/failnth';
import type { RunResult } from '../scenario/runner';
import type { TimelineEvent, TimelineLog, TimelineMark, TimelineSpan } from '../scenario/timeline';
import type { Counters } from '../base/counters';
import type { Json } from '../scenario/facade/values';
import type { InspectAnswer, InspectQuery, LiveOptions, TierAnswer, PhysAnswer } from '../base/inspect-types';

export type { FailnthResult, RunResult, TimelineEvent, TimelineLog, TimelineMark, TimelineSpan };
export type * from '../base/inspect-types';

/** Engine identification, answered by the `version` request. */
export interface VersionInfo {
  /** ENGINE_VERSION of engine/version.ts. */
  engine: string;
  /** Scenario API contract version. */
  scenarioApi: number;
  /** Whether SES lockdown() ran before the engine loaded (primordials frozen). */
  hardened: boolean;
}

/** Every request the worker answers: method name → params and result. */
export interface Requests {
  version: { params: Record<string, never>; result: VersionInfo };
  /** Run one scenario (engine/scenario/runner.ts); streams `progress`, `runLog` and, with `stream`, `timeline`. */
  run: { params: RunParams; result: RunResult };
  /** Fault-inject every fallible step of a scenario in turn (engine/scenario/failnth.ts); streams `progress`. */
  failnth: { params: FailnthParams; result: FailnthResult };
  /**
   * The state of a run at a step, summarised for the views (O(buckets)):
   * answered from the run's digests where they suffice, else from the run's
   * final machine or a deterministic replay up to the step. ESTALE when the
   * worker no longer holds the run (restarted, evicted): run it again with
   * `stopAfter` to recreate it.
   */
  inspect: { params: InspectParams; result: InspectResult };
}

/** Params of `inspect`. */
export interface InspectParams {
  /** `runId` of a RunResult of this worker. */
  runId: number;
  /** Event sequence number: the state after that event (0: before the first). */
  step: number;
  queries: InspectQuery[];
}

export interface InspectResult {
  step: number;
  /** Whether answering needed a replay of the scenario up to the step. */
  replayed: boolean;
  /** Worker-side time to answer, ms. */
  ms: number;
  answers: InspectAnswer[];
}

/** Params of `run`. */
export interface RunParams {
  /** Scenario source (TypeScript or JavaScript). */
  source: string;
  /** Name in stacks and messages; default 'scenario.ts'. */
  fileName?: string;
  /** Seeds the machine and lab.random(); default 1. */
  seed?: number;
  /** checkInvariants() after every op; driver warnings fail the run. */
  check?: boolean;
  /**
   * Storage strategy of the machine (engine/iommufd/strategy: 'iommufd',
   * 'iommufd+batch-api', 'naive', 'vfio-type1'), set before the scenario
   * runs; a scenario's lab.configure({ strategy }) overrides it. Default
   * 'iommufd'. Unknown → EINVAL. Kept for the run's replays (inspect).
   */
  strategy?: string;
  /** Keep the events in the result's timeline (default true). */
  keepEvents?: boolean;
  /** Record state digests (default true). */
  digests?: boolean;
  /** Push timeline batches as `timeline` events while running (default false). */
  stream?: boolean;
  /**
   * End the run cleanly right after this event (a replay of a run that was
   * stopped or is being recreated): the result has `stoppedAfter` set and
   * `ok` true unless an earlier event failed the run.
   */
  stopAfter?: number;
  /** Push throttled `frame` events while running (the app's live view). */
  live?: LiveOptions;
  /**
   * Wall-clock budget of the run, ms (default: the host's — 30 s in the
   * browser, 120 s in the desktop app). Enforced by the host, which ends the
   * worker over it (ETIMEDOUT); the worker ignores it.
   */
  timeoutMs?: number;
}

/** Params of `failnth`. */
export interface FailnthParams {
  source: string;
  fileName?: string;
  seed?: number;
  /** Stop after this many failure points (default 100000). */
  maxPoints?: number;
  /** Wall-clock budget of each fault-injected run, ms (host-enforced, restarted on every `progress`; as RunParams.timeoutMs). */
  timeoutMs?: number;
}

/** Every event the worker pushes: event name → payload. */
export interface Events {
  /** Sent once when the worker has locked down and can take requests. */
  ready: VersionInfo;
  /** A log line of the worker or of the request it belongs to. */
  log: { level: 'info' | 'warn' | 'error'; message: string };
  /** Progress of a long request: ops done (run) or failure points tried (failnth). */
  progress: { phase: 'run' | 'failnth'; done: number; leaks?: number };
  /** A line the scenario printed (lab.log / console). */
  runLog: TimelineLog;
  /** A batch of timeline records of a running scenario (`run` with `stream`). */
  timeline: { events: TimelineEvent[]; marks: TimelineMark[]; spans: TimelineSpan[] };
  /** A live frame of a running scenario (`run` with `live`), 1..30 per second. */
  frame: LiveFrame;
}

/** What the app shows of a run while it goes. */
export interface LiveFrame {
  /** Last event sequence number so far, and ms since the run started. */
  seq: number;
  elapsedMs: number;
  /** Records since the previous frame. */
  events: TimelineEvent[];
  marks: TimelineMark[];
  spans: TimelineSpan[];
  logs: TimelineLog[];
  /** New digests since the previous frame: digests[i] has index digestBase + i. */
  digestBase: number;
  digests: Json[];
  /** Cumulative counters now. */
  counters: Counters;
  /**
   * Only records and counters: the summaries were not recomputed for this
   * frame (`tiers` is empty, `phys` absent) — keep the previous ones.
   */
  partial?: boolean;
  /** Full-range tier summary of every live IoptPages now. */
  tiers: TierAnswer[];
  /** Whole-machine physical summary, when `live.physBuckets` asked for it. */
  phys?: PhysAnswer;
}

export type Method = keyof Requests;
export type ParamsOf<M extends Method> = Requests[M]['params'];
export type ResultOf<M extends Method> = Requests[M]['result'];
export type EventName = keyof Events;

/**
 * Errnos a response may carry: the engine's own (a LabError) plus the
 * protocol's: ENOSYS unknown method, EPROTO malformed message, EINTERNAL an
 * engine bug (a non-LabError exception), ECANCELED the host cancelled the
 * request, ETIMEDOUT / EMEMBUDGET / ECRASHED set by a supervisor that ended the worker,
 * EACCES a host file operation was refused (electron/shared/app-host.ts).
 */
export type WireErrno =
  | Errno
  | 'ENOSYS'
  | 'EPROTO'
  | 'EINTERNAL'
  | 'ECANCELED'
  | 'ETIMEDOUT'
  | 'EMEMBUDGET'
  | 'ECRASHED'
  | 'ESTALE'
  | 'EACCES';

/** Errnos a worker handler may throw besides the engine's (ESTALE: `inspect` of a run this worker does not hold). */
export const HANDLER_ERRNOS: readonly WireErrno[] = ['ESTALE'];

export interface WireError {
  errno: WireErrno;
  message: string;
  detail?: unknown;
  /** Stack of an EINTERNAL error, for bug reports. */
  stack?: string;
}

export type RequestMessage<M extends Method = Method> = {
  [K in M]: { type: 'request'; id: number; method: K; params: ParamsOf<K> };
}[M];

export interface CancelMessage {
  type: 'cancel';
  id: number;
}

export type HostToWorker = RequestMessage | CancelMessage;

export type ResponseMessage<M extends Method = Method> =
  | { type: 'response'; id: number; ok: true; result: ResultOf<M> }
  | { type: 'response'; id: number; ok: false; error: WireError };

export type EventMessage<E extends EventName = EventName> = {
  [K in E]: { type: 'event'; id?: number; event: K; data: Events[K] };
}[E];

export type WorkerToHost = ResponseMessage | EventMessage;

/** The error a client rejects with: the wire error as an Error. */
export class EngineError extends Error {
  readonly errno: WireErrno;
  readonly detail: unknown;

  constructor(e: WireError) {
    super(e.message);
    this.name = 'EngineError';
    this.errno = e.errno;
    this.detail = e.detail;
    if (e.stack !== undefined) this.stack = e.stack;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Shape check of an incoming host message (params are checked by each handler). */
export function parseHostMessage(v: unknown): HostToWorker | WireError {
  if (!isRecord(v)) return { errno: 'EPROTO', message: 'message is not an object' };
  if (v.type === 'cancel' && isId(v.id)) return { type: 'cancel', id: v.id };
  if (v.type !== 'request') return { errno: 'EPROTO', message: `unknown message type ${String(v.type)}` };
  if (!isId(v.id)) return { errno: 'EPROTO', message: 'request id must be a non-negative safe integer' };
  if (typeof v.method !== 'string') return { errno: 'EPROTO', message: 'request method must be a string' };
  const params = v.params === undefined ? {} : v.params;
  if (!isRecord(params)) return { errno: 'EPROTO', message: 'request params must be an object' };
  // The method name is checked against the handler map by the server.
  return { type: 'request', id: v.id, method: v.method, params } as RequestMessage;
}

/** Shape check of an incoming worker message, for clients. */
export function isWorkerMessage(v: unknown): v is WorkerToHost {
  if (!isRecord(v)) return false;
  if (v.type === 'response') return isId(v.id) && typeof v.ok === 'boolean';
  if (v.type === 'event') return typeof v.event === 'string' && (v.id === undefined || isId(v.id));
  return false;
}
