/** Timeline records for renderer tests (as the engine shapes them), and a run put straight into the stores. */
import { markRaw } from 'vue';
import type { TimelineEvent, TimelineMark, TimelineSpan } from '../../electron/shared/lab-api';
import { RunData } from '../stores/run-data';
import { useRunsStore, type RunRecord, type RunStatus } from '../stores/runs';
import { useSelectionStore } from '../stores/selection';

export function ev(seq: number, over: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    seq,
    op: 'ioas.map',
    target: 'ioas 1',
    args: [],
    line: 10,
    column: 3,
    t: seq,
    dur: 0.5,
    deltas: {},
    digest: -1,
    ...over,
  };
}

/** `n` events; `at(seq)` overrides fields per event. */
export function events(n: number, at: (seq: number) => Partial<TimelineEvent> = () => ({})): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  for (let s = 1; s <= n; s++) out.push(ev(s, at(s)));
  return out;
}

export function mark(seq: number, label: string, line = 0): TimelineMark {
  return { seq, label, t: seq, line };
}

export function span(firstSeq: number, lastSeq: number, label: string): TimelineSpan {
  return { label, firstSeq, lastSeq, t: firstSeq, dur: 1.5, deltas: {}, line: 0 };
}

/** Put a run into the stores as if it had run (status 'done' unless told), at its last step. */
export function loadRun(
  evs: TimelineEvent[],
  opts: {
    marks?: TimelineMark[];
    spans?: TimelineSpan[];
    status?: RunStatus;
    error?: RunRecord['error'];
    source?: string;
  } = {},
): { runs: ReturnType<typeof useRunsStore>; sel: ReturnType<typeof useSelectionStore> } {
  const runs = useRunsStore();
  const sel = useSelectionStore();
  const data = new RunData();
  data.appendEvents(evs);
  data.marks.push(...(opts.marks ?? []));
  data.spans.push(...(opts.spans ?? []));
  runs.current = {
    id: (runs.current?.id ?? 0) + 1,
    fileName: 'untitled.ts',
    source: opts.source ?? '',
    seed: 1,
    check: true,
    runId: null,
    startedAt: Date.now(),
    elapsedMs: 12,
    seq: evs.length,
    error: opts.error ?? null,
    engineError: null,
    counters: null,
    stoppedAfter: null,
  };
  runs.data = markRaw(data);
  runs.status = opts.status ?? 'done';
  runs.version++;
  sel.step = evs.length;
  sel.follow = true;
  return { runs, sel };
}
