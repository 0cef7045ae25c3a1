/**
 * parseRunFile(text): a saved run, or a LabError EINVAL whose message says
 * what is wrong and where — not JSON (truncated?), not a run file, a newer
 * format, or the first field that does not check ("timeline.events[12].seq:
 * expected an integer, got string"). Nothing of the input is trusted: the
 * text and every array are bounded, every field is type-checked, digest
 * references and sequence numbers are checked against what exists, and the
 * result is rebuilt from checked values only.
 */
import { LabError } from '../../base/errno';
import { STRATEGY_NAMES } from '../../iommufd/strategy/names';
import {
  RUN_FILE_FORMAT,
  RUN_FILE_LIMITS as L,
  RUN_FILE_VERSION,
  SAVED_RUN_STATUSES,
  type SavedOutcome,
  type SavedRun,
} from './format';
import { readDigest } from './digest-schema';
import { Reader, type Obj } from './reader';
import {
  readCounters,
  readEvent,
  readLog,
  readMark,
  readOpt,
  readRunError,
  readSpan,
} from './timeline-schema';

const einval = (message: string): LabError => new LabError('EINVAL', message);

/** UTF-8 bytes of the first `chars` characters (error messages speak in bytes, as file tools do). */
function byteOffset(text: string, chars: number): number {
  return new TextEncoder().encode(text.slice(0, chars)).length;
}

/** Whether the text starts like a run file (format first, as serializeRun writes it). */
export function looksLikeRunFile(text: string): boolean {
  return /^\s*\{\s*"format"\s*:\s*"pfnlab-run"/.test(text.slice(0, 200));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (text.trim() === '') throw einval('not JSON (the file is empty)');
    const at = /position (\d+)/.exec(msg);
    const pos = at ? Number(at[1]) : null;
    // V8 names the position where it stopped; at the end of the text the file was cut short
    if (/end of JSON input/.test(msg) || (pos !== null && pos >= text.trimEnd().length))
      throw einval(`not JSON (truncated at byte ${byteOffset(text, text.length)}?)`);
    throw einval(
      pos === null
        ? `not JSON (${msg.slice(0, 120)})`
        : `not JSON (at byte ${byteOffset(text, pos)}: ${msg.slice(0, 120)})`,
    );
  }
}

function readOutcome(r: Reader, v: unknown, events: number): SavedOutcome {
  const o = r.obj(v);
  const sa = r.field(o, 'stoppedAfter');
  return {
    status: r.oneOf(o, 'status', SAVED_RUN_STATUSES),
    ok: r.bool(o, 'ok'),
    ops: r.int(o, 'ops'),
    wallMs: r.num(o, 'wallMs', 0),
    error: readOpt(r, o, 'error', (x) => readRunError(r, x)),
    engineError: readOpt(r, o, 'engineError', (x) => {
      const e = r.obj(x);
      return { errno: r.str(e, 'errno', L.name), message: r.str(e, 'message') };
    }),
    stoppedAfter: sa === null || sa === undefined ? null : r.int(o, 'stoppedAfter', 0, events),
  };
}

export function parseRunFile(text: string): SavedRun {
  if (typeof text !== 'string') throw einval('not a PFN Lab run file (not text)');
  if (text.length > L.textChars) throw einval(`the file is larger than ${L.textChars / 2 ** 20} MiB`);
  const top = parseJson(text);
  const r: Reader = new Reader();
  if (
    typeof top !== 'object' ||
    top === null ||
    Array.isArray(top) ||
    (top as Obj).format !== RUN_FILE_FORMAT
  )
    throw einval(`not a PFN Lab run file (no "format": "${RUN_FILE_FORMAT}")`);
  const o = top as Obj;
  const version = o.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    r.fail(
      `expected a format version (a positive integer), got ${JSON.stringify(version) ?? 'nothing'}`,
      'version',
    );
  if (version > RUN_FILE_VERSION)
    throw einval(`made by a newer PFN Lab (format ${version}; this one reads ${RUN_FILE_VERSION})`);

  const engine = r.in('engine', () => {
    const e = r.obj(r.field(o, 'engine'));
    return { version: r.str(e, 'version', 64), scenarioApi: r.int(e, 'scenarioApi') };
  });
  const ranAt = r.str(o, 'ranAt', 64);
  if (!Number.isFinite(Date.parse(ranAt)))
    r.fail(`expected an ISO date, got ${JSON.stringify(ranAt)}`, 'ranAt');
  const scenario = r.in('scenario', () => {
    const s = r.obj(r.field(o, 'scenario'));
    return { fileName: r.str(s, 'fileName', L.name), source: r.str(s, 'source', L.source) };
  });
  const options = r.in('options', () => {
    const s = r.obj(r.field(o, 'options'));
    const seed = r.int(s, 'seed');
    const check = r.bool(s, 'check');
    // absent (older files, default runs): the default strategy
    if (r.field(s, 'strategy') === undefined) return { seed, check };
    return { seed, check, strategy: r.oneOf(s, 'strategy', STRATEGY_NAMES) };
  });
  const tl = r.in('timeline', () => r.obj(r.field(o, 'timeline')));
  const timeline = r.in('timeline', () => {
    const digests = r.arr(tl, 'digests', L.events + 1, (d) => readDigest(r, d));
    const events = r.arr(tl, 'events', L.events, (e, i) => readEvent(r, e, i, digests.length));
    const n = events.length;
    return {
      events,
      marks: r.arr(tl, 'marks', L.marks, (m) => readMark(r, m, n)),
      spans: r.arr(tl, 'spans', L.spans, (s) => readSpan(r, s, n)),
      logs: r.arr(tl, 'logs', L.logs, (l) => readLog(r, l, n)),
      digests,
    };
  });
  const outcome = r.in('outcome', () => readOutcome(r, r.field(o, 'outcome'), timeline.events.length));
  const counters = r.in('counters', () => readCounters(r, r.field(o, 'counters')));
  return {
    format: RUN_FILE_FORMAT,
    version: options.strategy === undefined ? 1 : 2,
    engine,
    ranAt,
    scenario,
    options,
    outcome,
    counters,
    timeline,
  };
}
