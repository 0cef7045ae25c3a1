/**
 * The renderer's one way to the engine: `getLabApi()` returns `window.lab`
 * (desktop app, set by the preload) or else the web bridge (engine in a Web
 * Worker). Nothing else in the renderer knows which one it has.
 */
import { EngineError } from '../../engine/worker/protocol';
import type {
  AppMethod,
  LabApi,
  LabResult,
  ParamsOf,
  ResultOf,
  EventMessage,
} from '../../electron/shared/lab-api';
import { createWebBridge } from '../bridge/web-bridge';

let api: LabApi | undefined;

export function getLabApi(): LabApi {
  api ??= window.lab ?? createWebBridge();
  return api;
}

/** Tests: serve the renderer from this LabApi. */
export function setLabApi(next: LabApi | undefined): void {
  api = next;
}

/** Unwrap a LabResult: the value, or an EngineError thrown with errno and detail. */
export function unwrap<T>(r: LabResult<T>): T {
  if (r.ok) return r.value;
  throw new EngineError(r.error);
}

/** `getLabApi().call(...)`, unwrapped. */
export async function callEngine<M extends AppMethod>(
  method: M,
  params: ParamsOf<M>,
  onEvent?: (e: EventMessage) => void,
): Promise<ResultOf<M>> {
  return unwrap(await getLabApi().call(method, params, onEvent));
}
