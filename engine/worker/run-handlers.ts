/**
 * The `run` and `failnth` requests: engine/scenario's runner and failnth
 * loop over a fresh engine Machine per run, with progress, log lines and (on
 * request) timeline batches pushed as events of the request. Budgets are the
 * host's: it terminates this worker when a run overstays (see
 * cli/worker-host.ts and the Electron supervisor).
 */
import { runFailnth } from '../scenario/failnth';
import { createMachine } from '../scenario/machine-factory';
import { runScenario } from '../scenario/runner';
import type { TimelineEvent, TimelineMark, TimelineSpan } from '../scenario/timeline';
import type { FailnthParams, FailnthResult, RunParams, RunResult } from './protocol';
import type { RequestContext } from './server';

/** Ops between `progress` events, and timeline records per `timeline` batch. */
const PROGRESS_EVERY = 1000;
const BATCH = 500;

function source(p: { source?: unknown }): string {
  if (typeof p.source !== 'string')
    throw Object.assign(new Error('params.source must be a string'), { errno: 'EINVAL' });
  return p.source;
}

export async function handleRun(p: RunParams, ctx: RequestContext): Promise<RunResult> {
  let events: TimelineEvent[] = [];
  let marks: TimelineMark[] = [];
  let spans: TimelineSpan[] = [];
  const stream = p.stream === true;
  const flush = (): void => {
    if (events.length + marks.length + spans.length === 0) return;
    ctx.emit('timeline', { events, marks, spans });
    events = [];
    marks = [];
    spans = [];
  };
  const { result } = await runScenario(createMachine, {
    source: source(p),
    fileName: p.fileName,
    seed: p.seed,
    check: p.check,
    keepEvents: p.keepEvents,
    digests: p.digests,
    sink: {
      onEvent: (e) => {
        if (e.seq % PROGRESS_EVERY === 0) ctx.emit('progress', { phase: 'run', done: e.seq });
        if (stream) {
          events.push(e);
          if (events.length >= BATCH) flush();
        }
      },
      onMark: (m) => {
        if (stream) marks.push(m);
      },
      onSpan: (s) => {
        if (stream) spans.push(s);
      },
      onLog: (l) => ctx.emit('runLog', l),
    },
  });
  if (stream) flush();
  return result;
}

export async function handleFailnth(p: FailnthParams, ctx: RequestContext): Promise<FailnthResult> {
  return runFailnth(createMachine, {
    source: source(p),
    fileName: p.fileName,
    seed: p.seed,
    maxPoints: p.maxPoints,
    onProgress: (n, leaks) => ctx.emit('progress', { phase: 'failnth', done: n, leaks }),
  });
}
