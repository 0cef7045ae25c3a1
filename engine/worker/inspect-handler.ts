/**
 * The `inspect` request: the state of a held run at a step, summarised.
 * Tier summaries (no per-page detail) come from the step's digest; the
 * final step reads the run's final machine; anything else at a past step
 * (detail, physical memory, domains) reads a machine replayed to that step,
 * kept in a small LRU.
 */
import type { InspectQuery } from '../base/inspect-types';
import { answerFromDigest } from '../iommufd/inspect';
import type { MachineDigest } from '../iommufd/digest';
import type { EngineMachine } from '../scenario/engine-types';
import type { InspectParams, InspectResult } from './protocol';
import { replayTo } from './replay';
import type { Session, SessionStore } from './sessions';

const EMPTY_DIGEST = { contexts: [], pages: [] } as unknown as MachineDigest;

function einval(message: string): Error {
  return Object.assign(new Error(message), { errno: 'EINVAL' });
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const optInt = (v: unknown): boolean => v === undefined || isInt(v);

function checkQueries(v: unknown): InspectQuery[] {
  if (!Array.isArray(v) || v.length > 64)
    throw einval('params.queries must be an array of at most 64 queries');
  for (const [i, q] of v.entries()) {
    const o = (typeof q === 'object' && q !== null ? q : {}) as Record<string, unknown>;
    const bad = (what: string): Error => einval(`params.queries[${i}]: ${what}`);
    if (o.kind === 'domains') continue;
    if (o.kind !== 'tiers' && o.kind !== 'phys') throw bad(`unknown kind ${String(o.kind)}`);
    if (!isInt(o.buckets)) throw bad('buckets must be an integer');
    if (!optInt(o.start) || !optInt(o.end)) throw bad('start and end must be integers');
    if (o.kind === 'tiers') {
      if (!optInt(o.pages)) throw bad('pages must be an integer');
      if (o.key !== undefined && typeof o.key !== 'string') throw bad('key must be a string');
      if (o.detail !== undefined && typeof o.detail !== 'boolean') throw bad('detail must be a boolean');
    } else if (o.highlight !== undefined) {
      const h = (typeof o.highlight === 'object' && o.highlight !== null ? o.highlight : {}) as Record<
        string,
        unknown
      >;
      if (typeof h.key !== 'string' || !optInt(h.start) || !optInt(h.end))
        throw bad('highlight must be { key: string, start?, end? }');
    }
  }
  return v as InspectQuery[];
}

function digestAt(s: Session, step: number): MachineDigest | null {
  if (step === 0) return EMPTY_DIGEST;
  const i = s.eventDigest[step - 1] ?? -1;
  return i < 0 ? null : ((s.digests[i] ?? null) as unknown as MachineDigest | null);
}

export async function machineAt(store: SessionStore, s: Session, step: number): Promise<EngineMachine> {
  if (step === s.lastSeq && s.machine !== null) return s.machine;
  const known = store.replayed(s.runId, step);
  if (known !== undefined) return known;
  const m = await replayTo(s.spec, step);
  if (step === s.lastSeq) s.machine = m;
  else store.keepReplay(s.runId, step, m);
  return m;
}

export async function handleInspect(store: SessionStore, p: InspectParams): Promise<InspectResult> {
  const t0 = performance.now();
  if (!isInt(p.runId)) throw einval('params.runId must be an integer');
  if (!isInt(p.step) || p.step < 0) throw einval('params.step must be a non-negative integer');
  const queries = checkQueries(p.queries);
  const s = store.get(p.runId);
  if (p.step > s.lastSeq) throw einval(`params.step ${p.step} is past the run's last event ${s.lastSeq}`);
  const useFinal = p.step === s.lastSeq && s.machine !== null;
  if (!useFinal) {
    const d = digestAt(s, p.step);
    const answers = d === null ? null : answerFromDigest(d, queries);
    if (answers !== null) return { step: p.step, replayed: false, ms: performance.now() - t0, answers };
  }
  const replayed = !useFinal && store.replayed(s.runId, p.step) === undefined;
  const m = await machineAt(store, s, p.step);
  if (m.inspect === undefined) throw new Error('this engine machine cannot be inspected');
  const answers = m.inspect(queries);
  return { step: p.step, replayed, ms: performance.now() - t0, answers };
}
