/**
 * A fake LabApi for the dashboard's tests: tests/fakes.ts's fakeLab, plus
 * `inspect` answered by a function of (step, query) and recorded.
 */
import type { InspectAnswer, InspectParams, InspectQuery, LabApi } from '../../electron/shared/lab-api';
import { fakeLab, type FakeLab } from '../tests/fakes';

export type InspectFn = (step: number, q: InspectQuery) => InspectAnswer;

export function fakeInspectLab(answer: InspectFn): FakeLab & { inspects: InspectParams[] } {
  const base = fakeLab();
  const inspects: InspectParams[] = [];
  const call: LabApi['call'] = async (method, params, onEvent) => {
    if (method !== 'inspect') return base.call(method, params, onEvent);
    const p = params as InspectParams;
    inspects.push(p);
    base.calls.push({ method, params });
    try {
      const answers = p.queries.map((q) => answer(p.step, q));
      return { ok: true, value: { step: p.step, replayed: false, ms: 0.1, answers } } as never;
    } catch (e) {
      return { ok: false, error: { errno: 'ENOENT', message: String(e) } } as never;
    }
  };
  return Object.assign(base, { call, inspects });
}
