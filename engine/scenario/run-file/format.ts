/**
 * The saved-run file: one versioned JSON object holding everything needed to
 * show a run again exactly as it ran — scenario source, seed and options,
 * the engine version, how it ended, the end counters and the whole timeline
 * (events, marks, spans, logs, and the state digests, deduplicated and
 * referenced by index from the events as in the timeline). Not the UI
 * layout. `format` and `version` come first in the text, so a reader can
 * tell a run file (and its version) from the first bytes.
 */
import type { Counters } from '../../base/counters';
import type { MachineDigest } from '../../iommufd/digest';
import type { StrategyName } from '../../iommufd/strategy/names';
import type { RunError } from '../runner';
import type { TimelineEvent, TimelineLog, TimelineMark, TimelineSpan } from '../timeline';

export const RUN_FILE_FORMAT = 'pfnlab-run';
/**
 * The newest format version this code writes and reads. 2 adds
 * `options.strategy`; a file is written as 2 only when it has one (a version-1
 * reader would drop the field and replay under the default strategy), else 1.
 */
export const RUN_FILE_VERSION = 2;
export type RunFileVersion = 1 | 2;

/** How the run ended (the app's run status). */
export type SavedRunStatus = 'done' | 'failed' | 'stopped' | 'engine-error';
export const SAVED_RUN_STATUSES: readonly SavedRunStatus[] = ['done', 'failed', 'stopped', 'engine-error'];

export interface SavedOutcome {
  status: SavedRunStatus;
  /** RunResult.ok (false when the scenario threw). */
  ok: boolean;
  /** Events the run recorded, and its wall-clock time (ms). */
  ops: number;
  wallMs: number;
  /** The scenario's failure, with its position and frames. */
  error: RunError | null;
  /** The engine could not finish it (stopped by the user, crash, budget). */
  engineError: { errno: string; message: string } | null;
  /** The last event recorded when the run ended by Stop. */
  stoppedAfter: number | null;
}

export interface SavedRun {
  format: typeof RUN_FILE_FORMAT;
  version: RunFileVersion;
  engine: { version: string; scenarioApi: number };
  /** When the run started (ISO 8601). */
  ranAt: string;
  scenario: { fileName: string; source: string };
  /**
   * The run's options. `strategy`: the storage strategy given from outside
   * (`pfnlab run --strategy`, RunParams.strategy); absent → the default
   * ('iommufd'). A strategy set by the scenario's lab.configure is in its source.
   */
  options: { seed: number; check: boolean; strategy?: StrategyName };
  outcome: SavedOutcome;
  /** Counters at the end of the run. */
  counters: Counters;
  timeline: {
    events: TimelineEvent[];
    marks: TimelineMark[];
    spans: TimelineSpan[];
    logs: TimelineLog[];
    /** Deduplicated state digests; `events[i].digest` indexes them (-1: none). */
    digests: MachineDigest[];
  };
}

/** Bounds a reader enforces before trusting a file (a 100 000-op run is ~20 MB). */
export const RUN_FILE_LIMITS = {
  /** Characters of the whole text. */
  textChars: 512 * 1024 * 1024,
  events: 5_000_000,
  marks: 1_000_000,
  spans: 1_000_000,
  logs: 1_000_000,
  /** Scenario source, characters. */
  source: 8 * 1024 * 1024,
  /** Any other string (messages, log lines, stacks), characters. */
  string: 1024 * 1024,
  /** Short names (op, target, errno, file name, counter names). */
  name: 4096,
  /** Items of any array inside an event or a digest. */
  items: 1_000_000,
  /** Nesting of event arguments and results. */
  jsonDepth: 64,
} as const;
