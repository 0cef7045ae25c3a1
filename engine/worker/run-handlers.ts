/**
 * The `run` and `failnth` requests: engine/scenario's runner and failnth
 * loop over a fresh engine Machine per run, with progress, log lines, (on
 * request) timeline batches and live frames pushed as events of the
 * request. A finished run is kept as a session for `inspect` (its runId).
 * Budgets are the host's: it terminates this worker when a run overstays
 * (see cli/worker-host.ts and the Electron supervisor).
 */
import { runFailnth } from '../scenario/failnth';
import { createMachine, machineFactoryFor } from '../scenario/machine-factory';
import { runScenario } from '../scenario/runner';
import type { TimelineEvent, TimelineMark, TimelineSpan } from '../scenario/timeline';
import { LiveFramer, liveSettings } from './live';
import type { FailnthParams, FailnthResult, RunParams, RunResult } from './protocol';
import type { RequestContext } from './server';
import type { SessionStore } from './sessions';

/** Ops between `progress` events, and timeline records per `timeline` batch. */
const PROGRESS_EVERY = 1000;
const BATCH = 500;

function source(p: { source?: unknown }): string {
  if (typeof p.source !== 'string')
    throw Object.assign(new Error('params.source must be a string'), { errno: 'EINVAL' });
  return p.source;
}

function stopAfter(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw Object.assign(new Error('params.stopAfter must be a non-negative integer'), { errno: 'EINVAL' });
  return v;
}

/** The optional run and failnth params the worker reads, checked: callers are untrusted (a bad one named, EINVAL). */
function checkOptional(p: object): void {
  const o = p as Record<string, unknown>;
  const bad = (name: string, what: string): never => {
    throw Object.assign(new Error(`params.${name} must be ${what}, got ${typeof o[name]}`), {
      errno: 'EINVAL',
    });
  };
  const seed = o.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed)))
    bad('seed', 'an integer');
  if (o.fileName !== undefined && typeof o.fileName !== 'string') bad('fileName', 'a string');
  for (const k of ['check', 'digests', 'keepEvents', 'stream'])
    if (o[k] !== undefined && typeof o[k] !== 'boolean') bad(k, 'a boolean');
  const max = o.maxPoints;
  if (max !== undefined && (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1))
    bad('maxPoints', 'a positive integer');
}

const now = (): number => performance.now();

export async function handleRun(p: RunParams, ctx: RequestContext, store?: SessionStore): Promise<RunResult> {
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
  const src = source(p);
  checkOptional(p);
  const stop = stopAfter(p.stopAfter);
  const live = liveSettings(p.live);
  const framer =
    live === null
      ? null
      : new LiveFramer(
          live,
          (f) => ctx.emit('frame', f),
          now,
          (msg) => ctx.emit('runLog', { seq: 0, level: 'error', text: `live frames stopped: ${msg}` }),
        );
  const eventDigest: number[] = [];
  const { result, machine } = await runScenario(machineFactoryFor(p.strategy), {
    source: src,
    fileName: p.fileName,
    seed: p.seed,
    check: p.check,
    keepEvents: p.keepEvents,
    digests: p.digests,
    stopAfter: stop,
    now,
    observe: framer === null ? undefined : (m, t) => framer.observe(m, t),
    sink: {
      onEvent: (e) => {
        eventDigest.push(e.digest);
        if (e.seq % PROGRESS_EVERY === 0) ctx.emit('progress', { phase: 'run', done: e.seq });
        if (stream) {
          events.push(e);
          if (events.length >= BATCH) flush();
        }
        framer?.onEvent(e);
      },
      onMark: (m) => {
        if (stream) marks.push(m);
        framer?.onMark(m);
      },
      onSpan: (s) => {
        if (stream) spans.push(s);
        framer?.onSpan(s);
      },
      onLog: (l) => {
        ctx.emit('runLog', l);
        framer?.onLog(l);
      },
    },
  });
  if (stream) flush();
  framer?.frame();
  if (store !== undefined) {
    const session = store.add({
      spec: { source: src, fileName: p.fileName, seed: p.seed, strategy: p.strategy },
      lastSeq: result.ops,
      digests: result.timeline.digests,
      eventDigest: Int32Array.from(eventDigest),
      machine,
    });
    result.runId = session.runId;
  }
  return result;
}

export async function handleFailnth(p: FailnthParams, ctx: RequestContext): Promise<FailnthResult> {
  const src = source(p);
  checkOptional(p);
  return runFailnth(createMachine, {
    source: src,
    fileName: p.fileName,
    seed: p.seed,
    maxPoints: p.maxPoints,
    onProgress: (n, leaks) => ctx.emit('progress', { phase: 'failnth', done: n, leaks }),
  });
}
