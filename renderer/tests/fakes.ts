/** Test doubles for renderer tests: a LabApi whose engine answers from a script. */
import type { LabApi, LabResult, VersionInfo } from '../../electron/shared/lab-api';

export const FAKE_VERSION: VersionInfo = { engine: '9.8.7', scenarioApi: 1, hardened: true };

export function fakeLab(
  answer: () => LabResult<VersionInfo> = () => ({ ok: true, value: FAKE_VERSION }),
  host: LabApi['host'] = 'web',
): LabApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    host,
    calls,
    async call(method) {
      calls.push(method);
      return answer();
    },
    cancel() {},
  };
}
