/**
 * The sentinel behind RunOptions.stopAfter: thrown by the facade right after
 * the last event to keep, and by every lab call after it, so the scenario
 * unwinds and the runner ends the run cleanly (ok, stoppedAfter = N). A
 * scenario can catch it; to make that hard to do by accident, it is a proxy
 * whose every inspection (e.errno, String(e), instanceof, …) throws it again,
 * so only a `catch` that ignores the error entirely keeps running.
 */
export type StopSentinel = object;

export function makeStopSentinel(): StopSentinel {
  const target = Object.freeze(Object.create(null) as object);
  let self: object | null = null;
  const rethrow = (): never => {
    throw self;
  };
  const handler: ProxyHandler<object> = Object.freeze({
    get: rethrow,
    has: rethrow,
    set: rethrow,
    getOwnPropertyDescriptor: rethrow,
    ownKeys: rethrow,
    getPrototypeOf: rethrow,
    defineProperty: rethrow,
    deleteProperty: rethrow,
    isExtensible: rethrow,
    preventExtensions: rethrow,
    setPrototypeOf: rethrow,
  });
  self = new Proxy(target, handler);
  return self;
}
