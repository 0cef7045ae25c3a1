/**
 * Host side of the worker protocol, pure (no host APIs): request/response
 * matching by id, events routed to the request that caused them. The
 * Electron engine supervisor, the browser bridge, the CLI and tests wrap a
 * real Worker in an `Endpoint` and use this.
 */
import {
  EngineError,
  isWorkerMessage,
  type EventMessage,
  type HostToWorker,
  type Method,
  type ParamsOf,
  type ResultOf,
  type WireError,
} from './protocol';

/** A connection to one worker. */
export interface Endpoint {
  post(msg: HostToWorker): void;
  /** Register the single message listener. */
  onMessage(fn: (data: unknown) => void): void;
}

export interface RequestOptions {
  /** Events that belong to this request (e.g. a run's timeline). */
  onEvent?: (e: EventMessage) => void;
  /** Called with the request's id once it is sent (to `cancel` it later). */
  onSent?: (id: number) => void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: EngineError): void;
  onEvent: ((e: EventMessage) => void) | undefined;
}

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: EventMessage) => void>();

  constructor(private readonly endpoint: Endpoint) {
    endpoint.onMessage((data) => this.receive(data));
  }

  /** Send a request; resolves with its result or rejects with an EngineError. */
  request<M extends Method>(method: M, params: ParamsOf<M>, opts: RequestOptions = {}): Promise<ResultOf<M>> {
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onEvent: opts.onEvent });
      try {
        this.endpoint.post({ type: 'request', id, method, params } as HostToWorker);
        opts.onSent?.(id);
      } catch (e) {
        this.pending.delete(id);
        reject(new EngineError({ errno: 'EPROTO', message: e instanceof Error ? e.message : String(e) }));
      }
    });
  }

  /** Ask the worker to cancel a request (handlers poll for it). */
  cancel(id: number): void {
    this.endpoint.post({ type: 'cancel', id });
  }

  /** Every event, including those without a request (`ready`). Returns an unsubscribe function. */
  onEvent(fn: (e: EventMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Requests not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Reject every pending request, e.g. when the worker died or timed out. */
  failAll(error: WireError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(new EngineError(error));
  }

  private receive(data: unknown): void {
    if (!isWorkerMessage(data)) return;
    if (data.type === 'event') {
      if (data.id !== undefined) this.pending.get(data.id)?.onEvent?.(data);
      for (const l of this.listeners) l(data);
      return;
    }
    const p = this.pending.get(data.id);
    if (!p) return;
    this.pending.delete(data.id);
    if (data.ok) p.resolve(data.result);
    else p.reject(new EngineError(wireError(data.error)));
  }
}

/** A response's error as sent, or EPROTO when it is not one (the request still settles). */
function wireError(e: unknown): WireError {
  const o = (typeof e === 'object' && e !== null ? e : {}) as Partial<Record<keyof WireError, unknown>>;
  if (typeof o.errno === 'string' && typeof o.message === 'string') return e as WireError;
  let shown: string;
  try {
    shown = JSON.stringify(e) ?? String(e);
  } catch {
    shown = typeof e;
  }
  return { errno: 'EPROTO', message: `malformed error response from the engine: ${shown.slice(0, 200)}` };
}
