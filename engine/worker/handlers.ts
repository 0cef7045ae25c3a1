/**
 * The worker's request handlers: the typed map that `createServer` dispatches
 * on. To add a request, declare it in `Requests` (protocol.ts) and add its
 * handler here, e.g. `run: runScenario` from a module of this folder that
 * imports engine/scenario (the worker is the top layer: it may import all).
 */
import { ENGINE_VERSION, SCENARIO_API_VERSION } from '../version';
import type { VersionInfo } from './protocol';
import { handleInspect } from './inspect-handler';
import { handleFailnth, handleRun } from './run-handlers';
import type { Handlers } from './server';
import { SessionStore } from './sessions';

/** Whether SES lockdown() has frozen the primordials of this realm. */
export function isHardened(): boolean {
  return Object.isFrozen(Object.prototype) && Object.isFrozen(Array.prototype);
}

export function versionInfo(): VersionInfo {
  return { engine: ENGINE_VERSION, scenarioApi: SCENARIO_API_VERSION, hardened: isHardened() };
}

/** The handler map over one session store (tests make their own). */
export function makeHandlers(store: SessionStore): Handlers {
  return {
    version: () => versionInfo(),
    run: (p, ctx) => handleRun(p, ctx, store),
    failnth: handleFailnth,
    inspect: (p) => handleInspect(store, p),
  };
}

/** This worker's runs, kept for `inspect`. */
export const sessions = new SessionStore();

export const handlers: Handlers = makeHandlers(sessions);
