/**
 * What the exporters read of a run: a finished RunResult (the CLI), a saved
 * run, or the app's recorded data all have this shape.
 */
import type { RunError } from '../runner';
import type { TimelineData } from '../timeline';

export interface ExportableRun {
  ok: boolean;
  error?: RunError | undefined;
  ops: number;
  wallMs: number;
  timeline: Pick<TimelineData, 'events' | 'marks' | 'spans'>;
}
