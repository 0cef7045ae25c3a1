import '../testing/lockdown';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, newCounters } from '../../base/counters';
import { isLabError } from '../../base/errno';
import { STRATEGY_NAMES } from '../../iommufd/strategy/names';
import { createMachine, machineFactoryFor } from '../machine-factory';
import { runScenario } from '../runner';
import type { CounterDeltas, TimelineEvent } from '../timeline';
import type { Json } from '../facade/values';
import {
  fromResult,
  looksLikeRunFile,
  parseRunFile,
  RUN_FILE_VERSION,
  serializeRun,
  type SavedRun,
  type SavedRunFields,
} from './index';

const ENGINE = { version: '0.1.0', scenarioApi: 1 };

async function realRun(name: string, seed = 1): Promise<SavedRunFields> {
  const source = readFileSync(new URL(`../../../scenarios/${name}`, import.meta.url), 'utf8');
  const { result } = await runScenario(createMachine, { source, fileName: name, seed });
  return fromResult(result, {
    fileName: name,
    source,
    seed,
    check: false,
    ranAt: new Date(0),
    engine: ENGINE,
  });
}

/** The error a parse throws: EINVAL, and its message. */
function parseError(text: string): string {
  try {
    parseRunFile(text);
  } catch (e) {
    expect(isLabError(e) && e.errno).toBe('EINVAL');
    return (e as Error).message;
  }
  throw new Error('parseRunFile accepted it');
}

const DELETE = Symbol('delete');
type Edit = [path: string, value: unknown];

/** A run file's text with fields replaced (or deleted) by dotted path: 'timeline.events.3.seq'. */
function edited(base: SavedRunFields, ...edits: Edit[]): string {
  const o: unknown = JSON.parse(serializeRun(base));
  for (const [path, value] of edits) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let at = o as Record<string, unknown>;
    for (const k of keys) at = at[k] as Record<string, unknown>;
    if (value === DELETE) delete at[last];
    else at[last] = value;
  }
  return JSON.stringify(o);
}

describe('run file: a real run', () => {
  it('round-trips a bundled scenario run: events, counters, digests (deduplicated, by index)', async () => {
    const fields = await realRun('05-access-pin-with-domain.ts');
    expect(fields.timeline.events.length).toBeGreaterThan(5);
    expect(fields.timeline.digests.length).toBeGreaterThan(1);
    const text = serializeRun(fields);
    expect(looksLikeRunFile(text)).toBe(true);
    // no strategy: version 1, readable by a reader that predates options.strategy
    expect(text.startsWith(`{"format":"pfnlab-run","version":1,`)).toBe(true);
    const back = parseRunFile(text);
    expect(back).toEqual({ format: 'pfnlab-run', version: 1, ...fields });
    // the digests stay deduplicated: no more digests than distinct indices referenced
    const used = new Set(back.timeline.events.map((e) => e.digest).filter((i) => i >= 0));
    expect(back.timeline.digests.length).toBe(used.size);
  });

  it('records the strategy given from outside (version 2); an invalid one names the field', async () => {
    const name = '05-access-pin-with-domain.ts';
    const source = readFileSync(new URL(`../../../scenarios/${name}`, import.meta.url), 'utf8');
    const { result } = await runScenario(machineFactoryFor('naive'), { source, fileName: name, seed: 1 });
    const fields = fromResult(result, {
      fileName: name,
      source,
      seed: 1,
      check: false,
      strategy: 'naive',
      ranAt: new Date(0),
      engine: ENGINE,
    });
    expect(fields.options).toEqual({ seed: 1, check: false, strategy: 'naive' });
    const text = serializeRun(fields);
    expect(text.startsWith(`{"format":"pfnlab-run","version":${RUN_FILE_VERSION},`)).toBe(true);
    expect(RUN_FILE_VERSION).toBe(2);
    const back = parseRunFile(text);
    expect(back).toEqual({ format: 'pfnlab-run', version: 2, ...fields });
    expect(back.options.strategy).toBe('naive');
    expect(parseError(edited(fields, ['options.strategy', 'fast']))).toBe(
      'options.strategy: expected one of iommufd, iommufd+batch-api, naive, vfio-type1, got "fast"',
    );
    expect(parseError(edited(fields, ['options.strategy', 3]))).toBe(
      'options.strategy: expected one of iommufd, iommufd+batch-api, naive, vfio-type1, got number',
    );
    // an older file (version 1, no strategy) reads as the default strategy
    const old = parseRunFile(edited(fields, ['version', 1], ['options.strategy', DELETE]));
    expect(old.version).toBe(1);
    expect(old.options).toEqual({ seed: 1, check: false });
    expect('strategy' in old.options).toBe(false);
  });

  it('round-trips a failed run with its error and frames', async () => {
    const source =
      'const fd = lab.open();\nconst ioas = fd.ioasAlloc();\nioas.unmap(lab.MOCK_APERTURE_START, 4096);\n';
    const { result } = await runScenario(createMachine, { source, fileName: 'f.ts' });
    expect(result.ok).toBe(false);
    const fields = fromResult(result, {
      fileName: 'f.ts',
      source,
      seed: 1,
      check: true,
      ranAt: new Date(),
      engine: ENGINE,
    });
    const back = parseRunFile(serializeRun(fields));
    expect(back.outcome.status).toBe('failed');
    expect(back.outcome.error).toEqual(result.error);
    expect(back.options.check).toBe(true);
  });
});

// ---- property: any well-formed run round-trips ----

const num = fc.integer({ min: -1e9, max: 1e9 }).map((x) => x / 8);
const nonNeg = fc.integer({ min: 0, max: 1e9 }).map((x) => x / 4);
const str = fc.string({ maxLength: 12 });
const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as Json);
const deltas: fc.Arbitrary<CounterDeltas> = fc.dictionary(fc.constantFrom(...COUNTER_NAMES), fc.integer({ min: -1e6, max: 1e6 }), {
  maxKeys: 4,
});
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String);
const int = fc.integer({ min: 0, max: 1 << 30 });

const digest = fc.record({
  contexts: fc.array(
    fc.record({
      serial: int,
      owner: int,
      accountModeMm: fc.boolean(),
      objects: fc.array(fc.tuple(int, str), { maxLength: 3 }),
      ioas: fc.array(
        fc.record({
          id: int,
          iovaAlignment: int,
          disableLargePages: fc.boolean(),
          areas: fc.array(
            fc.record({
              iova: u64,
              length: u64,
              pages: int,
              index: int,
              lastIndex: int,
              pageOffset: int,
              prot: int,
              storageDomain: fc.option(int, { nil: null }),
              numAccesses: int,
              preventAccess: fc.boolean(),
            }),
            { maxLength: 2 },
          ),
          reserved: fc.array(fc.tuple(u64, u64, str), { maxLength: 2 }),
          allowed: fc.array(fc.tuple(u64, u64), { maxLength: 2 }),
          domains: fc.array(
            fc.record({
              id: int,
              deviceId: int,
              kind: str,
              mapped: fc.array(fc.tuple(u64, u64, int), { maxLength: 2 }),
              entries: int,
              stats: fc.record({ mappedBytes: int, tableBytes: int }),
            }),
            { maxLength: 2 },
          ),
          accesses: fc.array(
            fc.record({
              id: int,
              needsPinPages: fc.boolean(),
              items: fc.array(fc.tuple(int, u64, u64), { maxLength: 2 }),
            }),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 2 },
  ),
  pages: fc.array(
    fc.record({
      id: int,
      pid: int,
      uptr: int,
      npages: int,
      npinned: int,
      lastNpinned: int,
      accountMode: str,
      writable: fc.boolean(),
      tiers: fc.array(fc.tuple(int, int, str), { maxLength: 3 }),
      accessNodes: int,
      xarrayEntries: int,
      accessIntervals: fc.array(fc.tuple(int, int, int), { maxLength: 3 }),
      domainSpans: fc.array(fc.tuple(int, int), { maxLength: 3 }),
    }),
    { maxLength: 2 },
  ),
  accounting: fc.array(
    fc.record({
      pid: int,
      uid: int,
      alive: fc.boolean(),
      userLockedVm: int,
      mmLockedVm: int,
      mmPinnedVm: int,
    }),
    { maxLength: 2 },
  ),
  pins: fc.record({
    pinnedFrames: int,
    totalPins: int,
    runs: int,
    hash: fc.integer({ min: 0, max: 0xffffffff }).map((x) => x.toString(16)),
  }),
});

const eventBody = fc.record(
  {
    op: str,
    target: str,
    args: fc.array(json, { maxLength: 3 }),
    result: json,
    errno: str,
    message: str,
    line: int,
    column: int,
    t: num,
    dur: nonNeg,
    deltas,
    warnings: fc.array(str, { maxLength: 2 }),
  },
  { requiredKeys: ['op', 'target', 'args', 'line', 'column', 't', 'dur', 'deltas'] },
);

const savedRunArb: fc.Arbitrary<SavedRun> = fc
  .record({
    digests: fc.array(digest, { maxLength: 3 }),
    bodies: fc.array(eventBody, { maxLength: 12 }),
    digestPicks: fc.array(fc.nat(), { maxLength: 12 }),
    marks: fc.array(fc.record({ label: str, t: num, line: int, seq: fc.nat() }), { maxLength: 3 }),
    spans: fc.array(
      fc.record({ label: str, t: num, dur: nonNeg, line: int, deltas, a: fc.nat(), b: fc.nat() }),
      { maxLength: 3 },
    ),
    logs: fc.array(
      fc.record({
        seq: fc.nat(),
        level: fc.constantFrom('log', 'info', 'warn', 'error', 'debug' as const),
        text: str,
      }),
      { maxLength: 3 },
    ),
    source: fc.string({ maxLength: 200 }),
    fileName: str,
    seed: fc.nat(),
    check: fc.boolean(),
    strategy: fc.option(fc.constantFrom(...STRATEGY_NAMES), { nil: undefined }),
    status: fc.constantFrom('done', 'failed', 'stopped', 'engine-error' as const),
    ok: fc.boolean(),
    wallMs: nonNeg,
    error: fc.option(
      fc.record(
        {
          errno: str,
          message: str,
          line: int,
          column: int,
          stack: str,
          frames: fc.array(fc.record({ fn: str, line: int, column: int }), { maxLength: 2 }),
        },
        { requiredKeys: ['errno', 'message', 'line', 'column'] },
      ),
      { nil: null },
    ),
    engineError: fc.option(fc.record({ errno: str, message: str }), { nil: null }),
    counterValues: fc.array(fc.integer({ min: 0, max: 1e9 }), {
      minLength: COUNTER_NAMES.length,
      maxLength: COUNTER_NAMES.length,
    }),
    ranAt: fc.integer({ min: 0, max: 4e12 }).map((ms) => new Date(ms)),
  })
  .map((g) => {
    const n = g.bodies.length;
    const events: TimelineEvent[] = g.bodies.map((b, i) => ({
      seq: i + 1,
      ...b,
      digest: g.digests.length === 0 ? -1 : ((g.digestPicks[i] ?? 0) % (g.digests.length + 1)) - 1,
    }));
    const counters = newCounters();
    COUNTER_NAMES.forEach((c, i) => (counters[c] = g.counterValues[i] ?? 0));
    return {
      format: 'pfnlab-run',
      version: g.strategy === undefined ? 1 : 2,
      engine: ENGINE,
      ranAt: g.ranAt.toISOString(),
      scenario: { fileName: g.fileName, source: g.source },
      options:
        g.strategy === undefined
          ? { seed: g.seed, check: g.check }
          : { seed: g.seed, check: g.check, strategy: g.strategy },
      outcome: {
        status: g.status,
        ok: g.ok,
        ops: n,
        wallMs: g.wallMs,
        error: g.error,
        engineError: g.engineError,
        stoppedAfter: g.status === 'stopped' ? n : null,
      },
      counters,
      timeline: {
        events,
        marks: g.marks.map((m) => ({ ...m, seq: m.seq % (n + 1) })),
        spans: g.spans.map(({ a, b, ...s }) => ({ ...s, firstSeq: a % (n + 2), lastSeq: b % (n + 1) })),
        logs: g.logs.map((l) => ({ ...l, seq: l.seq % (n + 1) })),
        digests: g.digests,
      },
    } satisfies SavedRun;
  });

describe('run file: round trip (property)', () => {
  it('parseRunFile(serializeRun(run)) equals run', () => {
    fc.assert(
      fc.property(savedRunArb, (run) => {
        expect(parseRunFile(serializeRun(run))).toEqual(run);
      }),
      { numRuns: 150 },
    );
  });

  it('any truncation of a run file is a clear error, never a run', () => {
    fc.assert(
      fc.property(savedRunArb, fc.double({ min: 0, max: 0.9999, noNaN: true }), (run, cut) => {
        const text = serializeRun(run).trimEnd();
        const at = Math.floor(text.length * cut);
        const msg = parseError(text.slice(0, at));
        expect(msg).toMatch(/^not JSON \((truncated at byte \d+\?|the file is empty)\)$/);
      }),
      { numRuns: 150 },
    );
  });
});

describe('run file: corrupt, truncated, newer', () => {
  let base: SavedRunFields;
  it('(a real run as the base)', async () => {
    base = await realRun('06-access-unpin.ts');
  });

  it('not JSON: empty, truncated (with the byte), garbage (with the byte)', () => {
    const text = serializeRun(base);
    expect(parseError('')).toBe('not JSON (the file is empty)');
    const bytes = new TextEncoder().encode(text.slice(0, 1000)).length;
    expect(parseError(text.slice(0, 1000))).toBe(`not JSON (truncated at byte ${bytes}?)`);
    expect(parseError('{"format" 1}')).toBe(
      "not JSON (at byte 10: Expected ':' after property name in JSON at position 10)",
    );
    expect(parseError('{"format": x}')).toMatch(/^not JSON \(Unexpected token/);
  });

  it('JSON that is not a run file', () => {
    expect(parseError('[1,2]')).toBe('not a PFN Lab run file (no "format": "pfnlab-run")');
    expect(parseError('{"format":"something-else","version":1}')).toMatch(/^not a PFN Lab run file/);
    expect(parseError('"pfnlab-run"')).toMatch(/^not a PFN Lab run file/);
    expect(looksLikeRunFile('{"traceEvents":[]}')).toBe(false);
  });

  it('a newer format names both versions; a bad version says so', () => {
    expect(parseError(edited(base, ['version', 3]))).toBe(
      `made by a newer PFN Lab (format 3; this one reads ${RUN_FILE_VERSION})`,
    );
    expect(parseError(edited(base, ['version', '1']))).toBe(
      'version: expected a format version (a positive integer), got "1"',
    );
    expect(parseError(edited(base, ['version', DELETE]))).toMatch(/^version: .*got nothing$/);
  });

  it('names the first field that does not check', () => {
    const withArea = base.timeline.digests.findIndex((d) => (d.contexts[0]?.ioas[0]?.areas.length ?? 0) > 0);
    expect(withArea).toBeGreaterThanOrEqual(0);
    const cases: [Edit, string | RegExp][] = [
      [['timeline.events.3.seq', 'x'], 'timeline.events[3].seq: expected an integer, got string'],
      [
        ['timeline.events.3.seq', 9],
        'timeline.events[3].seq: expected 4 (events are numbered in order), got 9',
      ],
      [
        ['timeline.events.2.digest', 999],
        /^timeline\.events\[2\]\.digest: expected an integer in -1\.\.\d+, got 999$/,
      ],
      [
        ['timeline.events.1.deltas.pagesPinned', 'many'],
        'timeline.events[1].deltas.pagesPinned: expected a number, got string',
      ],
      [['timeline.events.0.args', {}], 'timeline.events[0].args: expected an array, got object'],
      [['timeline.events', null], 'timeline.events: expected an array, got null'],
      [['timeline.digests.0.pages', 7], 'timeline.digests[0].pages: expected an array, got number'],
      [
        [`timeline.digests.${withArea}.contexts.0.ioas.0.areas.0.iova`, '0x1000'],
        `timeline.digests[${withArea}].contexts[0].ioas[0].areas[0].iova: expected a decimal u64 string, got "0x1000"`,
      ],
      [
        ['timeline.logs', [{ seq: 0, level: 'shout', text: '' }]],
        'timeline.logs[0].level: expected one of log, info, warn, error, debug, got "shout"',
      ],
      [
        ['timeline.marks', [{ seq: 1e6, label: '', t: 0, line: 0 }]],
        /^timeline\.marks\[0\]\.seq: expected an integer in 0\.\.\d+, got 1000000$/,
      ],
      [['scenario.source', 5], 'scenario.source: expected a string, got number'],
      [['options.seed', DELETE], 'options.seed: expected an integer, got undefined'],
      [
        ['outcome.status', 'great'],
        'outcome.status: expected one of done, failed, stopped, engine-error, got "great"',
      ],
      [['counters.pagesPinned', null], 'counters.pagesPinned: expected a number, got null'],
      [['ranAt', 'yesterday'], 'ranAt: expected an ISO date, got "yesterday"'],
      [['engine', []], 'engine: expected an object, got an array'],
    ];
    for (const [edit, want] of cases) {
      const msg = parseError(edited(base, edit));
      if (typeof want === 'string') expect(msg).toBe(want);
      else expect(msg).toMatch(want);
    }
  });

  it('bounds nesting and sizes before trusting anything', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(parseError(edited(base, ['timeline.events.0.args', [deep]]))).toMatch(
      /^timeline\.events\[0\]\.args(\[0\])+: nested deeper than 64$/,
    );
    expect(parseError(edited(base, ['timeline.events.0.op', 'x'.repeat(5000)]))).toBe(
      'timeline.events[0].op: string longer than 4096 characters',
    );
    const infinite = serializeRun(base).replace('"dur":', '"dur":1e999,"was":');
    expect(parseError(infinite)).toBe('timeline.events[0].dur: expected a number, got Infinity');
  });

  it('drops unknown fields and counters it does not know; a missing counter is 0 (an older engine)', () => {
    const back = parseRunFile(
      edited(
        base,
        ['extra', { x: 1 }],
        ['timeline.events.0.deltas.someFutureCounter', 3],
        ['counters.pagesPinned', DELETE],
        ['counters.someFutureCounter', 1],
      ),
    );
    expect(back).not.toHaveProperty('extra');
    expect(back.timeline.events[0]?.deltas).not.toHaveProperty('someFutureCounter');
    expect(back.counters.pagesPinned).toBe(0);
    expect(back.counters).not.toHaveProperty('someFutureCounter');
  });

  it('a "__proto__" key in event arguments stays data', () => {
    const text = serializeRun(base).replace('"args":[', '"args":[{"__proto__":{"polluted":true}},');
    const back = parseRunFile(text);
    const a = back.timeline.events[0]?.args[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(a)).toEqual(['__proto__']);
  });
});
