import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRunFile } from '../engine/scenario/run-file';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-show-'));
const at = (name: string): string => join(tmp, name);

writeFileSync(
  at('ok.ts'),
  "const fd = lab.open();\nconst ioas = fd.ioasAlloc();\nioas.attachDomain();\nconst buf = lab.process.mmap(16 * lab.PAGE_SIZE);\nlab.mark('before map');\nconst d = lab.measure('map', () => {\n  ioas.map(buf, 16 * lab.PAGE_SIZE, { iova: lab.MOCK_APERTURE_START });\n});\nlab.log('pinned', d.pagesPinned);\nioas.unmap(0, lab.U64_MAX);\nfd.close();\n",
);
writeFileSync(
  at('helper-throws.ts'),
  "function expect(c: boolean, m: string): void {\n  if (!c) throw new Error(m);\n}\nlab.log('before');\nconst x: number = 2;\nexpect(x === 1, 'x is 1');\n",
);

function pfnlab(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/pfnlab.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 150000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pfnlab run --save, pfnlab show', () => {
  it('show prints what run printed, and writes the same trace and CSV, without running', () => {
    const run = pfnlab(
      'run',
      at('ok.ts'),
      '--seed',
      '5',
      '--save',
      at('ok.pfnrun.json'),
      '--trace',
      at('run.trace.json'),
      '--csv',
      at('run.csv'),
      '--no-typecheck',
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^pinned 16\nok: ok.ts: 7 ops in \d+ ms\ncounters: /);
    const saved = parseRunFile(readFileSync(at('ok.pfnrun.json'), 'utf8'));
    expect(saved.options).toEqual({ seed: 5, check: false });
    expect(saved.scenario.source).toBe(readFileSync(at('ok.ts'), 'utf8'));
    expect(saved.timeline.events).toHaveLength(7);
    expect(saved.timeline.digests.length).toBeGreaterThan(0);

    const show = pfnlab(
      'show',
      at('ok.pfnrun.json'),
      '--trace',
      at('show.trace.json'),
      '--csv',
      at('show.csv'),
    );
    expect([show.status, show.stdout, show.stderr]).toEqual([0, run.stdout, run.stderr]);
    expect(readFileSync(at('show.trace.json'), 'utf8')).toBe(readFileSync(at('run.trace.json'), 'utf8'));
    expect(readFileSync(at('show.csv'), 'utf8')).toBe(readFileSync(at('run.csv'), 'utf8'));

    const runJson = pfnlab(
      'run',
      at('ok.ts'),
      '--seed',
      '5',
      '--json',
      '--no-typecheck',
      '--save',
      at('j.pfnrun.json'),
    );
    const showJson = pfnlab('show', at('j.pfnrun.json'), '--json');
    expect(showJson.status).toBe(0);
    expect(showJson.stdout).toBe(runJson.stdout);
  });

  it('a failed run: the same error, frames and exit status 1', () => {
    const run = pfnlab('run', at('helper-throws.ts'), '--save', at('fail.pfnrun.json'), '--no-typecheck');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^helper-throws\.ts:6:1: Error: x is 1\n {4}at expect \(helper-throws\.ts:2:/);
    const show = pfnlab('show', at('fail.pfnrun.json'));
    expect([show.status, show.stdout, show.stderr]).toEqual([1, run.stdout, run.stderr]);
  });

  it('a corrupt, truncated, foreign or newer file: exit 3 and one clear line; an unreadable one: exit 2', () => {
    const good = readFileSync(at('ok.pfnrun.json'), 'utf8');
    writeFileSync(at('cut.pfnrun.json'), good.slice(0, 500));
    writeFileSync(at('newer.pfnrun.json'), good.replace('"version":1,', '"version":3,'));
    writeFileSync(at('bad.pfnrun.json'), good.replace('"seq":3,', '"seq":"3",'));
    const cases: [string, RegExp][] = [
      ['cut.pfnrun.json', /: not JSON \(truncated at byte 500\?\)$/],
      ['newer.pfnrun.json', /: made by a newer PFN Lab \(format 3; this one reads 2\)$/],
      ['bad.pfnrun.json', /: timeline\.events\[2\]\.seq: expected an integer, got string$/],
      ['ok.ts', /: not JSON \(/],
    ];
    for (const [name, msg] of cases) {
      const r = pfnlab('show', at(name));
      expect(r.status, name).toBe(3);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0]?.startsWith(`pfnlab show: ${at(name)}: `)).toBe(true);
      expect(lines[0]).toMatch(msg);
    }
    expect(pfnlab('show', at('missing.pfnrun.json')).status).toBe(2);
    expect(pfnlab('show').status).toBe(2);
    expect(pfnlab('show', '--help').stdout).toContain('Usage: pfnlab show RUN');
  });
});
