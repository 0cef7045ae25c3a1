/**
 * Pure dispatch of the worker protocol: parse a host message, find the
 * handler in the typed map, answer with its result or its error. No host
 * APIs here — the entry (entry.ts + host.ts) wires this to a real port.
 */
import { ERRNOS } from '../base/errno';
import {
  HANDLER_ERRNOS,
  parseHostMessage,
  type EventName,
  type Events,
  type Method,
  type ParamsOf,
  type ResultOf,
  type WireErrno,
  type WireError,
  type WorkerToHost,
} from './protocol';

/** What a handler gets besides its params. */
export interface RequestContext {
  /** The request's id (events emitted through `emit` carry it). */
  readonly id: number;
  /** Push an event belonging to this request. */
  emit<E extends EventName>(event: E, data: Events[E], transfer?: ArrayBuffer[]): void;
  /** True once the host sent `cancel` for this request; long handlers poll it. */
  isCancelled(): boolean;
}

export type Handler<M extends Method> = (
  params: ParamsOf<M>,
  ctx: RequestContext,
) => ResultOf<M> | Promise<ResultOf<M>>;

/** One handler per request of `Requests`: a missing one is a compile error. */
export type Handlers = { [M in Method]: Handler<M> };

/** Sends one message to the host; `transfer` lists buffers to move instead of copy. */
export type PostFn = (msg: WorkerToHost, transfer?: ArrayBuffer[]) => void;

export interface Server {
  /** Feed one raw incoming message. Resolves when its answer has been posted. */
  handle(raw: unknown): Promise<void>;
  /** Push an event that belongs to no request (e.g. `ready`). */
  emit<E extends EventName>(event: E, data: Events[E]): void;
  /** Requests being handled now. */
  readonly pending: number;
}

function isErrno(v: unknown): v is WireErrno {
  return (
    typeof v === 'string' &&
    ((ERRNOS as readonly string[]).includes(v) || (HANDLER_ERRNOS as readonly string[]).includes(v))
  );
}

/**
 * Any thrown value as a wire error. An error with a known `errno` (LabError,
 * also one from another realm such as a SES Compartment) keeps it; anything
 * else is an engine bug: EINTERNAL with its stack.
 */
export function toWireError(e: unknown): WireError {
  if (typeof e === 'object' && e !== null) {
    const { errno, message, detail, stack } = e as {
      errno?: unknown;
      message?: unknown;
      detail?: unknown;
      stack?: unknown;
    };
    const msg = typeof message === 'string' ? message : String(e);
    if (isErrno(errno))
      return detail === undefined ? { errno, message: msg } : { errno, message: msg, detail };
    const out: WireError = { errno: 'EINTERNAL', message: msg };
    if (typeof stack === 'string') out.stack = stack;
    return out;
  }
  return { errno: 'EINTERNAL', message: String(e) };
}

export function createServer(handlers: Handlers, post: PostFn): Server {
  const cancelled = new Set<number>();
  const active = new Set<number>();

  const send = (msg: WorkerToHost, transfer?: ArrayBuffer[]): void => {
    try {
      post(msg, transfer);
    } catch (e) {
      // Typically a DataCloneError: a handler returned something that cannot cross.
      if (msg.type === 'response') {
        post({ type: 'response', id: msg.id, ok: false, error: toWireError(e) });
      } else {
        throw e;
      }
    }
  };

  const dispatch = async (method: string, id: number, params: unknown): Promise<WorkerToHost> => {
    if (!Object.prototype.hasOwnProperty.call(handlers, method)) {
      return {
        type: 'response',
        id,
        ok: false,
        error: { errno: 'ENOSYS', message: `unknown method ${method}` },
      };
    }
    const handler = handlers[method as Method] as (p: unknown, c: RequestContext) => unknown;
    const ctx: RequestContext = {
      id,
      emit: (event, data, transfer) => send({ type: 'event', id, event, data } as WorkerToHost, transfer),
      isCancelled: () => cancelled.has(id),
    };
    try {
      const result = (await handler(params, ctx)) as ResultOf<Method>;
      if (cancelled.has(id)) {
        return {
          type: 'response',
          id,
          ok: false,
          error: { errno: 'ECANCELED', message: 'request cancelled' },
        };
      }
      return { type: 'response', id, ok: true, result };
    } catch (e) {
      return { type: 'response', id, ok: false, error: toWireError(e) };
    }
  };

  return {
    async handle(raw: unknown): Promise<void> {
      const msg = parseHostMessage(raw);
      if ('errno' in msg) {
        const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
        const rid = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : -1;
        send({ type: 'response', id: rid, ok: false, error: msg });
        return;
      }
      if (msg.type === 'cancel') {
        if (active.has(msg.id)) cancelled.add(msg.id);
        return;
      }
      active.add(msg.id);
      try {
        send(await dispatch(msg.method, msg.id, msg.params));
      } finally {
        active.delete(msg.id);
        cancelled.delete(msg.id);
      }
    },
    emit(event, data) {
      send({ type: 'event', event, data } as WorkerToHost);
    },
    get pending() {
      return active.size;
    },
  };
}
