/**
 * Every problem of the open scenario in one list: the run's error (with the
 * scenario's own stack frames, innermost first), an engine failure or a
 * Stop (where the run was), the type checker's errors and warnings (they do
 * not block a run) and the driver warnings the run's events raised (one
 * item per line and message, with a count). Also the editor markers for the
 * run's problems, and the event a run problem points at.
 */
import type { TimelineEvent, WireError } from '../../electron/shared/lab-api';
import type { RunError } from '../../engine/scenario/runner';
import type { Problem } from '../stores/scenario';

export type ProblemSource = 'run' | 'engine' | 'stopped' | 'type' | 'warning';

export interface ProblemFrame {
  /** `thrown at line 12 in expect()`, `called from line 40`. */
  label: string;
  line: number;
  column: number;
}

export interface ProblemItem {
  key: string;
  source: ProblemSource;
  severity: 'error' | 'warning' | 'info';
  line: number;
  column: number;
  errno?: string;
  message: string;
  /** Event to select when clicked (0: none). */
  seq: number;
  /** Repeats folded into this item (driver warnings). */
  count: number;
  frames: ProblemFrame[];
}

/** What the list is built from (the run parts come from runs.current and runs.data). */
export interface ProblemInput {
  typeProblems: readonly Problem[];
  runError: RunError | null;
  engineError: WireError | null;
  /** The run ended by Stop (after this many events). */
  stoppedAfter: number | null;
  events: readonly TimelineEvent[];
  /** Events of a line (RunData.eventsOfLine). */
  eventsOfLine(line: number): readonly number[];
}

/**
 * The event a run error points at: the last event that failed with its
 * errno, else the last event of its line, else the run's last event (0: none).
 */
export function failingEvent(
  err: Pick<RunError, 'errno' | 'line'>,
  events: readonly TimelineEvent[],
  eventsOfLine: (line: number) => readonly number[],
): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as TimelineEvent;
    if (e.errno !== undefined && e.errno === err.errno) return e.seq;
  }
  const seqs = err.line > 0 ? eventsOfLine(err.line) : [];
  if (seqs.length > 0) return seqs[seqs.length - 1] as number;
  // A throw on a line without calls (a check of values): the state it saw is the last event's.
  return events.length > 0 ? (events[events.length - 1] as TimelineEvent).seq : 0;
}

/** The clickable stack of a run error: empty unless it has more than the one position. */
export function errorFrames(err: RunError): ProblemFrame[] {
  const frames = err.frames ?? [];
  if (frames.length === 0) return [];
  if (frames.length === 1 && frames[0]?.line === err.line) return [];
  return frames.map((f, i) => ({
    label: `${i === 0 ? 'thrown at' : 'called from'} line ${f.line}${f.fn ? ` in ${f.fn}()` : ''}`,
    line: f.line,
    column: f.column,
  }));
}

/** Driver warnings of the events, folded by (line, message), in line order. */
export function warningProblems(events: readonly TimelineEvent[]): ProblemItem[] {
  const byKey = new Map<string, ProblemItem>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as TimelineEvent;
    if (e.warnings === undefined || e.warnings.length === 0) continue;
    for (const w of e.warnings) {
      const key = `w:${e.line}:${w}`;
      const known = byKey.get(key);
      if (known) known.count++;
      else
        byKey.set(key, {
          key,
          source: 'warning',
          severity: 'warning',
          line: e.line,
          column: e.column,
          message: w,
          seq: e.seq,
          count: 1,
          frames: [],
        });
    }
  }
  return [...byKey.values()].sort((a, b) => a.line - b.line || a.seq - b.seq);
}

export function buildProblems(p: ProblemInput): ProblemItem[] {
  const out: ProblemItem[] = [];
  const last = p.events[p.events.length - 1];
  if (p.runError) {
    const e = p.runError;
    out.push({
      key: 'run',
      source: 'run',
      severity: 'error',
      line: e.line,
      column: e.column,
      errno: e.errno,
      message: e.message,
      seq: failingEvent(e, p.events, p.eventsOfLine),
      count: 1,
      frames: errorFrames(e),
    });
  } else if (p.stoppedAfter !== null) {
    out.push({
      key: 'stopped',
      source: 'stopped',
      severity: 'info',
      line: last?.line ?? 0,
      column: last?.column ?? 0,
      message: `stopped after event ${p.stoppedAfter}${last ? ` (${last.op})` : ''}`,
      seq: last?.seq ?? 0,
      count: 1,
      frames: [],
    });
  } else if (p.engineError) {
    out.push({
      key: 'engine',
      source: 'engine',
      severity: 'error',
      line: last?.line ?? 0,
      column: last?.column ?? 0,
      errno: p.engineError.errno,
      message: `${p.engineError.message}${last ? ` (after event ${last.seq}, ${last.op})` : ''}`,
      seq: last?.seq ?? 0,
      count: 1,
      frames: [],
    });
  }
  const types = [...p.typeProblems].sort(
    (a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || a.line - b.line,
  );
  types.forEach((t, i) =>
    out.push({
      key: `t:${i}`,
      source: 'type',
      severity: t.severity,
      line: t.line,
      column: t.column ?? 0,
      message: t.message,
      seq: 0,
      count: 1,
      frames: [],
    }),
  );
  out.push(...warningProblems(p.events));
  return out;
}

export interface ProblemCounts {
  errors: number;
  warnings: number;
}

export function countProblems(items: readonly ProblemItem[]): ProblemCounts {
  let errors = 0;
  let warnings = 0;
  for (const it of items) {
    if (it.severity === 'error') errors++;
    else if (it.severity === 'warning') warnings += it.count;
  }
  return { errors, warnings };
}

export interface RunMarker {
  severity: 'error' | 'warning' | 'info';
  line: number;
  column: number;
  message: string;
}

/** Editor markers of the run's problems (type errors have their own, from the checker). */
export function runMarkers(items: readonly ProblemItem[]): RunMarker[] {
  const out: RunMarker[] = [];
  for (const it of items) {
    if (it.source === 'type' || it.line <= 0) continue;
    const head = it.errno ? `${it.errno}: ${it.message}` : it.message;
    if (it.source === 'warning') {
      out.push({
        severity: 'warning',
        line: it.line,
        column: it.column,
        message: `driver warning${it.count > 1 ? ` (×${it.count})` : ''}: ${it.message}`,
      });
      continue;
    }
    out.push({ severity: it.severity, line: it.line, column: it.column, message: head });
    // The outer frames point back at the failure.
    for (const f of it.frames.slice(1))
      if (f.line !== it.line)
        out.push({ severity: 'info', line: f.line, column: f.column, message: `${head} (${f.label})` });
    const inner = it.frames[0];
    if (inner && inner.line !== it.line)
      out.push({
        severity: 'info',
        line: inner.line,
        column: inner.column,
        message: `${head} (${inner.label})`,
      });
  }
  return out;
}
