/** Test doubles for renderer tests: a LabApi whose engine answers from a script. */
import type {
  AppMethod,
  EventMessage,
  LabApi,
  LabResult,
  RunResult,
  VersionInfo,
} from '../../electron/shared/lab-api';

export const FAKE_VERSION: VersionInfo = { engine: '9.8.7', scenarioApi: 1, hardened: true };

export interface FakeScript {
  version?: () => LabResult<VersionInfo>;
  run?: (emit: (e: EventMessage) => void) => LabResult<RunResult>;
}

export function fakeLab(
  script: FakeScript = {},
  host: LabApi['host'] = 'web',
): LabApi & { calls: { method: AppMethod; params: unknown }[] } {
  const calls: { method: AppMethod; params: unknown }[] = [];
  return {
    host,
    calls,
    async call(method, params, onEvent) {
      calls.push({ method, params });
      if (method === 'version')
        return (script.version ?? (() => ({ ok: true, value: FAKE_VERSION })))() as never;
      if (method === 'run' && script.run) return script.run((e) => onEvent?.(e)) as never;
      return { ok: false, error: { errno: 'ENOSYS', message: `no fake for ${method}` } };
    },
    cancel() {},
  };
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
