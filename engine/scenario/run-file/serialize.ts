/**
 * serializeRun: the run file's text. `format` and `version` first (a reader
 * knows what it holds from the first bytes); one compact JSON object, the
 * digests stored once each and referenced by index as in the timeline.
 */
import type { Counters } from '../../base/counters';
import type { MachineDigest } from '../../iommufd/digest';
import type { StrategyName } from '../../iommufd/strategy/names';
import type { TimelineData } from '../timeline';
import { RUN_FILE_FORMAT, type SavedOutcome, type SavedRun } from './format';

export type SavedRunFields = Omit<SavedRun, 'format' | 'version'>;

export function savedRun(fields: SavedRunFields): SavedRun {
  // explicit key order: format and version lead the text
  return {
    format: RUN_FILE_FORMAT,
    // 2 only with a strategy: a version-1 reader would replay it under the default
    version: fields.options.strategy === undefined ? 1 : 2,
    engine: fields.engine,
    ranAt: fields.ranAt,
    scenario: fields.scenario,
    options: fields.options,
    outcome: fields.outcome,
    counters: fields.counters,
    timeline: fields.timeline,
  };
}

export function serializeRun(run: SavedRunFields | SavedRun): string {
  return `${JSON.stringify(savedRun(run))}\n`;
}

/** What a finished RunResult (engine/scenario/runner.ts) gives a saved run. */
export interface FinishedRun {
  ok: boolean;
  error?: SavedOutcome['error'] | undefined;
  counters: Counters;
  ops: number;
  wallMs: number;
  stoppedAfter?: number;
  timeline: Pick<TimelineData, 'events' | 'marks' | 'spans' | 'logs' | 'digests'>;
}

/** The fields of a saved run from a finished result (the CLI's `run --save`). */
export function fromResult(
  result: FinishedRun,
  run: {
    fileName: string;
    source: string;
    seed: number;
    check: boolean;
    /** The strategy given from outside (--strategy), if any. */
    strategy?: StrategyName | undefined;
    ranAt: Date;
    engine: SavedRun['engine'];
  },
): SavedRunFields {
  const t = result.timeline;
  return {
    engine: run.engine,
    ranAt: run.ranAt.toISOString(),
    scenario: { fileName: run.fileName, source: run.source },
    options: {
      seed: run.seed,
      check: run.check,
      ...(run.strategy === undefined ? {} : { strategy: run.strategy }),
    },
    outcome: {
      status: result.ok ? 'done' : 'failed',
      ok: result.ok,
      ops: result.ops,
      wallMs: result.wallMs,
      error: result.error ?? null,
      engineError: null,
      stoppedAfter: result.stoppedAfter ?? null,
    },
    counters: result.counters,
    timeline: {
      events: t.events,
      marks: t.marks,
      spans: t.spans,
      logs: t.logs,
      digests: t.digests as unknown as MachineDigest[],
    },
  };
}
