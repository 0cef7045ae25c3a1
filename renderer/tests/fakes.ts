/**
 * Test doubles for renderer tests: a LabApi whose engine answers from a
 * script, with the hosts' rules (electron/shared/engine-rules.ts): a `run`
 * whose script returns a promise is in flight until it settles or `stop()`;
 * meanwhile `version` answers FAKE_VERSION and other calls fail EBUSY;
 * `stop()` settles every pending call ECANCELED and counts itself in `stops`.
 */
import type {
  AppMethod,
  EventMessage,
  LabApi,
  LabResult,
  RunResult,
  VersionInfo,
} from '../../electron/shared/lab-api';
import { busyError, isScenarioMethod, stoppedError } from '../../electron/shared/engine-rules';
import { memoryAppHost } from './memory-app-host';

export const FAKE_VERSION: VersionInfo = { engine: '9.8.7', scenarioApi: 1, hardened: true };

type Answer<T> = LabResult<T> | Promise<LabResult<T>>;

export interface FakeScript {
  version?: () => LabResult<VersionInfo>;
  /** A promise that never settles is a scenario stuck in `while (true) {}`: only `stop()` ends it. */
  run?: (emit: (e: EventMessage) => void, params: unknown) => Answer<RunResult>;
}

export type FakeLab = LabApi & {
  calls: { method: AppMethod; params: unknown }[];
  /** Number of `stop()` calls. */
  stops: number;
  /** Calls not settled yet. */
  readonly pending: number;
};

export function fakeLab(script: FakeScript = {}, host: LabApi['host'] = 'web'): FakeLab {
  const calls: { method: AppMethod; params: unknown }[] = [];
  /** Settle functions of the calls in flight, and whether each runs a scenario. */
  const inFlight = new Map<number, { scenario: boolean; settle: (r: LabResult<never>) => void }>();
  let next = 1;

  const answer = (
    method: AppMethod,
    params: unknown,
    onEvent?: (e: EventMessage) => void,
  ): Answer<unknown> => {
    if (method === 'version') return (script.version ?? (() => ({ ok: true, value: FAKE_VERSION })))();
    if (method === 'run' && script.run) return script.run((e) => onEvent?.(e), params);
    return { ok: false, error: { errno: 'ENOSYS', message: `no fake for ${method}` } };
  };

  const lab: FakeLab = {
    host,
    app: memoryAppHost(),
    calls,
    stops: 0,
    get pending() {
      return inFlight.size;
    },
    async call(method, params, onEvent) {
      calls.push({ method, params });
      if ([...inFlight.values()].some((c) => c.scenario)) {
        if (method === 'version') return { ok: true, value: FAKE_VERSION } as never;
        return { ok: false, error: busyError(method) };
      }
      const id = next++;
      return new Promise<LabResult<never>>((resolve) => {
        const settle = (r: LabResult<never>): void => {
          if (inFlight.delete(id)) resolve(r);
        };
        inFlight.set(id, { scenario: isScenarioMethod(method), settle });
        void Promise.resolve(answer(method, params, onEvent)).then((r) => settle(r as LabResult<never>));
      });
    },
    cancel() {},
    async stop() {
      lab.stops++;
      for (const c of [...inFlight.values()]) c.settle({ ok: false, error: stoppedError() });
    },
  };
  return lab;
}

/** A RunResult as the engine shapes it, for display tests. */
export function runResult(over: Partial<RunResult> = {}): RunResult {
  return {
    ok: true,
    ops: 10,
    wallMs: 12.3,
    counters: { pagesPinned: 256, pagesUnpinned: 256, iommuMapCalls: 0 } as unknown as RunResult['counters'],
    timeline: {
      events: [],
      marks: [],
      spans: [],
      logs: [],
      digests: [],
      counters: {} as RunResult['counters'],
    } as unknown as RunResult['timeline'],
    ...over,
  };
}
