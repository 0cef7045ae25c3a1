/**
 * Corrupt, truncated and non-text saved runs, layout files and study files
 * through their parsers: every damaged variant of a valid file either
 * parses or is refused with LabError EINVAL whose message says what and
 * where (the byte of a JSON error, the path of a bad field) — never another
 * exception. Also the byte/text checks a scenario file passes before it
 * runs (engine/scenario/source-text.ts: the CLI and the app use them).
 */
import '../../engine/scenario/testing/lockdown';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLabError } from '../../engine/base/errno';
import { parseLayout } from '../../engine/mm/layout';
import { createMachine } from '../../engine/scenario/machine-factory';
import { fromResult, parseRunFile, serializeRun } from '../../engine/scenario/run-file';
import { runScenario } from '../../engine/scenario/runner';
import { decodeSourceBytes, sourceTextProblem } from '../../engine/scenario/source-text';
import { parseStudyFile } from '../../engine/scenario/study-file';
import { ENGINE_VERSION, SCENARIO_API_VERSION } from '../../engine/version';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A small deterministic PRNG (mulberry32): the same damaged files every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every path of a JSON value, with its value ('' the root). */
function paths(v: Json, at = '', out: [string, Json][] = []): [string, Json][] {
  out.push([at, v]);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, `${at}[${i}]`, out));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, at === '' ? k : `${at}.${k}`, out);
  return out;
}

function setAt(root: Json, path: string, value: Json): Json {
  const copy = JSON.parse(JSON.stringify(root)) as Json;
  const keys = path.match(/[^.[\]]+/g) ?? [];
  let o = copy as Record<string, Json>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, Json>;
  o[keys.at(-1) as string] = value;
  return copy;
}

const REPLACEMENTS: Json[] = [null, 'x', -1, 0.5, 2 ** 60, [], {}, true, '\u0000'];

interface Verdict {
  ok: number;
  refused: number;
  problems: string[];
}

/** Parse one damaged text: fine, or EINVAL whose message contains `mustName` (when given). */
function judge(
  v: Verdict,
  what: string,
  parse: (t: string) => unknown,
  text: string,
  mustName?: RegExp,
): void {
  try {
    parse(text);
    v.ok++;
  } catch (e) {
    if (!isLabError(e) || e.errno !== 'EINVAL') {
      v.problems.push(`${what}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      return;
    }
    v.refused++;
    if (mustName && !mustName.test(e.message))
      v.problems.push(`${what}: message does not say where: ${e.message}`);
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Truncations, byte garbage and field replacements of a valid file. */
function damage(
  name: string,
  text: string,
  parse: (t: string) => unknown,
  opts: { fields: number },
): Verdict {
  const v: Verdict = { ok: 0, refused: 0, problems: [] };
  const r = rng(15);
  // truncated anywhere: refused, naming the byte
  for (let i = 0; i < 120; i++) {
    const at = Math.floor(r() * (text.length - 1));
    judge(v, `${name} truncated at ${at}`, parse, text.slice(0, at), /byte|empty|JSON/);
  }
  // a character replaced by garbage: parses or refused
  for (let i = 0; i < 120; i++) {
    const at = Math.floor(r() * text.length);
    const junk = ['"', '{', ']', 'x', '\u0000', '\ufffd', '9', ','][i % 8] as string;
    judge(
      v,
      `${name} with ${JSON.stringify(junk)} at ${at}`,
      parse,
      text.slice(0, at) + junk + text.slice(at + 1),
    );
  }
  // a field replaced by a wrong value: parses (dropped or still valid) or refused naming the field
  const root = JSON.parse(text) as Json;
  const all = paths(root).filter(([p]) => p !== '');
  for (let i = 0; i < opts.fields; i++) {
    const [p] = all[Math.floor(r() * all.length)] as [string, Json];
    const value = REPLACEMENTS[i % REPLACEMENTS.length] as Json;
    // the message names the field or one of its parents (an array's length, a record's index)
    const top = escape(p.split(/[.[]/)[0] as string);
    judge(
      v,
      `${name} ${p} = ${JSON.stringify(value)}`,
      parse,
      JSON.stringify(setAt(root, p, value)),
      new RegExp(top),
    );
  }
  return v;
}

/** Files that are not JSON text at all. */
const NOT_TEXT: [string, string][] = [
  ['empty', ''],
  ['whitespace', ' \n\t '],
  ['NUL bytes', '\u0000\u0000\u0000\u0000'],
  ['binary', String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))],
  ['a BOM and nothing', '\ufeff'],
  ['a JSON array', '[1, 2, 3]'],
  ['a JSON string', '"pfnlab-run"'],
  ['deep nesting', '['.repeat(100_000)],
  ['a number', '1e309'],
];

async function savedRunText(): Promise<string> {
  const source = readFileSync(
    new URL('../../scenarios/05-access-pin-with-domain.ts', import.meta.url),
    'utf8',
  );
  const { result } = await runScenario(createMachine, { source, fileName: '05.ts' });
  return serializeRun(
    fromResult(result, {
      fileName: '05.ts',
      source,
      seed: 1,
      check: false,
      ranAt: new Date(0),
      engine: { version: ENGINE_VERSION, scenarioApi: SCENARIO_API_VERSION },
    }),
  );
}

const STUDY = {
  format: 'pfnlab-study',
  version: 1,
  createdAt: '2026-12-02T04:00:00.000Z',
  engineVersion: '0.1.0',
  mode: 'quick',
  machine: { cpus: 2, cpuModel: 'x', node: 'v20', platform: 'linux', workers: 2 },
  axes: {
    strategies: ['iommufd'],
    domains: [2],
    backings: ['thp'],
    sizes: [64 * 2 ** 20],
    operations: ['map'],
  },
  cells: [
    {
      strategy: 'iommufd',
      domains: 2,
      backing: 'thp',
      size: 64 * 2 ** 20,
      operation: 'map',
      status: 'ok',
      wallMs: 1.5,
      floorMs: 0.1,
      repeats: 3,
      counters: {
        iommuMapCalls: 64,
        iommuUnmapCalls: 0,
        iovaToPhysCalls: 0,
        pteWrites: 64,
        pinCalls: 1,
        pagesPinned: 16384,
        pagesUnpinned: 0,
        readPfnsCalls: 0,
        mapPfnListCalls: 0,
      },
      tempMemoryPeakBytes: 4096,
      engineBytes: 1000,
    },
  ],
  wallMs: 10,
};

describe('corrupt, truncated and non-text files', () => {
  it('saved runs (engine/scenario/run-file): 540 damaged variants', async () => {
    const text = await savedRunText();
    expect(() => parseRunFile(text)).not.toThrow();
    const v = damage('run', text, parseRunFile, { fields: 300 });
    for (const [what, t] of NOT_TEXT) judge(v, `run: ${what}`, parseRunFile, t);
    expect(v.problems).toEqual([]);
    expect(v.refused).toBeGreaterThan(300);
  });

  it('layout files (engine/mm/layout.ts, docs/LAYOUT-FORMAT.md): 340 damaged variants', () => {
    const text = readFileSync(
      new URL('../../scenarios/layouts/python-4m.layout.json', import.meta.url),
      'utf8',
    );
    expect(() => parseLayout(text)).not.toThrow();
    const v = damage('layout', text, parseLayout, { fields: 100 });
    for (const [what, t] of NOT_TEXT) judge(v, `layout: ${what}`, parseLayout, t);
    expect(v.problems).toEqual([]);
    expect(v.refused).toBeGreaterThan(150);
  });

  it('study files (engine/scenario/study-file): 340 damaged variants', () => {
    const text = JSON.stringify(STUDY, null, 1);
    expect(() => parseStudyFile(text)).not.toThrow();
    const v = damage('study', text, parseStudyFile, { fields: 100 });
    for (const [what, t] of NOT_TEXT) judge(v, `study: ${what}`, parseStudyFile, t);
    expect(v.problems).toEqual([]);
    expect(v.refused).toBeGreaterThan(150);
  });
});

describe('is a scenario file text at all (source-text.ts)', () => {
  const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('decodes UTF-8 exactly as TextDecoder does, BOM dropped', () => {
    for (const s of ['', 'lab.log("héllo")', '// ✓ 𝔘 日本\nlab.mark("x")', 'a\r\nb']) {
      expect(decodeSourceBytes(enc(s))).toEqual({ text: s });
      expect(decodeSourceBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc(s)]))).toEqual({ text: s });
    }
    const long = 'x'.repeat(100_000) + '✓';
    expect(decodeSourceBytes(enc(long))).toEqual({ text: long });
  });

  it.each([
    ['a NUL byte', bytes(0x6c, 0x61, 0x00, 0x62), 'not a text file: a NUL byte at offset 2'],
    ['a lone continuation byte', bytes(0x61, 0x80), 'invalid byte 0x80 at offset 1'],
    ['a cut sequence', bytes(0x61, 0xe2, 0x9c), 'invalid byte 0xe2 at offset 1'],
    ['an overlong encoding', bytes(0xc0, 0xaf), 'invalid byte 0xc0 at offset 0'],
    ['a surrogate', bytes(0xed, 0xa0, 0x80), 'invalid byte 0xed at offset 0'],
    ['past U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), 'invalid byte 0xf4 at offset 0'],
    ['Latin-1 text', bytes(0x63, 0x61, 0x66, 0xe9), 'invalid byte 0xe9 at offset 3'],
    [
      'a PNG header',
      bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0),
      'invalid byte 0x89 at offset 0',
    ],
  ])('%s: refused naming the byte', (_, b, msg) => {
    const d = decodeSourceBytes(b);
    expect('problem' in d && d.problem).toContain(msg);
  });

  it('decoded text: a NUL or a replaced byte is named by line and column', () => {
    expect(sourceTextProblem('lab.log(1)\n')).toBeNull();
    expect(sourceTextProblem('a\nbc\u0000')).toBe('not a text file: a NUL byte at line 2, column 3');
    expect(sourceTextProblem(new TextDecoder().decode(bytes(0x61, 0x0a, 0xff)))).toMatch(
      /U\+FFFD.*line 2, column 1/,
    );
  });
});
