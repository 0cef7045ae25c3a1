import './testing/lockdown';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario, type RunError } from './runner';
import { originalColumn } from './source-map';
import { SourceLocator } from './source-position';
import { fakeMachineFactory } from './testing/fake-machine';
import { transpile } from './transpile';

const SOURCE = [
  '/// <reference path="../engine/scenario/api/lab.d.ts" />', // 1
  'interface Plan {', // 2
  '  size: number;', // 3
  '}', // 4
  'type Size = number;', // 5
  'const plan: Plan = { size: 8192 };', // 6
  'const fd: Iommufd = lab.open();', // 7
  'const io: Ioas = fd.ioasAlloc();', // 8
  'const buf: number = lab.process.mmap(plan.size as Size);', // 9
  'const iova: bigint = io.map(buf, plan.size);', // 10
  'const n: number = 0; const gone: bigint = io.unmap(iova + 4096n, 4096);', // 11
].join('\n');

describe('sucrase', () => {
  it('keeps every line where it was', () => {
    const { code } = transpile(SOURCE);
    const inLines = SOURCE.split('\n');
    const outLines = code.split('\n');
    expect(outLines.length).toBe(inLines.length);
    // each statement that survives stays on its line
    for (const [i, line] of inLines.entries()) {
      const call = /(\w+\.\w+)\(/.exec(line)?.[1];
      if (call) expect(outLines[i]).toContain(call);
    }
    expect(outLines[5]).toBe('const plan = { size: 8192 };');
  });

  it('reports syntax errors with their line', () => {
    expect(() => transpile('const a = 1;\nconst b = ;\n')).toThrow(/syntax error/);
    try {
      transpile('const a = 1;\nconst b = ;\n');
    } catch (e) {
      expect((e as { line: number }).line).toBe(2);
    }
  });

  it('strips an empty export so editors may treat scenarios as modules', () => {
    const { code } = transpile('lab.log(1);\nexport {};\n');
    expect(code).not.toContain('export');
    expect(code.split('\n').length).toBe(3);
  });
});

describe('error positions', () => {
  it('gives the line and the source column of the failing call', async () => {
    const { result } = await runScenario(fakeMachineFactory, { source: SOURCE });
    expect(result.ok).toBe(false);
    expect(result.error?.errno).toBe('ENOENT');
    expect(result.error?.line).toBe(11);
    const line11 = SOURCE.split('\n')[10] ?? '';
    // V8 points at the called property; the annotation before it was stripped
    expect(result.error?.column).toBe(line11.indexOf('unmap(') + 1);
  });

  it('records the scenario line of every call on the timeline', async () => {
    const { result } = await runScenario(fakeMachineFactory, { source: SOURCE });
    expect(result.timeline.events.map((e) => [e.op, e.line])).toEqual([
      ['lab.open', 7],
      ['iommufd.ioasAlloc', 8],
      ['process.mmap', 9],
      ['ioas.map', 10],
      ['ioas.unmap', 11],
    ]);
    expect(result.timeline.events[4]?.errno).toBe('ENOENT');
  });

  it('positions runtime errors of the scenario itself', async () => {
    const { result } = await runScenario(fakeMachineFactory, {
      source: 'const a: number = 1;\nconst o: { x?: { y: number } } = {};\nlab.log(o.x.y);\n',
    });
    expect(result.error?.errno).toBe('TypeError');
    expect(result.error?.line).toBe(3);
    expect(result.error?.column).toBe(13);
  });

  it('positions a throw of a non-error value', async () => {
    const { result } = await runScenario(fakeMachineFactory, { source: 'lab.log(1);\nthrow "nope";\n' });
    expect(result.ok).toBe(false);
    expect(result.error?.message).toMatch(/nope/);
  });
});

/** A failing unmap after lab.open() and ioasAlloc(), in `body` (lines 3…). */
const HEAD = 'const fd: Iommufd = lab.open();\nconst ioas: Ioas = fd.ioasAlloc();\n';
const UNMAP = 'ioas.unmap(0x1000n, 0x1000n)';

async function errorOf(source: string, fileName?: string): Promise<RunError> {
  const { result } = await runScenario(fakeMachineFactory, { source, fileName });
  expect(result.ok).toBe(false);
  return result.error as RunError;
}

/** 1-based column of the n-th (0-based) occurrence of `needle` in `line`. */
function col(line: string, needle: string, n = 0): number {
  let i = -1;
  for (let k = 0; k <= n; k++) i = line.indexOf(needle, i + 1);
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

describe('columns of lab calls (sucrase map replaced by a token alignment)', () => {
  it('an empty template chunk earlier in the file does not push later columns into a trailing comment', async () => {
    // sucrase 3.35's map went stale after `${…}` at a template start: the
    // unmap below was reported at column 11 and later ones further right
    const line = `${UNMAP}; // comment`;
    const e = await errorOf(`const s: string = \`\${lab.PAGE_SIZE}\`;\n${HEAD}${line}\n`);
    expect([e.errno, e.line, e.column]).toEqual(['ENOENT', 4, col(line, 'unmap')]);
  });

  const cases: Array<[string, string, number, string]> = [
    ['a trailing comment', `${UNMAP}; // comment`, 3, 'unmap'],
    ['after an annotation', `const x: number = 1; ${UNMAP}; // comment`, 3, 'unmap'],
    [
      'in a function',
      `function f(a: bigint): void { ioas.unmap(a, 0x1000n); } // c\nf(0x1000n);`,
      3,
      'unmap',
    ],
    [
      'in an arrow function',
      `const g = (a: bigint): bigint => ioas.unmap(a, 0x1000n); // c\ng(0x1000n);`,
      3,
      'unmap',
    ],
    ['in a loop', `for (let i: number = 0; i < 2; i++) { ${UNMAP}; } // comment`, 3, 'unmap'],
    [
      'in an async function',
      `(async (): Promise<void> => { await null; ${UNMAP}; /* c */ })(); // comment`,
      3,
      'unmap',
    ],
    ['among several calls', `lab.log(1 as number); lab.log(\`\${2}\`); ${UNMAP}; // lab.log(3)`, 3, 'unmap'],
    ['on a continuation line', `ioas\n  .unmap(0x1000n as bigint, 0x1000n); // comment`, 4, 'unmap'],
    [
      'in a class with parameter properties (sucrase inserts code)',
      `class K { constructor(private io: Ioas) { this.io.unmap(0x1000n, 0x1000n); } } // c\nnew K(ioas);`,
      3,
      'unmap',
    ],
  ];
  for (const [what, body, line, needle] of cases) {
    it(`reports the call's column: ${what}`, async () => {
      const e = await errorOf(`${HEAD}${body}\n`);
      expect(e.errno).toBe('ENOENT');
      expect(e.line).toBe(line);
      const text = `${HEAD}${body}`.split('\n')[line - 1] ?? '';
      expect(e.column).toBe(col(text, needle));
    });
  }

  it('records the source column of every call on the timeline, several calls on a line', async () => {
    const line =
      'const fd: Iommufd = lab.open(); const io: Ioas = fd.ioasAlloc(); lab.process.mmap(4096 as number); // lab.open()';
    const { result } = await runScenario(fakeMachineFactory, { source: `lab.log(\`\${1}\`);\n${line}\n` });
    expect(result.error).toBeUndefined();
    expect(result.timeline.events.map((e) => [e.op, e.line, e.column])).toEqual([
      ['lab.open', 2, col(line, 'open')],
      ['iommufd.ioasAlloc', 2, col(line, 'ioasAlloc')],
      ['process.mmap', 2, col(line, 'mmap')],
    ]);
  });

  it('maps every call of every bundled scenario back onto its name', () => {
    const dir = new URL('../../scenarios/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    let calls = 0;
    for (const f of files) {
      const src = readFileSync(new URL(f, dir), 'utf8');
      const { code, mappings } = transpile(src, f);
      const srcLines = src.split('\n');
      code.split('\n').forEach((g, i) => {
        for (const m of g.matchAll(/\.([A-Za-z_$][\w$]*)\(/g)) {
          const c = originalColumn(mappings, i + 1, (m.index ?? 0) + 2);
          expect(srcLines[i]?.slice(c - 1, c - 1 + (m[1] as string).length), `${f}:${i + 1}`).toBe(m[1]);
          calls++;
        }
      });
    }
    expect(calls).toBeGreaterThan(500);
  });

  it('takes only frames of the scenario file itself, not of an engine file whose path ends with its name', async () => {
    // a scenario named lab.ts: frames of engine/scenario/facade/lab.ts must not count
    const line = `${UNMAP}; // comment`;
    const e = await errorOf(`${HEAD}${line}\n`, 'lab.ts');
    expect([e.line, e.column]).toEqual([3, col(line, 'unmap')]);
    expect(e.frames).toEqual([{ fn: '', line: 3, column: col(line, 'unmap') }]);
  });
});

describe('frames and the primary position of an error', () => {
  it('an error thrown by an expect() helper points at the caller; frames list the throw first', async () => {
    const src = [
      'function expect(c: boolean, m: string): void {', // 1
      '  if (!c) throw new Error(m);', // 2
      '}', // 3
      'const x: number = 2;', // 4
      "expect(x === 1, 'x is 1'); // checks x", // 5
    ].join('\n');
    const e = await errorOf(src);
    expect([e.errno, e.message, e.line, e.column]).toEqual(['Error', 'x is 1', 5, 1]);
    expect(e.frames).toEqual([
      { fn: 'expect', line: 2, column: col('  if (!c) throw new Error(m);', 'new') },
      { fn: '', line: 5, column: 1 },
    ]);
  });

  it('the caller is the first frame outside the throwing function: past its recursion, through arrows and methods', async () => {
    const src = [
      'class Fail extends Error { constructor(m: string) { super(m); } }', // 1
      'function check(n: number, m: string): void { if (n > 0) check(n - 1, m); else throw new Fail(m); }', // 2
      'const o = { verify(): void { check(2, "deep"); } };', // 3
      '[1].forEach((): void => o.verify());', // 4
    ].join('\n');
    const e = await errorOf(src);
    expect([e.line, e.column]).toEqual([
      3,
      col('const o = { verify(): void { check(2, "deep"); } };', 'check'),
    ]);
    expect(e.frames?.map((f) => [f.fn, f.line])).toEqual([
      ['new Fail', 1],
      ['check', 2],
      ['check', 2],
      ['check', 2],
      ['Object.verify', 3],
      ['<anonymous>', 4],
      ['', 4],
    ]);
  });

  it('a throw at the top level points at the throw', async () => {
    const e = await errorOf("lab.log(1);\nthrow new RangeError('bad' as string);\n");
    expect([e.errno, e.line, e.column]).toEqual(['RangeError', 2, 7]);
    expect(e.frames).toHaveLength(1);
  });

  it('a lab call inside a helper points at the lab call, with the callers as further frames', async () => {
    const src = `${HEAD}function unmapIt(io: Ioas): void {\n  io.unmap(0x1000n, 0x1000n);\n}\nunmapIt(ioas);\n`;
    const e = await errorOf(src);
    expect([e.errno, e.line, e.column]).toEqual(['ENOENT', 4, 6]);
    expect(e.frames).toEqual([
      { fn: 'unmapIt', line: 4, column: 6 },
      { fn: '', line: 6, column: 1 },
    ]);
  });

  it("a runtime TypeError of the scenario's own code points where it happened, not at the caller", async () => {
    const e = await errorOf('function h(o: { x?: { y: number } }): number {\n  return o.x!.y;\n}\nh({});\n');
    expect([e.errno, e.line, e.column]).toEqual(['TypeError', 2, col('  return o.x!.y;', 'y')]);
    expect(e.frames?.map((f) => f.line)).toEqual([2, 4]);
  });

  it('an async helper that throws after an await points at the awaiting caller', async () => {
    const src = [
      'async function f(): Promise<void> {', // 1
      '  await null;', // 2
      "  throw new Error('late');", // 3
      '}', // 4
      'async function g(): Promise<void> {', // 5
      '  await f();', // 6
      '}', // 7
      'g();', // 8
    ].join('\n');
    const e = await errorOf(src);
    expect([e.line, e.column]).toEqual([6, 3]); // V8 points at the await
    expect(e.frames?.map((f) => [f.fn, f.line])).toEqual([
      ['f', 3],
      ['g', 6],
    ]);
  });

  it('a thrown non-error value has no frames', async () => {
    const e = await errorOf("throw 'nope';\n");
    expect(e.frames).toEqual([]);
    expect([e.line, e.column]).toEqual([0, 0]);
  });
});

describe('SourceLocator.frames', () => {
  it('parses named, anonymous, async, constructor and aliased frames and skips other files', () => {
    const loc = new SourceLocator('s.ts', []);
    const stack = [
      'Error: at (s.ts:99:1) in the message',
      '    at new K (s.ts:1:2)',
      '    at Object.f [as g] (s.ts:2:3)',
      '    at async h (s.ts:3:4)',
      '    at eval (s.ts:4:5)',
      '    at Array.forEach (<anonymous>)',
      '    at call (file:///x/facade/s.ts:5:6)',
      '    at Object.eval (s.ts:6:7)',
      '    at s.ts:7:8',
    ].join('\n');
    expect(loc.frames(stack)).toEqual([
      { fn: 'new K', line: 1, column: 2 },
      { fn: 'Object.f', line: 2, column: 3 },
      { fn: 'h', line: 3, column: 4 },
      { fn: '<anonymous>', line: 4, column: 5 },
      { fn: '', line: 6, column: 7 },
      { fn: '<anonymous>', line: 7, column: 8 },
    ]);
    expect(loc.fromStack(stack)).toEqual({ line: 1, column: 2 });
  });

  it('reads file names with spaces, parentheses and colons', () => {
    const loc = new SourceLocator('my (1): copy.ts', []);
    const stack =
      'Error: x\n    at expect (my (1): copy.ts:2:17)\n    at my (1): copy.ts:5:1\n    at g (other.ts:1:1)';
    expect(loc.frames(stack)).toEqual([
      { fn: 'expect', line: 2, column: 17 },
      { fn: '<anonymous>', line: 5, column: 1 },
    ]);
  });
});
