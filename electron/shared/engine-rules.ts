/**
 * The rules both engine hosts apply (the Electron supervisor in
 * electron/main, the browser's web bridge in renderer/bridge) so that the app
 * is never wedged behind a busy worker:
 *
 * - while a scenario runs (`run`, `failnth`), `version` is answered at once
 *   from the version the worker announced in its `ready` event, and every
 *   other call is refused at once with EBUSY (the worker could not answer it
 *   before the scenario ends — a `while (true) {}` never does);
 * - Stop ends the worker and starts a fresh one; pending calls fail
 *   ECANCELED with `stoppedError`;
 * - a wall-clock budget per call; `run` and `failnth` take theirs from
 *   `params.timeoutMs` (failnth: per fault-injected run, restarted on each
 *   `progress` event), as the CLI's `--timeout`.
 *
 * Pure: no host APIs, imported by main and renderer alike.
 */
import type { Method, WireError } from '../../engine/worker/protocol';

/** Requests that run a scenario: the worker is busy until they answer. */
export function isScenarioMethod(method: Method): boolean {
  return method === 'run' || method === 'failnth';
}

/** Largest budget a timer can hold (setTimeout fires at once past 2^31 - 1 ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The browser's default wall-clock budget of a scenario, as the CLI's `--timeout` (30 s). */
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;

export function busyError(method: Method): WireError {
  return {
    errno: 'EBUSY',
    message: `the engine is running a scenario: stop it or wait for it to finish (${method} refused)`,
  };
}

export function stoppedError(): WireError {
  return { errno: 'ECANCELED', message: 'stopped by the user: the engine was restarted' };
}

export function timeoutError(ms: number): WireError {
  return {
    errno: 'ETIMEDOUT',
    message: `wall-clock budget of ${fmtSeconds(ms)} exceeded: the run was stopped`,
  };
}

function fmtSeconds(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  if (ms >= 100) return `${(ms / 1000).toFixed(1)} s`;
  return `${ms} ms`;
}

/**
 * The budget a call asked for in `params.timeoutMs`: undefined when absent
 * (the host's default applies), a WireError (EINVAL) when not a positive
 * whole number of ms within MAX_TIMEOUT_MS.
 */
export function requestedTimeout(method: Method, params: unknown): number | undefined | WireError {
  if (!isScenarioMethod(method) || typeof params !== 'object' || params === null) return undefined;
  const t = (params as { timeoutMs?: unknown }).timeoutMs;
  if (t === undefined) return undefined;
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t <= 0 || t > MAX_TIMEOUT_MS) {
    return {
      errno: 'EINVAL',
      message: `params.timeoutMs must be a whole number of ms in 1..${MAX_TIMEOUT_MS}`,
    };
  }
  return t;
}
