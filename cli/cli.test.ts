import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CheckJson } from './commands/check';
import type { JsonOutput } from './commands/run';
import { checkFile } from './typecheck';
import type { TraceFile } from '../engine/scenario/export/trace';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-cli-'));

/** Scenario fixtures, written to a temporary folder (as .ts files in cli/ they would join the node program). */
const FIXTURES: Record<string, string> = {
  'ok.ts':
    "const fd: Iommufd = lab.open();\nconst ioas: Ioas = fd.ioasAlloc();\nioas.attachDomain();\nconst buf: number = lab.process.mmap(16 * lab.PAGE_SIZE);\nlab.mark('before map');\nconst d: Counters = lab.measure('map', () => {\n  ioas.map(buf, 16 * lab.PAGE_SIZE, { iova: lab.MOCK_APERTURE_START });\n});\nlab.log('pinned', d.pagesPinned);\nioas.unmap(0, lab.U64_MAX);\nfd.close();\n",
  'throws.ts':
    'const fd: Iommufd = lab.open();\nconst ioas: Ioas = fd.ioasAlloc();\nconst n: number = 4096; ioas.unmap(lab.MOCK_APERTURE_START, n);\n',
  'type-error.ts': 'const fd = lab.open();\nfd.ioasAlloc().mapp(0, 4096);\n',
  /** Runs fine; line 1 is a type error (TS2322). */
  'type-ok.ts': "const n: string = 5;\nlab.log('n is', n);\n",
  'helper-throws.ts':
    "function expect(c: boolean, m: string): void {\n  if (!c) throw new Error(m);\n}\nconst x: number = 2;\nexpect(x === 1, 'x is 1'); // checks x\n",
  'failnth-small.ts':
    'lab.setTempMemoryLimit(32);\nconst fd = lab.open();\nconst ioas = fd.ioasAlloc();\nconst buf = lab.process.mmap(64 * lab.PAGE_SIZE);\nioas.attachDomain();\nconst iova = ioas.map(buf, 64 * lab.PAGE_SIZE);\nconst access = fd.createAccess(ioas, { needsPinPages: true });\nconst item = access.pin(iova, 8 * lab.PAGE_SIZE);\naccess.unpin(item);\naccess.close();\nioas.unmap(iova, 64 * lab.PAGE_SIZE);\nfd.close();\n',
};
for (const [name, text] of Object.entries(FIXTURES)) writeFileSync(join(tmp, name), text);
const FIX = (name: string): string => join(tmp, name);

/** Tests of a typed run spawn the `pfnlab check` child too: slow on a loaded machine. */
const TYPED_RUN_MS = 300_000;

function pfnlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/pfnlab.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 150000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pfnlab CLI', () => {
  it('prints help for the program and for every command', () => {
    const top = pfnlab('--help');
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/Usage: pfnlab COMMAND/);
    for (const cmd of ['run', 'failnth', 'check']) {
      const r = pfnlab(cmd, '--help');
      expect(r.status, cmd).toBe(0);
      expect(r.stdout).toContain(`Usage: pfnlab ${cmd} FILE`);
    }
  });

  it('exits 2 on usage errors', () => {
    expect(pfnlab().status).toBe(2);
    expect(pfnlab('frobnicate').status).toBe(2);
    const bad = pfnlab('run', FIX('ok.ts'), '--seed', 'x');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--seed must be a non-negative integer/);
    expect(pfnlab('run').status).toBe(2);
    expect(pfnlab('run', 'no/such/file.ts').status).toBe(2);
  });

  it('runs a scenario: exit 0, logs, --json, --trace and --csv', () => {
    const trace = join(tmp, 'ok.trace.json');
    const csv = join(tmp, 'ok.csv');
    const r = pfnlab(
      'run',
      FIX('ok.ts'),
      '--json',
      '--check',
      '--seed',
      '3',
      '--trace',
      trace,
      '--csv',
      csv,
      '--no-typecheck',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      ops: number;
      counters: Record<string, number>;
      wallMs: number;
    };
    expect(out.ok).toBe(true);
    expect(out.ops).toBe(7);
    expect(out.counters.pagesPinned).toBeGreaterThan(0);
    expect(typeof out.wallMs).toBe('number');

    const t = JSON.parse(readFileSync(trace, 'utf8')) as TraceFile;
    const ops = t.traceEvents.filter((e) => e.ph === 'X' && e.cat?.startsWith('op'));
    expect(ops.map((e) => e.name)).toEqual([
      'lab.open',
      'iommufd.ioasAlloc',
      'ioas.attachDomain',
      'process.mmap',
      'ioas.map',
      'ioas.unmap',
      'iommufd.close',
    ]);
    for (const e of t.traceEvents) {
      expect(Number.isFinite(e.ts)).toBe(true);
      if (e.ph === 'X') expect(e.dur).toBeGreaterThanOrEqual(0);
    }
    expect(t.traceEvents.some((e) => e.ph === 'i' && e.name === 'before map')).toBe(true);
    expect(t.traceEvents.some((e) => e.ph === 'X' && e.cat === 'span' && e.name === 'map')).toBe(true);
    expect(t.traceEvents.some((e) => e.ph === 'C' && e.name === 'pagesPinned')).toBe(true);

    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^seq,op,target,line,errno,t_ms,dur_ms,iommuMapCalls,/);
    expect(rows).toHaveLength(8);

    const plain = pfnlab('run', FIX('ok.ts'), '--no-typecheck');
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^pinned 16$/m);
    expect(plain.stdout).toMatch(/ok: ok.ts: 7 ops/);
  });

  it('exits 1 with errno, message and scenario line:column when the scenario throws', () => {
    const r = pfnlab('run', FIX('throws.ts'), '--no-typecheck');
    expect(r.status).toBe(1);
    const line3 = readFileSync(FIX('throws.ts'), 'utf8').split('\n')[2] ?? '';
    expect(r.stderr).toContain(`throws.ts:3:${line3.indexOf('unmap') + 1}: ENOENT: `);
    const j = pfnlab('run', FIX('throws.ts'), '--json', '--no-typecheck');
    expect(j.status).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { errno: 'ENOENT', line: 3 }, ops: 3 });
  });

  it('stops an infinite loop at the wall-clock budget', () => {
    const f = join(tmp, 'loop.ts');
    writeFileSync(f, "lab.log('spinning');\nwhile (true) {}\n");
    const t0 = Date.now();
    const r = pfnlab('run', f, '--timeout', '1', '--no-typecheck');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ETIMEDOUT: wall-clock budget of 1 s exceeded/);
    expect(Date.now() - t0).toBeLessThan(30000);
  });

  it('failnth tries every failure point of a small scenario and finds no leak', () => {
    const r = pfnlab('failnth', FIX('failnth-small.ts'), '--json');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { ok: boolean; points: number; steps: number; leaks: unknown[] };
    expect(out.points).toBeGreaterThan(0);
    expect(out.points).toBe(out.steps);
    expect(out.leaks).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('check: exit 0 on a good file, 1 with line:col diagnostics on a bad one', () => {
    const good = pfnlab('check', FIX('ok.ts'));
    expect(good.status).toBe(0);
    const bad = pfnlab('check', FIX('type-error.ts'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/type-error\.ts:2:16: error: Property 'mapp' does not exist on type 'Ioas'/);
  });

  it('check knows neither node nor the DOM: lab.d.ts is the only ambient declaration', () => {
    const f = join(tmp, 'ambient.ts');
    writeFileSync(f, 'process.exit(0);\ndocument.title = "x";\nlab.log(lab.PAGE_SIZE);\n');
    const d = checkFile(f);
    expect(d.map((x) => [x.line, x.column])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it(
    'prints the scenario frames under the error, the caller of a throwing helper first shown',
    () => {
      const r = pfnlab('run', FIX('helper-throws.ts'));
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        'helper-throws.ts:5:1: Error: x is 1\n    at expect (helper-throws.ts:2:17)\n    at helper-throws.ts:5:1\n',
      );
      const j = pfnlab('run', FIX('helper-throws.ts'), '--json', '--no-typecheck');
      expect(j.status).toBe(1);
      expect((JSON.parse(j.stdout) as JsonOutput).error).toEqual({
        errno: 'Error',
        message: 'x is 1',
        line: 5,
        column: 1,
        frames: [
          { fn: 'expect', line: 2, column: 17 },
          { fn: '', line: 5, column: 1 },
        ],
      });
    },
    TYPED_RUN_MS,
  );

  it('does not repeat a lone frame that is the position shown', () => {
    const r = pfnlab('run', FIX('throws.ts'), '--no-typecheck');
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    const j = JSON.parse(pfnlab('run', FIX('throws.ts'), '--json', '--no-typecheck').stdout) as JsonOutput;
    expect(j.error?.frames).toEqual([{ fn: '', line: 3, column: j.error?.column }]);
  });

  it(
    'type errors are warnings: the run goes on and the exit status is that of the run',
    () => {
      const r = pfnlab('run', FIX('type-ok.ts'));
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^n is 5$/m);
      expect(r.stderr).toBe(
        "type-ok.ts:1:7 warning TS2322: Type 'number' is not assignable to type 'string'.\n",
      );
      const failing = pfnlab('run', FIX('type-error.ts'));
      expect(failing.status).toBe(1);
      expect(failing.stderr).toMatch(
        /^type-error\.ts:2:16 warning TS2551: Property 'mapp' does not exist on type 'Ioas'.*\ntype-error\.ts:2:16: TypeError: /,
      );
    },
    TYPED_RUN_MS,
  );

  it(
    '--json carries typeErrors ([] for a clean file); --no-typecheck skips the check',
    () => {
      const j = pfnlab('run', FIX('type-ok.ts'), '--json');
      expect(j.status).toBe(0);
      const out = JSON.parse(j.stdout) as JsonOutput;
      expect(out.ok).toBe(true);
      expect(out.typeErrors).toEqual([
        {
          file: 'type-ok.ts',
          line: 1,
          column: 7,
          code: 2322,
          message: "Type 'number' is not assignable to type 'string'.",
        },
      ]);
      const clean = JSON.parse(pfnlab('run', FIX('ok.ts'), '--json').stdout) as JsonOutput;
      expect(clean.typeErrors).toEqual([]);
      const skipped = pfnlab('run', FIX('type-ok.ts'), '--json', '--no-typecheck');
      expect(skipped.status).toBe(0);
      expect(skipped.stderr).toBe('');
      expect((JSON.parse(skipped.stdout) as JsonOutput).typeErrors).toBeUndefined();
      const plain = pfnlab('run', FIX('type-ok.ts'), '--no-typecheck');
      expect([plain.status, plain.stderr]).toEqual([0, '']);
    },
    TYPED_RUN_MS,
  );

  it('check --json lists the diagnostics with their TS code', () => {
    const r = pfnlab('check', '--json', FIX('type-error.ts'), FIX('ok.ts'));
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as CheckJson;
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toMatchObject([{ line: 2, column: 16, code: 2551 }]);
    expect(out.diagnostics[0]?.file).toMatch(/type-error\.ts$/);
  });
});
