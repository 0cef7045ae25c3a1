import './testing/lockdown';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instrument } from './call-sites';
import { createMachine } from './machine-factory';
import { runScenario, type RunResult } from './runner';
import { originalColumn } from './source-map';
import { transpile } from './transpile';

async function run(source: string): Promise<RunResult> {
  return (await runScenario(createMachine, { source })).result;
}

/**
 * A scenario text built piece by piece, knowing where each lab call's name
 * lands, and the events it must record in evaluation order (arguments before
 * the call, a loop body once per iteration).
 */
class Builder {
  text = '';
  private line = 1;
  private col = 1;

  put(s: string): void {
    for (const ch of s) {
      if (ch === '\n') {
        this.line++;
        this.col = 1;
      } else this.col++;
    }
    this.text += s;
  }

  /** Position the next character will have. */
  here(): [number, number] {
    return [this.line, this.col];
  }
}

type Event = [string, number, number];

/** An expression tree that evaluates to 0; emit() writes it and returns its events in order. */
type Expr =
  | { k: 'zero' }
  | { k: 'pin'; arg: Expr; nl: boolean } // lab.pinCount(buf + 0 * (arg)) → 0
  | { k: 'consumed'; nl: boolean } // (lab.faultConsumed() ? 1 : 0) → 0
  | { k: 'option'; nl: boolean } // io.getOption('HUGE_PAGES') * 0
  | { k: 'chain' } // fd.ioasAlloc().getOption('HUGE_PAGES') * 0: two events
  | { k: 'iife'; body: Expr } // ((v) => body + v)(0)
  | { k: 'map'; n: number; body: Expr } // [..n].map((v) => body)[0] (n >= 1)
  | { k: 'sum'; a: Expr; b: Expr; nl: boolean } // (a + b)
  | { k: 'loop'; n: number; body: Expr }; // ((s) => { for (…n) s += body; return s; })(0)

const expr: fc.Memo<Expr> = fc.memo((depth) => {
  const leaf = fc.oneof(
    fc.constant<Expr>({ k: 'zero' }),
    fc.boolean().map((nl): Expr => ({ k: 'consumed', nl })),
    fc.boolean().map((nl): Expr => ({ k: 'option', nl })),
    fc.constant<Expr>({ k: 'chain' }),
  );
  if (depth <= 1) return leaf;
  return fc.oneof(
    leaf,
    fc.record({ arg: expr(depth - 1), nl: fc.boolean() }).map((r): Expr => ({ k: 'pin', ...r })),
    expr(depth - 1).map((body): Expr => ({ k: 'iife', body })),
    fc
      .record({ n: fc.integer({ min: 1, max: 2 }), body: expr(depth - 1) })
      .map((r): Expr => ({ k: 'map', ...r })),
    fc
      .record({ a: expr(depth - 1), b: expr(depth - 1), nl: fc.boolean() })
      .map((r): Expr => ({ k: 'sum', ...r })),
    fc
      .record({ n: fc.integer({ min: 0, max: 2 }), body: expr(depth - 1) })
      .map((r): Expr => ({ k: 'loop', ...r })),
  );
});

function emit(b: Builder, e: Expr): Event[] {
  const nl = (yes: boolean): void => b.put(yes ? '\n    ' : '');
  switch (e.k) {
    case 'zero':
      b.put('0');
      return [];
    case 'pin': {
      b.put('lab');
      nl(e.nl);
      b.put('.');
      const at = b.here();
      b.put('pinCount(buf + 0 * (');
      const inner = emit(b, e.arg);
      b.put('))');
      return [...inner, ['lab.pinCount', ...at]];
    }
    case 'consumed': {
      b.put('(lab.');
      const at = b.here();
      b.put('faultConsumed(');
      nl(e.nl);
      b.put(') ? 1 : 0)');
      return [['lab.faultConsumed', ...at]];
    }
    case 'option': {
      b.put('io');
      nl(e.nl);
      b.put('.');
      const at = b.here();
      b.put("getOption('HUGE_PAGES') * 0");
      return [['ioas.getOption', ...at]];
    }
    case 'chain': {
      b.put('fd.');
      const a1 = b.here();
      b.put('ioasAlloc().');
      const a2 = b.here();
      b.put("getOption('HUGE_PAGES') * 0");
      return [
        ['iommufd.ioasAlloc', ...a1],
        ['ioas.getOption', ...a2],
      ];
    }
    case 'iife': {
      b.put('((v: number): number => ');
      const inner = emit(b, e.body);
      b.put(' + v)(0)');
      return inner;
    }
    case 'map': {
      b.put(`[${Array.from({ length: e.n }, (_, i) => i).join(', ')}].map((v) => `);
      const inner = emit(b, e.body);
      b.put(')[0] * 0');
      return Array.from({ length: e.n }, () => inner).flat();
    }
    case 'sum': {
      b.put('(');
      const a = emit(b, e.a);
      b.put(' +');
      nl(e.nl);
      b.put(' ');
      const c = emit(b, e.b);
      b.put(')');
      return [...a, ...c];
    }
    case 'loop': {
      b.put(`((s) => { for (let i = 0; i < ${e.n}; i++) { s += `);
      const inner = emit(b, e.body);
      b.put('; } return s; })(0)');
      return Array.from({ length: e.n }, () => inner).flat();
    }
  }
}

const PROLOGUE = [
  'const fd = lab.open();',
  'const io = fd.ioasAlloc();',
  'const buf: number = lab.process.mmap(8192);',
  '',
].join('\n');

describe('call sites injected at transpile time', () => {
  it('property: every event records the source position of its own call (nested, chained, multi-line, callbacks, loops)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(expr(4), { minLength: 1, maxLength: 4 }), async (stmts) => {
        const b = new Builder();
        b.put(PROLOGUE);
        const expected: Event[] = [
          ['lab.open', 1, 16],
          ['iommufd.ioasAlloc', 2, 15],
          ['process.mmap', 3, 33],
        ];
        for (const [i, s] of stmts.entries()) {
          b.put(`let x${i}: number = `);
          expected.push(...emit(b, s));
          b.put('; // lab.pinCount(1)\n');
        }
        const r = await run(b.text);
        expect(r.error, b.text).toBeUndefined();
        expect(
          r.timeline.events.map((e): Event => [e.op, e.line, e.column]),
          b.text,
        ).toEqual(expected);
      }),
      { numRuns: 60, seed: 7 },
    );
  }, 120_000);

  it('a lab call as a property setter (an assignment, not a call) keeps its position', async () => {
    const line = 'lab.pinCount(0); const p = lab.process; p.memlockLimit = 1 << 20;';
    const r = await run(`${line}\n`);
    expect(r.timeline.events.map((e) => [e.op, e.line])).toEqual([
      ['lab.pinCount', 1],
      ['process.memlockLimit', 1],
    ]);
    expect(r.timeline.events[1]?.column).toBeGreaterThan(line.indexOf('p.memlockLimit'));
  });

  it('lab methods called without call syntax at the site (forEach, Reflect.apply) get the calling line', async () => {
    const src =
      "const io = lab.open().ioasAlloc();\n['HUGE_PAGES'].forEach(io.getOption);\nReflect.apply(io.getOption, io, ['HUGE_PAGES']);\n";
    const r = await run(src);
    expect(r.error).toBeUndefined();
    expect(r.timeline.events.slice(2).map((e) => [e.op, e.line, e.column])).toEqual([
      ['ioas.getOption', 2, "['HUGE_PAGES'].".length + 1],
      ['ioas.getOption', 3, 'Reflect.'.length + 1],
    ]);
  });

  it('keeps error positions: a failing zero-argument call rewritten as o[HOOK(k, "m")]() points at its name', async () => {
    const src =
      'const fd = lab.open();\nconst io = fd.ioasAlloc();\nio.destroy();\nfd.ioasAlloc(); io.destroy(); // again\n';
    const r = await run(src);
    expect(r.ok).toBe(false);
    expect([r.error?.line, r.error?.column]).toEqual([4, 'fd.ioasAlloc(); io.'.length + 1]);
    expect(r.error?.frames).toEqual([{ fn: '', line: 4, column: 'fd.ioasAlloc(); io.'.length + 1 }]);
  });

  it('maps columns of the instrumented code back to the source, past every insertion', () => {
    const src =
      'const a: number = f(g(), h(1, 2,), o.m(), o?.n(), x[k](), f()());\nlab.log(a as number, `${a}`);\n';
    const ts = transpile(src);
    const js = instrument(ts.code, ts.mappings, 'H');
    const lines = src.split('\n');
    js.code.split('\n').forEach((g, i) => {
      for (const m of g.matchAll(/\b(lab|log|f|g|h|o|x|k|a)\b/g)) {
        const c = originalColumn(js.mappings, i + 1, (m.index ?? 0) + 1);
        expect(lines[i]?.slice(c - 1, c - 1 + (m[1] as string).length), `${i + 1}:${m.index}`).toBe(m[1]);
      }
    });
  });
});

describe('local aliases of the globals', () => {
  it('a scenario that declares its own lab or console (top level, parameter, nested) still runs', async () => {
    for (const src of [
      'const console = { log: (s: string): void => lab.log(`mine ${s}`) };\nconsole.log("a");',
      'function f(lab: { log(s: string): void }): void { lab.log("b"); }\nf({ log: (s) => console.log(s) });',
      '{ var lab2 = lab; }\nlab2.log("c");',
      'let lab = globalThis.lab;\nlab.log("d");',
    ]) {
      const r = await run(src);
      expect(r.error, src).toBeUndefined();
      expect(r.timeline.logs.length, src).toBe(1);
    }
  });
});

describe('literals SES would reject unparsed (issue 15)', () => {
  it('a string, template or regexp literal may contain import(, <!-- and -->; the value is unchanged', async () => {
    const src = [
      "lab.log('see import(x) in the docs');",
      'lab.log("<!-- not a comment -->");',
      'const n: number = 2;',
      'lab.log(`map --> unmap, import(${n}) <!--`);',
      "lab.log(String(/import(x)|-->/.test('a-->b')));",
      "lab.log(String.raw`x`.length + 'import (y)'.length);",
    ].join('\n');
    const r = await run(src);
    expect(r.error).toBeUndefined();
    expect(r.timeline.logs.map((l) => l.text)).toEqual([
      'see import(x) in the docs',
      '<!-- not a comment -->',
      'map --> unmap, import(2) <!--',
      'true',
      '11',
    ]);
  });

  it('a real import() is still rejected, also next to such a string', async () => {
    for (const src of [
      "lab.log('import(');\nimport('node:fs');",
      "const s = '-->'; import ('x')",
      'import(`a`)',
    ]) {
      const r = await run(src);
      expect(r.ok, src).toBe(false);
      expect(r.error?.message, src).toMatch(/SES_IMPORT_REJECTED/);
      expect(r.timeline.logs, src).toEqual([]);
    }
  });

  it('an error after such a string still points at the right column', async () => {
    const line = "lab.log('import( <!-- -->'); lab.open().ioasAlloc().unmap(0x1000n, 0x1000n);";
    const r = await run(`${line}\n`);
    expect(r.error?.errno).toBe('ENOENT');
    expect([r.error?.line, r.error?.column]).toEqual([1, line.indexOf('unmap') + 1]);
  });
});
