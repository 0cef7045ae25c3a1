/**
 * The bridge between the runs store and the run file
 * (engine/scenario/run-file): the current run as a SavedRun, a parsed file
 * as a run record and RunData, export file names, and the check that a
 * replay by this engine reached the state the file recorded.
 */
import type { WireError } from '../../electron/shared/lab-api';
import type { MachineDigest } from '../../engine/iommufd/digest';
import type { StrategyName } from '../../engine/iommufd/strategy/names';
import type { SavedRun, SavedRunFields, SavedRunStatus } from '../../engine/scenario/run-file';
import { RunData } from '../stores/run-data';

/** What the app shows of a run that came from a file. */
export interface SavedRunInfo {
  /** The run file's name. */
  name: string;
  /** Version of the engine that made it. */
  engine: string;
  /** When it ran (ISO 8601). */
  ranAt: string;
  /** The storage strategy it ran under when not the default (the file's options.strategy). */
  strategy?: StrategyName;
}

/** The fields of the runs store's RunRecord a saved run needs (runs.ts defines the record). */
export interface RecordFields {
  fileName: string;
  source: string;
  seed: number;
  check: boolean;
  /** The storage strategy given from outside (a saved `--strategy` run); absent: the default. Replays use it. */
  strategy?: StrategyName;
  startedAt: number;
  elapsedMs: number;
  seq: number;
  error: SavedRun['outcome']['error'];
  engineError: WireError | null;
  counters: SavedRun['counters'] | null;
  stoppedAfter: number | null;
}

/** The current run as the fields of a run file. */
export function savedRunOf(
  rec: RecordFields,
  status: SavedRunStatus,
  data: RunData,
  engine: SavedRun['engine'],
): SavedRunFields {
  const counters = rec.counters ?? data.countersAt(data.length);
  // A stopped run's live frames may name a digest that never arrived: no digest rather than a file that cannot be read.
  const n = data.digests.length;
  const events = data.events.some((e) => e.digest >= n)
    ? data.events.map((e) => (e.digest >= n ? { ...e, digest: -1 } : e))
    : data.events;
  return {
    engine,
    ranAt: new Date(rec.startedAt).toISOString(),
    scenario: { fileName: rec.fileName, source: rec.source },
    options: {
      seed: rec.seed,
      check: rec.check,
      ...(rec.strategy === undefined ? {} : { strategy: rec.strategy }),
    },
    outcome: {
      status,
      ok: status === 'done' || (status === 'stopped' && rec.error === null),
      ops: rec.seq,
      wallMs: rec.elapsedMs,
      error: rec.error,
      engineError: rec.engineError
        ? { errno: rec.engineError.errno, message: rec.engineError.message }
        : null,
      stoppedAfter: rec.stoppedAfter,
    },
    counters,
    timeline: {
      events,
      marks: data.marks,
      spans: data.spans,
      logs: data.logs,
      digests: data.digests,
    },
  };
}

/** A parsed run file's timeline as RunData (no spread of big arrays: a call has an argument limit). */
export function runDataOfSaved(t: SavedRun['timeline']): RunData {
  const d = new RunData();
  d.appendEvents(t.events);
  for (const m of t.marks) d.marks.push(m);
  for (const s of t.spans) d.spans.push(s);
  for (const l of t.logs) d.logs.push(l);
  for (const g of t.digests) d.digests.push(g);
  return d;
}

/** The record fields of a parsed run file. */
export function recordOfSaved(saved: SavedRun): RecordFields {
  const o = saved.outcome;
  return {
    fileName: saved.scenario.fileName,
    source: saved.scenario.source,
    seed: saved.options.seed,
    check: saved.options.check,
    ...(saved.options.strategy === undefined ? {} : { strategy: saved.options.strategy }),
    startedAt: Date.parse(saved.ranAt),
    elapsedMs: o.wallMs,
    seq: saved.timeline.events.length,
    error: o.error,
    // an errno of the file is shown, never acted on: it stays a string
    engineError: o.engineError ? ({ ...o.engineError } as WireError) : null,
    counters: saved.counters,
    stoppedAfter: o.stoppedAfter,
  };
}

/** `01-fill.ts` → `01-fill.pfnrun.json` (ext: 'pfnrun.json', 'csv', 'trace.json', 'png'). */
export function exportName(fileName: string, ext: string): string {
  const base = fileName.replace(/\.(ts|js|mts|mjs)$/i, '') || 'run';
  return `${base}.${ext}`;
}

/** JSON text with object keys sorted: digests compared whatever order their keys were written in. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}

/**
 * Whether a replay's final digest is the state the file recorded after its
 * last event. A file of an older engine has no `engineBytes` in its digests:
 * then the replay's are not compared (the state is the rest).
 */
export function sameFinalState(saved: MachineDigest | null, replayed: unknown): boolean {
  let r = replayed ?? null;
  if (saved !== null && saved.engineBytes === undefined && r !== null && typeof r === 'object') {
    const { engineBytes: _dropped, ...rest } = r as Record<string, unknown>;
    r = rest;
  }
  return canonicalJson(saved) === canonicalJson(r);
}
